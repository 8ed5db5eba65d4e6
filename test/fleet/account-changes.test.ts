import { describe, expect, test } from 'vitest';
import { createAccountChangeHandler } from '../../src-main/engine/fleet/account-changes.js';
import type { Logger } from '../../src-main/engine/ports.js';
import { flushMicrotasks } from '../fakes/fake-clock.js';

/** Records every call the handler makes, in order. */
function setup(options: { started: boolean; failCheck?: boolean }) {
  const calls: string[] = [];
  const errors: string[] = [];
  const logger: Logger = { debug() {}, info() {}, warn() {}, error: (message) => errors.push(message) };
  const handle = createAccountChangeHandler({
    logger,
    fleet: {
      loadRecord: async (id) => void calls.push(`load ${id}`),
      clearFailure: (id) => void calls.push(`clear ${id}`),
      forgetRemoved: () => void calls.push('forget removed'),
    },
    poller: {
      tokenChanged: (id) => void calls.push(`poller token ${id}`),
      pollNow: async (id) => void calls.push(`poll now ${id ?? 'all'}`),
    },
    keeper: { credentialsChanged: (id) => void calls.push(`keeper ${id}`) },
    tracker: {
      check: async () => {
        calls.push('detect active');
        if (options.failCheck) throw new Error('boom');
        return false;
      },
    },
    changed: () => void calls.push('changed'),
    started: () => options.started,
  });
  return { calls, errors, handle };
}

describe('account change handling', () => {
  test('re-reads each changed login, starts the poller and keeper over, detects the active account, then polls the new ones', async () => {
    const { calls, handle } = setup({ started: true });
    handle(['one', 'two']);
    await flushMicrotasks();
    expect(calls).toEqual([
      'load one',
      'clear one',
      'poller token one',
      'keeper one',
      'load two',
      'clear two',
      'poller token two',
      'keeper two',
      'forget removed',
      'detect active',
      'changed',
      'poll now one',
      'poll now two',
    ]);
  });

  test('polls nothing before the engine is started', async () => {
    const { calls, handle } = setup({ started: false });
    handle(['one']);
    await flushMicrotasks();
    expect(calls.filter((c) => c.startsWith('poll now'))).toEqual([]);
    expect(calls).toContain('changed');
  });

  test('a failure is logged, never thrown', async () => {
    const { errors, handle } = setup({ started: true, failCheck: true });
    expect(() => handle([])).not.toThrow();
    await flushMicrotasks();
    expect(errors).toEqual(['account change handling failed']);
  });
});

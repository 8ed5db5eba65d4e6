import { cleanup, fireEvent, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, test, vi } from 'vitest';
import EventHistory from '../../src-renderer/components/EventHistory.svelte';
import type { EngineEvent } from '../../src-main/shared/event-types.js';
import { EventFeed, toKeyedEvents } from '../../src-renderer/lib/event-feed.svelte.js';
import { kindsOf } from '../../src-renderer/lib/event-groups.js';
import { ok } from '../../src-main/shared/result.js';
import { FakeBridge, makeSnapshot, renderDashboard, T0 } from './fixtures.js';

afterEach(cleanup);

const events: EngineEvent[] = [
  { atMs: T0 - 3_000, kind: 'usage-polled', level: 'info', message: 'Polled blake.', accountId: 'acct-b' },
  {
    atMs: T0 - 1_000,
    kind: 'account-switched',
    level: 'info',
    message: 'Switched casey → blake (perishable).',
    accountId: 'acct-b',
    data: { trigger: 'perishable' },
  },
  { atMs: T0 - 2_000, kind: 'switch-deferred', level: 'warn', message: 'Waiting for a Bash call to end.' },
];

describe('event history', () => {
  test('lists events newest first', async () => {
    const bridge = new FakeBridge(makeSnapshot());
    bridge.events = events;
    renderDashboard(EventHistory, { bridge });
    await vi.waitFor(() => expect(document.querySelectorAll('li[data-kind]')).toHaveLength(3));
    const kinds = [...document.querySelectorAll<HTMLElement>('li[data-kind]')].map((li) => li.dataset.kind);
    expect(kinds).toEqual(['account-switched', 'switch-deferred', 'usage-polled']);
    expect(screen.getByText('Switched casey → blake (perishable).')).toBeTruthy();
  });

  test('asks for the kinds of the chosen group and for the chosen account', async () => {
    const bridge = new FakeBridge(makeSnapshot());
    renderDashboard(EventHistory, { bridge });
    await vi.waitFor(() => expect(bridge.callsOf('getEvents')).toHaveLength(1));
    expect(bridge.callsOf('getEvents')[0]).toEqual({ limit: 200 });
    await fireEvent.change(screen.getByLabelText('Show'), { target: { value: 'switches' } });
    await vi.waitFor(() => expect(bridge.callsOf('getEvents').at(-1)).toEqual({ limit: 200, kinds: kindsOf('switches') }));
    await fireEvent.change(screen.getByLabelText('for'), { target: { value: 'acct-c' } });
    await vi.waitFor(() =>
      expect(bridge.callsOf('getEvents').at(-1)).toEqual({ limit: 200, kinds: kindsOf('switches'), accountId: 'acct-c' }),
    );
    expect(kindsOf('switches')).toContain('account-switched');
    expect(kindsOf('switches')).not.toContain('switch-deferred');
  });

  test('asks again when a new snapshot arrives', async () => {
    const bridge = new FakeBridge(makeSnapshot());
    renderDashboard(EventHistory, { bridge });
    await vi.waitFor(() => expect(bridge.callsOf('getEvents')).toHaveLength(1));
    bridge.push(makeSnapshot({ generatedAtMs: T0 + 1_000 }));
    await vi.waitFor(() => expect(bridge.callsOf('getEvents')).toHaveLength(2));
  });
});

describe('event feed', () => {
  test('gives identical events distinct keys that survive newer events arriving on top', () => {
    const same: EngineEvent = { atMs: T0, kind: 'usage-polled', level: 'info', message: 'Polled.' };
    const first = toKeyedEvents([same, same]);
    expect(new Set(first.map((e) => e.key)).size).toBe(2);
    const later = toKeyedEvents([same, same, { ...same, atMs: T0 + 1 }]);
    expect(later.slice(1).map((e) => e.key)).toEqual(first.map((e) => e.key));
  });

  test('collapses asks made during a request into one follow-up with the latest filter', async () => {
    const asked: unknown[] = [];
    let release: () => void = () => undefined;
    const bridge = {
      getEvents: async (filter: unknown) => {
        asked.push(filter);
        if (asked.length === 1) await new Promise<void>((r) => (release = r));
        return ok([] as EngineEvent[]);
      },
    };
    const feed = new EventFeed(bridge);
    const first = feed.load({ accountId: 'a' });
    void feed.load({ accountId: 'b' });
    void feed.load({ accountId: 'c' });
    release();
    await first;
    expect(asked).toEqual([
      { limit: 200, accountId: 'a' },
      { limit: 200, accountId: 'c' },
    ]);
  });
});

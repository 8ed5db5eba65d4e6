/**
 * A machine out of reach longer than its login allows (issue 13 item 5): the pure decision (its
 * token's expiry when known, else last seen + the 8-hour access-token lifetime), once per outage;
 * and the host's watch over a hub's machines, on a fake clock: one `machine-out-of-reach` event per
 * machine per outage, none while connected or revoked, a new one after it reconnected and left again.
 */
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src-main/shared/event-types.js';
import { silentLogger } from '../../src-main/engine/ports.js';
import { watchMachineReach } from '../../src-main/host/machine-reach-watch.js';
import {
  ACCESS_TOKEN_LIFETIME_MS,
  decideOutOfReach,
  isBehind,
  isOutOfReach,
  loginRunsOutAtMs,
} from '../../src-main/shared/machine-reach.js';
import type { MachineView } from '../../src-main/shared/machines-view.js';
import { FakeClock, flushMicrotasks } from '../fakes/fake-clock.js';

const HOUR_MS = 3_600_000;
const T0 = Date.UTC(2026, 11, 5, 12, 0, 0);

function machine(overrides: Partial<MachineView> = {}): MachineView {
  return {
    id: 'm-1',
    host: 'devbox',
    agentVersion: '0.1.0',
    connected: false,
    lastSeenMs: T0,
    held: { accountId: 'acct-1', generation: 3, fingerprint: 'ab12cd34' },
    heldExpiresAtMs: null,
    lagging: false,
    lagMs: 0,
    revoked: false,
    ...overrides,
  };
}

describe('out of reach (pure)', () => {
  it('uses the held token’s expiry when the hub knows it, else last seen + a full access-token lifetime', () => {
    expect(loginRunsOutAtMs(machine({ heldExpiresAtMs: T0 + HOUR_MS }))).toBe(T0 + HOUR_MS);
    expect(loginRunsOutAtMs(machine())).toBe(T0 + ACCESS_TOKEN_LIFETIME_MS);
    expect(ACCESS_TOKEN_LIFETIME_MS).toBe(8 * HOUR_MS);
    expect(loginRunsOutAtMs(machine({ held: null }))).toBeNull();
  });

  it('is out of reach only disconnected, not revoked, holding a login, once that login ran out', () => {
    const runsOut = T0 + ACCESS_TOKEN_LIFETIME_MS;
    expect(isOutOfReach(machine(), runsOut - 1)).toBe(false);
    expect(isOutOfReach(machine(), runsOut)).toBe(true);
    expect(isOutOfReach(machine({ connected: true }), runsOut + HOUR_MS)).toBe(false);
    expect(isOutOfReach(machine({ revoked: true }), runsOut + HOUR_MS)).toBe(false);
    expect(isOutOfReach(machine({ held: null }), runsOut + HOUR_MS)).toBe(false);
    expect(isOutOfReach(machine({ heldExpiresAtMs: T0 + HOUR_MS }), T0 + HOUR_MS)).toBe(true);
  });

  it('announces each outage once and forgets it when it ends', () => {
    const late = T0 + 9 * HOUR_MS;
    const first = decideOutOfReach([machine(), machine({ id: 'm-2', connected: true })], late, new Set());
    expect(first.newlyOutOfReach.map((m) => m.id)).toEqual(['m-1']);
    const again = decideOutOfReach([machine()], late + HOUR_MS, first.announced);
    expect(again.newlyOutOfReach).toEqual([]);
    const back = decideOutOfReach([machine({ connected: true, lastSeenMs: late + 2 * HOUR_MS })], late + 2 * HOUR_MS, again.announced);
    expect(back.announced.size).toBe(0);
    const goneAgain = machine({ lastSeenMs: late + 2 * HOUR_MS });
    expect(decideOutOfReach([goneAgain], late + 11 * HOUR_MS, back.announced).newlyOutOfReach.map((m) => m.id)).toEqual(['m-1']);
  });

  it('is behind when it holds an older generation than the one assigned now', () => {
    expect(isBehind(machine({ currentGeneration: 4 }))).toBe(true);
    expect(isBehind(machine({ currentGeneration: 3 }))).toBe(false);
    expect(isBehind(machine())).toBe(false);
  });
});

describe('the out-of-reach watch', () => {
  function watched(initial: MachineView[]) {
    const clock = new FakeClock(T0);
    let machines = initial;
    const listeners = new Set<() => void>();
    const events: EngineEvent[] = [];
    let changes = 0;
    const watch = watchMachineReach({
      source: {
        list: () => machines,
        subscribe: (l) => (listeners.add(l), () => void listeners.delete(l)),
      },
      clock,
      events: { append: (e) => events.push(e) },
      logger: silentLogger,
      changed: () => changes++,
      everyMs: 60_000,
      firstCheckMs: 60_000,
    });
    const set = (next: MachineView[]) => {
      machines = next;
      for (const l of listeners) l();
    };
    return { clock, events, watch, set, changes: () => changes };
  }

  it('emits one machine-out-of-reach event per outage, on its timer, and re-publishes the snapshot', async () => {
    const w = watched([machine(), machine({ id: 'm-2', host: 'laptop', connected: true })]);
    await w.clock.advance(ACCESS_TOKEN_LIFETIME_MS - 60_000);
    expect(w.events).toEqual([]);
    await w.clock.advance(60_000);
    expect(w.events.map((e) => [e.kind, e.level, e.data?.['machineId']])).toEqual([['machine-out-of-reach', 'warn', 'm-1']]);
    expect(w.events[0]?.message).toContain('devbox has been out of reach for 8h 0m');
    expect(w.events[0]?.accountId).toBe('acct-1');
    expect(w.changes()).toBe(1);
    await w.clock.advance(6 * HOUR_MS);
    expect(w.events).toHaveLength(1);
    w.watch.dispose();
  });

  it('says nothing for a connected or revoked machine; a new outage after a reconnect is announced again', async () => {
    const w = watched([machine({ connected: true }), machine({ id: 'm-r', revoked: true })]);
    await w.clock.advance(10 * HOUR_MS);
    expect(w.events).toEqual([]);
    // m-1 leaves at T0 + 10 h; its login runs out 8 h later.
    w.set([machine({ lastSeenMs: T0 + 10 * HOUR_MS }), machine({ id: 'm-r', revoked: true })]);
    await flushMicrotasks();
    await w.clock.advance(8 * HOUR_MS);
    expect(w.events.map((e) => e.data?.['lastSeenMs'])).toEqual([T0 + 10 * HOUR_MS]);
    w.set([machine({ connected: true, lastSeenMs: w.clock.now() })]);
    await flushMicrotasks();
    const leftAtMs = w.clock.now();
    w.set([machine({ lastSeenMs: leftAtMs })]);
    await w.clock.advance(9 * HOUR_MS);
    expect(w.events.map((e) => e.data?.['lastSeenMs'])).toEqual([T0 + 10 * HOUR_MS, leftAtMs]);
    w.watch.dispose();
    expect(w.clock.pendingTimers).toBe(0);
  });

  it('checks at once when the machines change (a hub restarted long after a machine left)', async () => {
    const w = watched([]);
    w.set([machine({ lastSeenMs: T0 - 9 * HOUR_MS })]);
    await flushMicrotasks();
    expect(w.events.map((e) => e.kind)).toEqual(['machine-out-of-reach']);
    w.watch.dispose();
  });
});

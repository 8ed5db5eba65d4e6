import { describe, expect, it } from 'vitest';
import { err, ok, type Result } from '../../src-main/shared/result.js';
import type { ApiError, UsageReading } from '../../src-main/engine/anthropic/api-types.js';
import { silentLogger } from '../../src-main/engine/ports.js';
import { SETTINGS_DEFAULTS } from '../../src-main/engine/storage/state-schema.js';
import { createUsagePoller, type PollerAccount, type PollerSettings } from '../../src-main/engine/usage/usage-poller.js';
import { START_CATCH_UP_WINDOW_MS } from '../../src-main/engine/usage/poll-timing.js';
import { FakeAnthropicClient, usageReading } from '../fakes/fake-anthropic-client.js';
import { FakeClock, flushMicrotasks } from '../fakes/fake-clock.js';

const M = 60_000;
const H = 60 * M;
const PARKED = SETTINGS_DEFAULTS.parkedPollIntervalMs;
const ACTIVE = SETTINGS_DEFAULTS.activePollIntervalMs;

/** A small deterministic PRNG (mulberry32) so jitter is exercised but reproducible. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function setup(opts: { accounts?: PollerAccount[]; random?: () => number; settings?: Partial<PollerSettings> } = {}) {
  const clock = new FakeClock();
  const client = new FakeAnthropicClient(() => clock.now());
  const accounts: PollerAccount[] = opts.accounts ?? [{ id: 'a', enabled: true, active: false, pollable: true }];
  const settings: PollerSettings = {
    activePollIntervalMs: ACTIVE,
    parkedPollIntervalMs: PARKED,
    pollJitterRatio: SETTINGS_DEFAULTS.pollJitterRatio,
    ...opts.settings,
  };
  const readings: { id: string; reading: UsageReading; atMs: number }[] = [];
  const failures: { id: string; error: ApiError; atMs: number }[] = [];
  const tokens = new Map<string, string | null>(accounts.map((a) => [a.id, `tok-${a.id}`]));
  const poller = createUsagePoller({
    clock,
    random: opts.random ?? seeded(42),
    client,
    getAccessToken: async (id) => tokens.get(id) ?? null,
    accounts: () => accounts,
    settings: () => settings,
    onReading: (id, reading, atMs) => readings.push({ id, reading, atMs }),
    onFailure: (id, error, atMs) => failures.push({ id, error, atMs }),
    logger: silentLogger,
  });
  const callTimes = (id: string) => client.usageCalls.filter((c) => c.accessToken === `tok-${id}`).map((c) => c.atMs);
  return { clock, client, accounts, settings, readings, failures, tokens, poller, callTimes };
}

const parked = (id: string): PollerAccount => ({ id, enabled: true, active: false, pollable: true });

function gaps(times: number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]!);
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('usage poller', () => {
  it('staggers the first polls of unread accounts over the catch-up window, never two at the same instant', async () => {
    const t = setup({ accounts: ['a', 'b', 'c', 'd'].map(parked) });
    const start = t.clock.now();
    t.poller.start();
    await t.clock.advance(PARKED);
    const firsts = ['a', 'b', 'c', 'd'].map((id) => t.callTimes(id)[0]! - start);
    expect(new Set(firsts).size).toBe(4);
    const slot = START_CATCH_UP_WINDOW_MS / 4;
    firsts.forEach((offset, i) => {
      expect(offset).toBeGreaterThanOrEqual(i * slot);
      expect(offset).toBeLessThanOrEqual((i + SETTINGS_DEFAULTS.pollJitterRatio) * slot);
    });
    await t.poller.stop();
  });

  it('keeps the cadence of an account whose cached reading is still fresh at start', async () => {
    const start = Date.UTC(2026, 10, 24, 12, 0, 0);
    const t = setup({ accounts: [{ ...parked('cached'), lastReadAtMs: start - 2 * M }, parked('unread')] });
    t.poller.start();
    await t.clock.advance(PARKED + PARKED * SETTINGS_DEFAULTS.pollJitterRatio);
    const first = t.callTimes('cached')[0]! - start;
    expect(first).toBeGreaterThanOrEqual(PARKED * (1 - SETTINGS_DEFAULTS.pollJitterRatio) - 2 * M);
    expect(t.callTimes('unread')[0]! - start).toBeLessThanOrEqual(START_CATCH_UP_WINDOW_MS);
    await t.poller.stop();
  });

  it('polls the active account first at start', async () => {
    const t = setup({ accounts: [parked('a'), { ...parked('z'), active: true }] });
    t.poller.start();
    await t.clock.advance(PARKED);
    expect(t.client.usageCalls[0]?.accessToken).toBe('tok-z');
    await t.poller.stop();
  });

  it('keeps exactly one timer pending, whatever the number of accounts', async () => {
    const t = setup({ accounts: ['a', 'b', 'c', 'd', 'e'].map(parked) });
    t.poller.start();
    expect(t.clock.pendingTimers).toBe(1);
    for (let i = 0; i < 60; i++) {
      await t.clock.advance(2 * M);
      expect(t.clock.pendingTimers).toBe(1);
    }
    expect(t.client.usageCalls.length).toBeGreaterThan(20);
    await t.poller.stop();
    expect(t.clock.pendingTimers).toBe(0);
  });

  it('polls parked accounts every parked interval ± jitter and the active one every active interval ± jitter', async () => {
    const t = setup({ accounts: [parked('p'), { ...parked('act'), active: true }] });
    t.poller.start();
    await t.clock.advance(6 * H);
    const ratio = SETTINGS_DEFAULTS.pollJitterRatio;
    for (const gap of gaps(t.callTimes('p'))) {
      expect(gap).toBeGreaterThanOrEqual(Math.floor(PARKED * (1 - ratio)));
      expect(gap).toBeLessThanOrEqual(Math.ceil(PARKED * (1 + ratio)));
    }
    for (const gap of gaps(t.callTimes('act'))) {
      expect(gap).toBeGreaterThanOrEqual(Math.floor(ACTIVE * (1 - ratio)));
      expect(gap).toBeLessThanOrEqual(Math.ceil(ACTIVE * (1 + ratio)));
    }
    expect(t.callTimes('act').length).toBeGreaterThan(t.callTimes('p').length * 2);
    await t.poller.stop();
  });

  it.each([
    ['lowest', () => 0, 1 - SETTINGS_DEFAULTS.pollJitterRatio],
    ['highest', () => 0.999999, 1 + SETTINGS_DEFAULTS.pollJitterRatio],
  ])('reaches the %s jitter bound and no further', async (_name, random, factor) => {
    const t = setup({ random });
    t.poller.start();
    await t.clock.advance(2 * H);
    const observed = gaps(t.callTimes('a'));
    expect(observed.length).toBeGreaterThan(3);
    for (const gap of observed) expect(Math.abs(gap - PARKED * factor)).toBeLessThanOrEqual(1);
    await t.poller.stop();
  });

  it('keeps a parked account within 6 polls an hour over 24 hours with the defaults', async () => {
    const t = setup({ accounts: ['a', 'b', 'c'].map(parked), random: seeded(7) });
    t.poller.start();
    await t.clock.advance(24 * H);
    for (const id of ['a', 'b', 'c']) {
      const perHour = t.callTimes(id).length / 24;
      expect(perHour).toBeLessThanOrEqual(6);
      expect(perHour).toBeGreaterThan(4);
    }
    await t.poller.stop();
  });

  it('honours a 429 retry-after exactly', async () => {
    const t = setup();
    t.client.scriptUsage('tok-a', err({ kind: 'rate-limited', retryAfterMs: 3_600_000 }), ok(usageReading(20)));
    t.poller.start();
    await t.clock.advance(PARKED);
    const [limitedAt] = t.callTimes('a');
    expect(t.failures.map((f) => f.error.kind)).toEqual(['rate-limited']);
    await t.clock.advanceTo(limitedAt! + 3_600_000 - 1);
    expect(t.callTimes('a')).toHaveLength(1);
    await t.clock.advanceTo(limitedAt! + 3_600_000);
    expect(t.callTimes('a')).toEqual([limitedAt, limitedAt! + 3_600_000]);
    expect(t.readings).toHaveLength(1);
    await t.poller.stop();
  });

  it('backs off a 429 without retry-after from twice the interval, doubling, capped at an hour', async () => {
    const t = setup({ random: () => 0.5 });
    t.client.scriptUsage('tok-a', err({ kind: 'rate-limited', retryAfterMs: null }));
    t.poller.start();
    await t.clock.advance(6 * H);
    expect(gaps(t.callTimes('a')).slice(0, 5)).toEqual([2 * PARKED, 4 * PARKED, H, H, H]);
    await t.poller.stop();
  });

  it('backs off network errors from one minute, doubling, capped at the parked interval', async () => {
    const t = setup({ random: () => 0.5 });
    t.client.scriptUsage(
      'tok-a',
      err({ kind: 'network', message: 'ECONNRESET' }),
      err({ kind: 'timeout', afterMs: 30_000 }),
      err({ kind: 'bad-response', status: 503, message: 'x' }),
      err({ kind: 'network', message: 'x' }),
      err({ kind: 'network', message: 'x' }),
      ok(usageReading(5)),
    );
    t.poller.start();
    await t.clock.advance(2 * H);
    expect(gaps(t.callTimes('a')).slice(0, 6)).toEqual([M, 2 * M, 4 * M, 8 * M, PARKED, PARKED]);
    await t.poller.stop();
  });

  it('stops polling an account after a 401 until its token changes', async () => {
    const t = setup({ accounts: [parked('a'), parked('b')] });
    t.client.scriptUsage('tok-a', err({ kind: 'unauthorized', status: 401 }), ok(usageReading(30)));
    t.poller.start();
    await t.clock.advance(PARKED);
    expect(t.callTimes('a')).toHaveLength(1);
    await t.clock.advance(5 * H);
    expect(t.callTimes('a')).toHaveLength(1);
    expect(t.callTimes('b').length).toBeGreaterThan(20);
    expect(t.poller.schedule().find((s) => s.accountId === 'a')).toMatchObject({ nextPollAtMs: null, backoffReason: 'unauthorized' });
    await t.poller.pollNow('a');
    expect(t.callTimes('a')).toHaveLength(1);
    t.poller.tokenChanged('a');
    await t.clock.advance(1);
    expect(t.callTimes('a')).toHaveLength(2);
    expect(t.readings.filter((r) => r.id === 'a')).toHaveLength(1);
    await t.poller.stop();
  });

  it('pushes the next poll a full interval back after a statusline reading', async () => {
    const t = setup({ accounts: [{ ...parked('a'), active: true }] });
    t.poller.start();
    await t.clock.advance(ACTIVE * 2);
    const before = t.callTimes('a').length;
    const nextBefore = t.poller.nextPollAtMs()!;
    const readingAt = nextBefore - 1000;
    await t.clock.advanceTo(readingAt);
    t.poller.notifyStatuslineReading('a', readingAt);
    const next = t.poller.nextPollAtMs()!;
    expect(next).toBeGreaterThanOrEqual(readingAt + ACTIVE * (1 - SETTINGS_DEFAULTS.pollJitterRatio));
    await t.clock.advanceTo(next - 1);
    expect(t.callTimes('a')).toHaveLength(before);
    await t.clock.advanceTo(next);
    expect(t.callTimes('a')).toHaveLength(before + 1);
    expect(t.clock.pendingTimers).toBe(1);
    await t.poller.stop();
  });

  it('polls now on request, ignoring the schedule', async () => {
    const t = setup({ accounts: [parked('a'), parked('b')] });
    t.poller.start();
    await t.poller.pollNow();
    expect(t.client.usageCalls.map((c) => c.accessToken).sort()).toEqual(['tok-a', 'tok-b']);
    await t.poller.pollNow('b');
    expect(t.callTimes('b')).toHaveLength(2);
    expect(t.clock.pendingTimers).toBe(1);
    await t.poller.stop();
  });

  it('does not poll now while a rate-limit backoff holds', async () => {
    const t = setup();
    t.client.scriptUsage('tok-a', err({ kind: 'rate-limited', retryAfterMs: 30 * M }), ok(usageReading(1)));
    t.poller.start();
    await t.poller.pollNow('a');
    await t.clock.advance(29 * M);
    await t.poller.pollNow('a');
    expect(t.callTimes('a')).toHaveLength(1);
    await t.clock.advance(M);
    await t.poller.pollNow('a');
    expect(t.callTimes('a').length).toBeGreaterThanOrEqual(2);
    await t.poller.stop();
  });

  it('polls now despite a network-error backoff', async () => {
    const t = setup();
    t.client.scriptUsage('tok-a', err({ kind: 'network', message: 'down' }), ok(usageReading(1)));
    t.poller.start();
    await t.poller.pollNow('a');
    await t.poller.pollNow('a');
    expect(t.callTimes('a')).toHaveLength(2);
    expect(t.readings).toHaveLength(1);
    await t.poller.stop();
  });

  it('never polls one account twice at once, joining the poll in flight', async () => {
    const t = setup();
    const gate = deferred<Result<UsageReading, ApiError>>();
    t.client.scriptUsage('tok-a', () => gate.promise, ok(usageReading(1)));
    t.poller.start();
    const first = t.poller.pollNow('a');
    const second = t.poller.pollNow('a');
    await flushMicrotasks();
    gate.resolve(ok(usageReading(3)));
    await Promise.all([first, second]);
    expect(t.callTimes('a')).toHaveLength(1);
    expect(t.readings).toHaveLength(1);
    await t.poller.stop();
  });

  it('runs at most two polls at once', async () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const t = setup({ accounts: ids.map(parked) });
    let running = 0;
    let maxRunning = 0;
    const gates = ids.map(() => deferred<void>());
    ids.forEach((id, i) =>
      t.client.scriptUsage(`tok-${id}`, async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await gates[i]!.promise;
        running--;
        return ok(usageReading(1));
      }),
    );
    const all = t.poller.pollNow();
    await flushMicrotasks();
    expect(t.client.usageCalls).toHaveLength(2);
    for (const g of gates) {
      g.resolve();
      await flushMicrotasks();
    }
    await all;
    expect(t.client.usageCalls).toHaveLength(5);
    expect(maxRunning).toBe(2);
  });

  it('skips disabled and unpollable accounts', async () => {
    const t = setup({ accounts: [parked('a'), { ...parked('off'), enabled: false }, { ...parked('nologin'), pollable: false }] });
    t.poller.start();
    await t.clock.advance(2 * H);
    await t.poller.pollNow();
    expect(t.callTimes('off')).toEqual([]);
    expect(t.callTimes('nologin')).toEqual([]);
    expect(t.callTimes('a').length).toBeGreaterThan(5);
    await t.poller.stop();
  });

  it('picks up an account added after start within a jitter of now', async () => {
    const t = setup();
    t.poller.start();
    await t.clock.advance(H);
    t.accounts.push(parked('new'));
    t.tokens.set('new', 'tok-new');
    await t.poller.pollNow('a');
    await t.clock.advance(PARKED * SETTINGS_DEFAULTS.pollJitterRatio + 1);
    expect(t.callTimes('new')).toHaveLength(1);
    await t.poller.stop();
  });

  it('skips an account whose token is missing without calling the endpoint', async () => {
    const t = setup();
    t.tokens.set('a', null);
    t.poller.start();
    await t.clock.advance(H);
    expect(t.client.usageCalls).toEqual([]);
    expect(t.clock.pendingTimers).toBe(1);
    await t.poller.stop();
  });

  it('keeps polling when a listener throws', async () => {
    const clock = new FakeClock();
    const client = new FakeAnthropicClient(() => clock.now());
    const poller = createUsagePoller({
      clock,
      random: seeded(1),
      client,
      getAccessToken: async () => 'tok-a',
      accounts: () => [parked('a')],
      settings: () => ({ activePollIntervalMs: ACTIVE, parkedPollIntervalMs: PARKED, pollJitterRatio: 0.15 }),
      onReading: () => {
        throw new Error('listener bug');
      },
      onFailure: () => {},
      logger: silentLogger,
    });
    poller.start();
    await clock.advance(2 * H);
    expect(client.usageCalls.length).toBeGreaterThan(5);
    await poller.stop();
  });

  it('backs off instead of spinning when reading the token throws', async () => {
    const clock = new FakeClock();
    const client = new FakeAnthropicClient(() => clock.now());
    let tokenReads = 0;
    const poller = createUsagePoller({
      clock,
      random: seeded(3),
      client,
      getAccessToken: async () => {
        tokenReads++;
        throw new Error('keychain locked');
      },
      accounts: () => [parked('a')],
      settings: () => ({ activePollIntervalMs: ACTIVE, parkedPollIntervalMs: PARKED, pollJitterRatio: 0.15 }),
      onReading: () => {},
      onFailure: () => {},
      logger: silentLogger,
    });
    poller.start();
    await clock.advance(H);
    expect(tokenReads).toBeGreaterThan(30);
    expect(tokenReads).toBeLessThanOrEqual(61);
    expect(clock.pendingTimers).toBe(1);
    await poller.stop();
  });

  it('reports its schedule and leaves no timer after stop', async () => {
    const t = setup({ accounts: [parked('a'), parked('b')] });
    t.poller.start();
    const schedule = t.poller.schedule();
    expect(schedule.map((s) => s.accountId).sort()).toEqual(['a', 'b']);
    expect(t.poller.nextPollAtMs()).toBe(Math.min(...schedule.map((s) => s.nextPollAtMs!)));
    await t.poller.stop();
    expect(t.clock.pendingTimers).toBe(0);
    expect(t.poller.nextPollAtMs()).toBeNull();
    await t.clock.advance(H);
    expect(t.client.usageCalls).toEqual([]);
  });
});

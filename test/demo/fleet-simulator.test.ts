import { describe, expect, it } from 'vitest';
import { createDemoFleet, createFleetSimulator, type FleetSimulator, type SimAccountSpec } from '../../src-main/demo/fleet-simulator.js';
import { SEVEN_DAY_MS } from '../../src-main/engine/replay/usage-model.js';
import { FakeClock } from '../fakes/fake-clock.js';

const HOUR_MS = 3_600_000;

function spec(name: string, clock: FakeClock, sevenDayResetsInMs: number): SimAccountSpec {
  return {
    accountUuid: `uuid-${name}`,
    email: `${name}@demo.example`,
    displayName: name,
    fullName: name,
    organizationUuid: `org-${name}`,
    organizationName: `${name}'s Organization`,
    rateLimitTier: 'default_claude_max_20x',
    subscriptionType: 'max',
    windows: { fiveHourPct: 0, fiveHourResetsAtMs: null, sevenDayPct: 10, sevenDayResetsAtMs: clock.now() + sevenDayResetsInMs },
    rates: { fiveHourPctPerHour: 10, sevenDayPctPerHour: 2 },
  };
}

function twoAccounts(clock = new FakeClock(), seed = 1): { clock: FakeClock; sim: FleetSimulator } {
  const sim = createFleetSimulator({
    now: () => clock.now(),
    seed,
    accounts: [spec('a', clock, 2 * 24 * HOUR_MS), spec('b', clock, 5 * 24 * HOUR_MS)],
    activeAccountId: 'uuid-a',
  });
  return { clock, sim };
}

describe('fleet simulator usage', () => {
  it('accrues usage only on the active account', async () => {
    const { clock, sim } = twoAccounts();
    await clock.advance(2 * HOUR_MS);
    expect(sim.account('uuid-a')?.windows.sevenDayPct).toBeCloseTo(14);
    expect(sim.account('uuid-b')?.windows.sevenDayPct).toBe(10);
  });

  it('moves the accrual to another account from the moment it is made active', async () => {
    const { clock, sim } = twoAccounts();
    await clock.advance(HOUR_MS);
    sim.setActive('uuid-b');
    await clock.advance(HOUR_MS);
    expect(sim.account('uuid-a')?.windows.sevenDayPct).toBeCloseTo(12);
    expect(sim.account('uuid-b')?.windows.sevenDayPct).toBeCloseTo(12);
    expect(sim.account('uuid-b')?.active).toBe(true);
  });

  it('resets the 7-day window at its reset time even on an idle account', async () => {
    const { clock, sim } = twoAccounts();
    const resetAtMs = sim.account('uuid-b')!.windows.sevenDayResetsAtMs;
    await clock.advanceTo(resetAtMs + 1);
    expect(sim.account('uuid-b')?.windows).toMatchObject({ sevenDayPct: 0, sevenDayResetsAtMs: resetAtMs + SEVEN_DAY_MS });
  });

  it('makes the account whose access token is used for a request the active one', () => {
    const { sim } = twoAccounts();
    const check = sim.useAccessToken(sim.credentials('uuid-b').accessToken);
    expect(check).toEqual({ kind: 'valid', accountId: 'uuid-b' });
    expect(sim.activeAccountId()).toBe('uuid-b');
  });

  it('lets nobody accrue when no account is active', async () => {
    const { clock, sim } = twoAccounts();
    sim.setActive(null);
    await clock.advance(3 * HOUR_MS);
    expect(sim.accounts().map((a) => a.windows.sevenDayPct)).toEqual([10, 10]);
  });

  it('replays six weeks in 3-minute steps quickly', () => {
    const { clock, sim } = twoAccounts();
    const startedMs = performance.now();
    for (let i = 0; i < (6 * SEVEN_DAY_MS) / 180_000; i++) {
      clock.jump(180_000);
      sim.accounts();
    }
    expect(performance.now() - startedMs).toBeLessThan(1_500);
    expect(sim.account('uuid-a')!.windows.sevenDayResetsAtMs).toBeGreaterThan(clock.now());
  });

  it('throws for an unknown account id', () => {
    const { sim } = twoAccounts();
    expect(() => sim.setActive('nope')).toThrow(/unknown simulated account nope/);
  });
});

describe('fleet simulator tokens', () => {
  it('issues tokens in the sk-ant shapes', () => {
    const { sim } = twoAccounts();
    const creds = sim.credentials('uuid-a');
    expect(creds.accessToken).toMatch(/^sk-ant-oat01-[\w-]{40,}$/);
    expect(creds.refreshToken).toMatch(/^sk-ant-ort01-[\w-]{40,}$/);
    expect(creds.expiresAtMs).toBe(new FakeClock().now() + 8 * HOUR_MS);
  });

  it('rotates both tokens on refresh and rejects the spent refresh token with invalid_grant', () => {
    const { sim } = twoAccounts();
    const before = sim.credentials('uuid-a');
    const first = sim.refresh(before.refreshToken);
    expect(first.ok && first.value).toMatchObject({ accountId: 'uuid-a', expiresInSec: 28_800 });
    expect(sim.credentials('uuid-a').refreshToken).not.toBe(before.refreshToken);
    expect(sim.refresh(before.refreshToken)).toEqual({ ok: false, error: 'invalid_grant' });
  });

  it('rejects a refresh token it never issued', () => {
    const { sim } = twoAccounts();
    expect(sim.refresh('sk-ant-ort01-made-up')).toEqual({ ok: false, error: 'invalid_grant' });
  });

  it('keeps the old access token valid until it expires', async () => {
    const { clock, sim } = twoAccounts();
    const old = sim.credentials('uuid-a').accessToken;
    sim.refresh(sim.credentials('uuid-a').refreshToken);
    expect(sim.checkAccessToken(old).kind).toBe('valid');
    await clock.advance(8 * HOUR_MS);
    expect(sim.checkAccessToken(old)).toEqual({ kind: 'expired', accountId: 'uuid-a' });
  });

  it('can expire an access token on demand', () => {
    const { sim } = twoAccounts();
    const token = sim.credentials('uuid-b').accessToken;
    sim.expireAccessToken('uuid-b');
    expect(sim.checkAccessToken(token).kind).toBe('expired');
    expect(sim.useAccessToken(token).kind).toBe('expired');
    expect(sim.activeAccountId()).toBe('uuid-a');
  });

  it('kills the refresh token when a login is revoked', () => {
    const { sim } = twoAccounts();
    const creds = sim.credentials('uuid-b');
    sim.revokeLogin('uuid-b');
    expect(sim.refresh(creds.refreshToken)).toEqual({ ok: false, error: 'invalid_grant' });
    expect(sim.ownerOfRefreshToken(creds.refreshToken)).toBe('uuid-b');
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const clock = new FakeClock();
    const one = twoAccounts(clock, 42).sim.credentials('uuid-a');
    const two = twoAccounts(clock, 42).sim.credentials('uuid-a');
    const other = twoAccounts(clock, 43).sim.credentials('uuid-a');
    expect(two).toEqual(one);
    expect(other.accessToken).not.toBe(one.accessToken);
  });
});

describe('createDemoFleet', () => {
  const nowMs = new FakeClock().now();

  it('builds plausible demo accounts with a mix of plans', () => {
    const { accounts } = createDemoFleet({ count: 5, nowMs, seed: 3 });
    expect(accounts.map((a) => a.email)).toEqual([
      'alex@demo.example',
      'blake@demo.example',
      'casey@demo.example',
      'drew@demo.example',
      'emery@demo.example',
    ]);
    expect(new Set(accounts.map((a) => a.rateLimitTier))).toEqual(new Set(['default_claude_max_20x', 'default_claude_max_5x']));
    expect(new Set(accounts.map((a) => a.accountUuid)).size).toBe(5);
  });

  it('shows one account near exhaustion, one exhausted and one over the 5-hour threshold', () => {
    const { accounts, activeAccountId } = createDemoFleet({ count: 4, nowMs, seed: 3 });
    const near = accounts.find((a) => a.windows.sevenDayPct >= 90 && a.windows.sevenDayPct < 100);
    expect(near?.accountUuid).toBe(activeAccountId);
    expect(accounts.some((a) => a.windows.sevenDayPct === 100)).toBe(true);
    expect(accounts.some((a) => a.windows.fiveHourPct >= 80 && a.windows.fiveHourResetsAtMs !== null)).toBe(true);
  });

  it('staggers the 7-day resets across the coming week', () => {
    const resets = createDemoFleet({ count: 6, nowMs, seed: 3 }).accounts.map((a) => a.windows.sevenDayResetsAtMs);
    expect(new Set(resets).size).toBe(6);
    for (const r of resets) expect(r > nowMs && r <= nowMs + SEVEN_DAY_MS).toBe(true);
  });

  it('generates further accounts beyond the hand-made six', () => {
    const { accounts } = createDemoFleet({ count: 8, nowMs, seed: 3 });
    expect(accounts.map((a) => a.email).slice(6)).toEqual(['user7@demo.example', 'user8@demo.example']);
  });

  it('is deterministic for a seed', () => {
    expect(createDemoFleet({ count: 5, nowMs, seed: 9 })).toEqual(createDemoFleet({ count: 5, nowMs, seed: 9 }));
    expect(createDemoFleet({ count: 5, nowMs, seed: 9 })).not.toEqual(createDemoFleet({ count: 5, nowMs, seed: 10 }));
  });

  it('drives a simulator whose active account is the one near exhaustion', async () => {
    const clock = new FakeClock();
    const fleet = createDemoFleet({ nowMs: clock.now(), seed: 1 });
    const sim = createFleetSimulator({ now: () => clock.now(), seed: 1, accounts: fleet.accounts, activeAccountId: fleet.activeAccountId });
    await clock.advance(10 * HOUR_MS);
    expect(sim.account(fleet.activeAccountId!)?.windows.sevenDayPct).toBe(100);
  });
});

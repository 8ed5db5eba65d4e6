/**
 * The what-if replay on hand-made histories whose answers can be worked out by hand: the demand
 * rebuilt from the readings, the expired-unused share at a reset, and the limit-minutes of a fleet
 * one account short.
 */
import { describe, expect, it } from 'vitest';
import type { ReplaySample, ReplaySource } from '../../src-main/engine/history/history-types.js';
import { rebuildDemand } from '../../src-main/engine/replay/history-demand.js';
import { REPLAY_STEP_MS, replayWhatIf } from '../../src-main/engine/replay/what-if.js';
import { ROTATION_DEFAULTS } from '../../src-main/engine/rotation/rotation-types.js';
import type { ReplayFigures } from '../../src-main/shared/replay-view.js';

const M = 60_000;
const H = 60 * M;
const D = 24 * H;
const T0 = Date.UTC(2026, 10, 2, 0, 0, 0);
const RECORDED: ReplayFigures = {
  expiredUnusedPct: 5,
  expiredUnusedMax20xDays: 0.4,
  weeklyResets: 1,
  limitHitMinutes: 3,
  avoidableLimitHitMinutes: null,
  switches: 2,
  demandServedPct: null,
};
const noPause = () => Promise.resolve();

/** Hourly readings from `fromMs` for `hours` hours, the weekly figure rising by `perHour` from `startPct`. */
function rising(fromMs: number, hours: number, startPct: number, perHour: number, resetsAtMs: number): ReplaySample[] {
  return Array.from({ length: hours + 1 }, (_, h) => ({
    atMs: fromMs + h * H,
    sevenDayPct: startPct + perHour * h,
    sevenDayResetsAtMs: resetsAtMs,
    fiveHourPct: null,
    fiveHourResetsAtMs: null,
  }));
}

const account = (id: string, plan: string, samples: ReplaySample[]) => ({ id, email: `${id}@example.com`, label: null, plan, samples });

describe('rebuilding the demand from readings', () => {
  it('counts a weekly point of a Max 5x account as a quarter of a Max 20x point, spread between the readings', () => {
    const source: ReplaySource = {
      fromMs: T0,
      toMs: T0 + 10 * H,
      accounts: [
        account('a', 'Max 20x', rising(T0, 4, 10, 2, T0 + 3 * D)),
        account('b', 'Max 5x', rising(T0 + 4 * H, 4, 0, 8, T0 + 5 * D)),
      ],
      activeAtStartId: 'a',
      switches: 0,
    };
    const rebuilt = rebuildDemand(source, 30 * M);
    // a: 4 h × 2 points = 8 Max 20x points; b: 4 h × 8 Max 5x points = 32 / 4 = 8 → 16 load-hours.
    expect(rebuilt.demand.loadHours).toBeCloseTo(16, 9);
    // Load 2 (points per hour in Max 20x units) in each of the first 16 half-hour steps, none after.
    expect([...rebuilt.demand.loadPerStep].map((v) => Math.round(v * 1000) / 1000)).toEqual([...Array(16).fill(2), 0, 0, 0, 0]);
    expect(rebuilt.readings).toBe(10);
    expect(rebuilt.fiveHourRatioEstimated).toBe(false);
  });

  it('starts a new window from its reset, and reads the 5-hour : weekly ratio from the readings', () => {
    const reset = T0 + 2 * H;
    const samples: ReplaySample[] = [
      { atMs: T0, sevenDayPct: 50, sevenDayResetsAtMs: reset, fiveHourPct: 10, fiveHourResetsAtMs: T0 + 4 * H },
      { atMs: T0 + H, sevenDayPct: 53, sevenDayResetsAtMs: reset, fiveHourPct: 31, fiveHourResetsAtMs: T0 + 4 * H },
      // Reset at T0 + 2 h: the 4 points read at T0 + 4 h were used in the two hours since.
      { atMs: T0 + 4 * H, sevenDayPct: 4, sevenDayResetsAtMs: reset + 7 * D, fiveHourPct: 60, fiveHourResetsAtMs: T0 + 4 * H + 30 * M },
      { atMs: T0 + 5 * H, sevenDayPct: 6, sevenDayResetsAtMs: reset + 7 * D, fiveHourPct: 74, fiveHourResetsAtMs: T0 + 4 * H + 30 * M },
    ];
    const rebuilt = rebuildDemand(
      { fromMs: T0, toMs: T0 + 6 * H, accounts: [account('a', 'Max 20x', samples)], activeAtStartId: null, switches: 0 },
      H,
    );
    expect([...rebuilt.demand.loadPerStep]).toEqual([3, 0, 2, 2, 2, 0]);
    // Same-window pairs: (3 weekly, 21 five-hour) and (2, 14): 35 / 5 = 7.
    expect(rebuilt.fiveHourPerSevenDayPct).toBeCloseTo(7, 9);
    expect(rebuilt.fiveHourRatioEstimated).toBe(true);
    expect(rebuilt.initialWindows.get('a')).toEqual({
      sevenDayPct: 50,
      sevenDayResetsAtMs: reset,
      fiveHourPct: 10,
      fiveHourResetsAtMs: T0 + 4 * H,
    });
  });
});

describe('the what-if replay', () => {
  it('finds the share that expired at a reset when one account served a steady demand', async () => {
    // One Max 20x account at 40 % at T0, rising 1 point an hour; its week resets at T0 + 48 h.
    const reset = T0 + 2 * D;
    const before = rising(T0 - H, 49, 39, 1, reset);
    const after = rising(reset + H, 47, 1, 1, reset + 7 * D);
    const view = await replayWhatIf({
      source: {
        fromMs: T0,
        toMs: T0 + 4 * D,
        accounts: [account('a', 'Max 20x', [...before, ...after])],
        activeAtStartId: 'a',
        switches: 0,
      },
      recorded: RECORDED,
      settings: ROTATION_DEFAULTS,
      query: { fiveHourThresholdPct: 90 },
      pause: noPause,
    });
    // 40 % + 48 h × 1 point = 88 % at the reset: 12 % expired, 12 % of 7 Max 20x days = 0.84.
    for (const figures of [view.replayedAsIs, view.replayedWhatIf]) {
      expect(figures.weeklyResets).toBe(1);
      expect(figures.expiredUnusedPct).toBeCloseTo(12, 5);
      expect(figures.expiredUnusedMax20xDays).toBeCloseTo(0.8, 5);
      expect(figures.limitHitMinutes).toBe(0);
      expect(figures.switches).toBe(0);
      expect(figures.demandServedPct).toBe(100);
    }
    // 96 hours at load 1 = 96 load-hours = 0.96 Max 20x weeks.
    expect(view.demand.max20xWeeks).toBeCloseTo(0.96, 5);
    expect(view.recorded).toEqual(RECORDED);
    expect(view.asIs.settings.fiveHourThresholdPct).toBe(ROTATION_DEFAULTS.fiveHourThresholdPct);
    expect(view.whatIf.settings.fiveHourThresholdPct).toBe(90);
  });

  it('counts the limit-minutes of a fleet one account short, and none with both accounts', async () => {
    // a (50 %) served 1 point an hour for 24 h, then b (10 %) for 48 h: 72 load-hours. Resets after the period.
    const a = rising(T0, 24, 50, 1, T0 + 5 * D);
    const b = [...rising(T0, 0, 10, 0, T0 + 6 * D), ...rising(T0 + 24 * H, 48, 10, 1, T0 + 6 * D)];
    const view = await replayWhatIf({
      source: {
        fromMs: T0,
        toMs: T0 + 4 * D,
        accounts: [account('a', 'Max 20x', a), account('b', 'Max 20x', b)],
        activeAtStartId: 'a',
        switches: 0,
      },
      recorded: RECORDED,
      settings: ROTATION_DEFAULTS,
      query: { accountsDelta: -1 },
      pause: noPause,
    });
    expect(view.whatIf.fleet.map((x) => x.accountId)).toEqual(['a']);
    // a alone: 50 points of room, full after 50 h; the remaining 22 h of demand are refused, plus the
    // step in which it filled (a step that ends at 100 % under load counts, as in the bench).
    expect(view.replayedWhatIf.limitHitMinutes).toBe(22 * 60 + REPLAY_STEP_MS / M);
    expect(view.replayedWhatIf.avoidableLimitHitMinutes).toBe(0);
    expect(view.replayedWhatIf.demandServedPct).toBeCloseTo((100 * 50) / 72, 0);
    expect(view.replayedWhatIf.weeklyResets).toBe(0);
    expect(view.replayedWhatIf.expiredUnusedPct).toBeNull();
    // Both accounts have room for all of it.
    expect(view.replayedAsIs.limitHitMinutes).toBe(0);
    expect(view.replayedAsIs.demandServedPct).toBe(100);
    expect(view.replayedAsIs.switches).toBeGreaterThan(0);
  });

  it('adds an account of the plan asked for, resetting in the widest gap of the week', async () => {
    const a = rising(T0, 24, 50, 1, T0 + 1 * D);
    const view = await replayWhatIf({
      source: { fromMs: T0, toMs: T0 + 2 * D, accounts: [account('a', 'Max 20x', a)], activeAtStartId: 'a', switches: 0 },
      recorded: RECORDED,
      settings: ROTATION_DEFAULTS,
      query: { accountsDelta: 2, addPlan: 'Max 5x' },
      pause: noPause,
    });
    expect(view.whatIf.fleet).toEqual([
      { accountId: 'a', email: 'a@example.com', plan: 'Max 20x', added: false },
      { accountId: 'added-1', email: null, plan: 'Max 5x', added: true },
      { accountId: 'added-2', email: null, plan: 'Max 5x', added: true },
    ]);
    expect(view.asIs.fleet).toHaveLength(1);
  });
});

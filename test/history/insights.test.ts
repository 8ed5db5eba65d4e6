import { describe, expect, it } from 'vitest';
import { computeInsights, monthStartOf, weekStartOf } from '../../src-main/engine/history/insights.js';
import type { LimitHitView, SwitchView, WindowResetView } from '../../src-main/shared/history-view.js';

const D = 86_400_000;
// Monday 2 Nov 2026.
const MON = Date.UTC(2026, 10, 2);

function reset(accountId: string, atMs: number, lastPct: number | null, uncertain = false): WindowResetView {
  return {
    accountId,
    window: 'seven_day',
    resetAtMs: atMs,
    lastPct,
    expiredUnusedPct: lastPct === null ? null : 100 - lastPct,
    lastReadingAgeMs: 60_000,
    uncertain,
  };
}

describe('insight figures', () => {
  it('finds Monday 00:00 UTC and the first of the month', () => {
    expect(weekStartOf(MON + 3 * D + 5)).toBe(MON);
    expect(weekStartOf(MON)).toBe(MON);
    expect(monthStartOf(Date.UTC(2026, 10, 17, 8))).toBe(Date.UTC(2026, 10, 1));
    expect(monthStartOf(Date.UTC(2026, 0, 17), -1)).toBe(Date.UTC(2025, 11, 1));
  });

  it('equals the hand-computed figures per account, fleet-wide, per week and for the monthly headline', () => {
    const accounts = [
      { id: 'a', email: 'a@x.example', plan: 'Max 20x' },
      { id: 'b', email: 'b@x.example', plan: 'Max 5x' },
    ];
    const resets = [
      reset('a', MON + 1 * D, 90), // 10 % of a 20x week = 0.7 days
      reset('b', MON + 2 * D, 60), // 40 % of a 5x week = 0.4 × 1.75 = 0.7 days
      reset('a', MON + 8 * D, 100), // 0 %
      reset('b', MON + 9 * D, 20, true), // uncertain: left out
      reset('b', MON + 16 * D, null, true), // unknown: left out
      { ...reset('a', MON + 3 * D, 10), window: 'five_hour' as const }, // 5h resets do not count
      reset('a', Date.UTC(2026, 9, 20), 50), // October: previous month of the headline
    ];
    const limitHits: LimitHitView[] = [
      { accountId: 'a', window: 'five_hour', startedAtMs: MON + D, endedAtMs: MON + D + 3_600_000, activeMinutes: 12.5 },
      { accountId: 'b', window: 'seven_day', startedAtMs: MON + 9 * D, endedAtMs: null, activeMinutes: 30 },
    ];
    const switches: SwitchView[] = [
      { atMs: MON + D, fromId: 'a', toId: 'b', trigger: 'breach', deferralWaitMs: 40_000 },
      { atMs: MON + 2 * D, fromId: 'b', toId: 'a', trigger: 'reset-order', deferralWaitMs: 0 },
      { atMs: MON + 9 * D, fromId: 'a', toId: 'b', trigger: 'breach', deferralWaitMs: 20_000 },
    ];
    const nowMs = MON + 17 * D;
    const view = computeInsights({ fromMs: MON, toMs: MON + 14 * D, nowMs, accounts, resets, limitHits, switches });

    // Fleet: expired 0.7 + 0.7 + 0 = 1.4 days of 7 + 1.75 + 7 = 15.75 capacity days → 8.9 %.
    expect(view.fleet).toEqual({
      weeklyResets: 3,
      uncertainResets: 1,
      expiredUnusedPct: 8.9,
      expiredUnusedMax20xDays: 1.4,
      limitHits: 2,
      limitHitMinutes: 42.5,
      switches: 3,
      switchesByTrigger: { breach: 2, 'reset-order': 1 },
      avgDeferralWaitMs: 30_000,
      deferredSwitches: 2,
    });
    const a = view.accounts.find((x) => x.accountId === 'a')?.figures;
    const b = view.accounts.find((x) => x.accountId === 'b')?.figures;
    expect(a).toMatchObject({
      weeklyResets: 2,
      expiredUnusedPct: 5,
      expiredUnusedMax20xDays: 0.7,
      limitHits: 1,
      limitHitMinutes: 12.5,
      switches: 2,
    });
    expect(b).toMatchObject({ weeklyResets: 1, uncertainResets: 1, expiredUnusedPct: 40, expiredUnusedMax20xDays: 0.7, switches: 1 });

    expect(view.weeks.map((w) => w.weekStartMs)).toEqual([MON, MON + 7 * D]);
    // Week 1: 1.4 / 8.75 = 16 %; week 2: 0 of 7 days.
    expect(view.weeks.map((w) => w.fleet.expiredUnusedPct)).toEqual([16, 0]);

    // November so far: 1.4 days of 15.75 (the unknown one of the 18th is left out) → 8.9 %; October: 50 %.
    expect(view.headline).toEqual({
      monthStartMs: Date.UTC(2026, 10, 1),
      thisMonthExpiredUnusedPct: 8.9,
      previousMonthExpiredUnusedPct: 50,
    });
  });

  it('has no percentage when no weekly window reset in the period', () => {
    const view = computeInsights({ fromMs: MON, toMs: MON + D, nowMs: MON + D, accounts: [], resets: [], limitHits: [], switches: [] });
    expect(view.fleet.expiredUnusedPct).toBeNull();
    expect(view.fleet.avgDeferralWaitMs).toBeNull();
    expect(view.headline.previousMonthExpiredUnusedPct).toBeNull();
  });
});

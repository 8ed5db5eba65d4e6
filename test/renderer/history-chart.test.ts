import { describe, expect, test } from 'vitest';
import type { HistorySample, HistoryView } from '../../src-main/shared/history-view.js';
import {
  bandPath,
  DAY_MS,
  HOUR_MS,
  linearScale,
  moveCursor,
  nearestIndex,
  projectWindow,
  stackBurnDown,
  stepPath,
  thinSamples,
  timeTicks,
  valueAt,
  WEEK_MS,
} from '../../src-renderer/lib/history-chart.js';
import { activeSpans, historyEvents, projectionSentence } from '../../src-renderer/lib/history-story.js';
import { T0 } from './fixtures.js';

const same = (v: number) => v;

describe('chart geometry', () => {
  test('a linear scale maps the domain onto the range, inverted for a y axis', () => {
    const y = linearScale(0, 100, 190, 10);
    expect([y(0), y(50), y(100)]).toEqual([190, 100, 10]);
    expect(linearScale(5, 5, 0, 10)(5)).toBe(5);
  });

  test('the step path holds each reading until the next, breaks at a null and runs on to the end', () => {
    const points = [
      { atMs: 0, pct: 0 },
      { atMs: 10, pct: 50 },
      { atMs: 20, pct: null },
      { atMs: 30, pct: 100 },
    ];
    expect(stepPath(points, same, same, 40)).toBe('M0 0H10V50M30 100H40');
    expect(stepPath([], same, same, 40)).toBe('');
  });

  test('valueAt is the last reading at or before the time, null before the first', () => {
    const points = [10, 20, 30, 40].map((atMs) => ({ atMs, pct: atMs / 10 }));
    expect([valueAt(points, 5), valueAt(points, 10), valueAt(points, 29), valueAt(points, 1_000)]).toEqual([null, 1, 2, 4]);
  });

  test('time ticks stay inside the range, under the limit, on whole hours or local midnights', () => {
    const from = T0 + 17 * 60_000;
    for (const [span, max] of [
      [6 * HOUR_MS, 8],
      [7 * DAY_MS, 8],
      [365 * DAY_MS, 10],
    ] as const) {
      const ticks = timeTicks(from, from + span, max);
      expect(ticks.length).toBeGreaterThan(1);
      expect(ticks.length).toBeLessThanOrEqual(max);
      for (const tick of ticks) {
        expect(tick.atMs).toBeGreaterThanOrEqual(from);
        expect(tick.atMs).toBeLessThanOrEqual(from + span);
        const d = new Date(tick.atMs);
        if (span > DAY_MS) expect([d.getHours(), d.getMinutes()]).toEqual([0, 0]);
        else expect(d.getMinutes()).toBe(0);
      }
    }
  });

  test('a band is the area between its lower and upper lines', () => {
    expect(bandPath([0, 10], [0, 5], [20, 30], same)).toBe('M0 20L10 30L10 5L0 0Z');
  });

  test('the cursor moves by arrows, pages, Home and End, and stays inside', () => {
    expect(moveCursor(null, 5, 'ArrowLeft')).toBe(3);
    expect(moveCursor(0, 5, 'ArrowLeft')).toBe(0);
    expect(moveCursor(3, 5, 'ArrowRight')).toBe(4);
    expect(moveCursor(4, 5, 'ArrowRight')).toBe(4);
    expect(moveCursor(4, 50, 'PageDown')).toBe(0);
    expect(moveCursor(2, 5, 'Home')).toBe(0);
    expect(moveCursor(2, 5, 'End')).toBe(4);
    expect(moveCursor(2, 5, 'a')).toBeNull();
    expect(moveCursor(null, 0, 'End')).toBeNull();
    expect(nearestIndex([0, 10, 20], 14)).toBe(1);
    expect(nearestIndex([], 14)).toBe(-1);
  });
});

describe('projection to the weekly reset', () => {
  const now = T0;

  test('at 10 %/day over the last 24 h, 20 % now and 5 days left lands at 70 %: 30 % would expire', () => {
    const resetsAtMs = now + 5 * DAY_MS;
    const points = [
      { atMs: resetsAtMs - WEEK_MS - HOUR_MS, pct: 90 }, // the previous window: ignored
      { atMs: now - 30 * HOUR_MS, pct: 5 },
      { atMs: now - 24 * HOUR_MS, pct: 10 },
      { atMs: now - HOUR_MS, pct: 19 },
    ];
    const p = projectWindow({ nowMs: now, currentPct: 20, resetsAtMs, points });
    expect(p?.kind).toBe('expires');
    if (p?.kind !== 'expires') return;
    expect(p.pacePctPerDay).toBeCloseTo(10, 9);
    expect(p.landingPct).toBeCloseTo(70, 9);
    expect(p.expiredPct).toBeCloseTo(30, 9);
  });

  test('a reading older than the lookback holds until the lookback starts', () => {
    const resetsAtMs = now + 4 * DAY_MS;
    const points = [{ atMs: now - 2 * DAY_MS, pct: 40 }];
    const p = projectWindow({ nowMs: now, currentPct: 52, resetsAtMs, points });
    // 12 % in the last 24 h → 12 %/day; 4 days → 52 + 48 = 100: full exactly at the reset.
    expect(p?.kind).toBe('full');
    if (p?.kind !== 'full') return;
    expect(p.pacePctPerDay).toBeCloseTo(12, 9);
    expect(p.fullAtMs).toBeCloseTo(resetsAtMs, -1);
  });

  test('a fast pace reaches 100 % before the reset, and says when', () => {
    const resetsAtMs = now + 3 * DAY_MS;
    const p = projectWindow({ nowMs: now, currentPct: 60, resetsAtMs, points: [{ atMs: now - DAY_MS, pct: 40 }] });
    expect(p?.kind).toBe('full');
    if (p?.kind !== 'full') return;
    expect(p.fullAtMs).toBe(now + 2 * DAY_MS);
    expect(projectionSentence(p, now)).toMatch(/^Reaches 100 % .* 1d 0h before its weekly reset\.$/);
  });

  test('a window opened 12 h ago with no reading before the lookback counts from 0 % at its start', () => {
    const resetsAtMs = now + WEEK_MS - 12 * HOUR_MS;
    const p = projectWindow({ nowMs: now, currentPct: 3, resetsAtMs, points: [] });
    expect(p?.pacePctPerDay).toBeCloseTo(6, 9);
  });

  test('a falling figure projects no use (everything left expires); at 100 % it is full now; no reset ahead: nothing', () => {
    const resetsAtMs = now + DAY_MS;
    const falling = projectWindow({ nowMs: now, currentPct: 30, resetsAtMs, points: [{ atMs: now - 30 * HOUR_MS, pct: 40 }] });
    expect(falling).toMatchObject({ kind: 'expires', pacePctPerDay: 0, landingPct: 30, expiredPct: 70 });
    expect(projectWindow({ nowMs: now, currentPct: 100, resetsAtMs, points: [] })).toMatchObject({ kind: 'full', fullAtMs: now });
    expect(projectWindow({ nowMs: now, currentPct: 30, resetsAtMs: null, points: [] })).toBeNull();
    expect(projectWindow({ nowMs: now, currentPct: null, resetsAtMs, points: [] })).toBeNull();
    expect(projectionSentence(null, now)).toContain('nothing to project');
    expect(projectionSentence(falling, now)).toMatch(/^About 70 % of this week will expire unused/);
  });
});

describe('fleet burn-down', () => {
  test('stacks each account’s weekly quota left, weighted by plan, on a common grid', () => {
    const big = { accountId: 'a', weight: 7, points: [{ atMs: 0, pct: 50 }] };
    const small = { accountId: 'b', weight: 1.75, points: [{ atMs: 50, pct: 20 }] };
    const burn = stackBurnDown([big, small], 0, 100, 2);
    expect(burn.timesMs).toEqual([0, 50, 100]);
    // a: 50 % left × 7/8.75 = 40 % of the fleet; b: 80 % left × 1.75/8.75 = 16 %, unknown (0) before its first reading.
    expect(burn.bands[0]?.upper).toEqual([40, 40, 40]);
    expect(burn.bands[1]?.lower).toEqual([40, 40, 40]);
    expect(burn.bands[1]?.upper.map((v) => Math.round(v * 1e9) / 1e9)).toEqual([40, 56, 56]);
    expect(burn.totalPct.map((v) => Math.round(v * 1e9) / 1e9)).toEqual([40, 56, 56]);
  });

  test('a utilization over 100 % leaves nothing, not a negative band', () => {
    const burn = stackBurnDown([{ accountId: 'a', weight: 1, points: [{ atMs: 0, pct: 104 }] }], 0, 10, 1);
    expect(burn.totalPct).toEqual([0, 0]);
  });
});

describe('table rows and events', () => {
  const sample = (atMs: number): HistorySample => ({ atMs, fiveHourPct: 1, sevenDayPct: 2, source: 'poll' });

  test('thinning keeps at most the limit, the last reading of each bucket, and the newest', () => {
    const samples = Array.from({ length: 1000 }, (_, i) => sample(i * 1000));
    const thin = thinSamples(samples, 48);
    expect(thin.length).toBeLessThanOrEqual(48);
    expect(thin.at(-1)).toEqual(samples.at(-1));
    expect(thin.map((s) => s.atMs)).toEqual([...thin.map((s) => s.atMs)].sort((a, b) => a - b));
    expect(thinSamples(samples.slice(0, 3), 48)).toEqual(samples.slice(0, 3));
  });

  const view: HistoryView = {
    account: 'me',
    fromMs: 0,
    toMs: 1000,
    samples: [],
    resets: [
      {
        accountId: 'me',
        window: 'seven_day',
        resetAtMs: 500,
        lastPct: 84,
        expiredUnusedPct: 16,
        lastReadingAgeMs: 180_000,
        uncertain: false,
      },
      {
        accountId: 'me',
        window: 'five_hour',
        resetAtMs: 700,
        lastPct: null,
        expiredUnusedPct: null,
        lastReadingAgeMs: null,
        uncertain: true,
      },
    ],
    limitHits: [{ accountId: 'me', window: 'five_hour', startedAtMs: 300, endedAtMs: null, activeMinutes: 12.4 }],
    switches: [
      { atMs: 100, fromId: 'me', toId: 'other', trigger: 'breach', deferralWaitMs: 0 },
      { atMs: 400, fromId: 'other', toId: 'me', trigger: 'manual', deferralWaitMs: 90_000 },
    ],
  };

  test('events read oldest first in words', () => {
    const rows = historyEvents(view, (id) => (id === 'other' ? 'Other' : String(id)));
    expect(rows.map((r) => [r.atMs, r.kind, r.what])).toEqual([
      [100, 'switch-out', 'Switched out'],
      [300, 'limit-hit', '5-hour limit hit'],
      [400, 'switch-in', 'Switched in'],
      [500, 'reset', '7-day reset'],
      [700, 'reset', '5-hour reset'],
    ]);
    expect(rows[0]?.detail).toBe('to Other (breach)');
    expect(rows[1]?.detail).toBe('still there; 12 min at 100 % while active');
    expect(rows[2]?.detail).toBe('from Other (manual, waited 1m for a tool call)');
    expect(rows[3]?.detail).toBe('16 % expired unused (last reading 3m before)');
    expect(rows[4]?.detail).toBe('expired unused: unknown');
  });

  test('active spans follow the switches in and out', () => {
    expect(activeSpans(view, 0, 1000, true)).toEqual([
      { fromMs: 0, toMs: 100 },
      { fromMs: 400, toMs: 1000 },
    ]);
    expect(activeSpans(view, 0, 1000, false)).toEqual([{ fromMs: 0, toMs: 100 }]);
    expect(activeSpans({ ...view, switches: [] }, 0, 1000, true)).toEqual([{ fromMs: 0, toMs: 1000 }]);
    expect(activeSpans({ ...view, switches: [] }, 0, 1000, false)).toEqual([]);
  });
});

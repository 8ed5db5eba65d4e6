/**
 * The replay's expiry accounting (issue 12): every 7d window that resets inside the replay counts,
 * an account's first window from what it had left when the replay began — so quota a strategy saves
 * from expiring there is credited — and the measure over windows opened inside the run stays beside it.
 */
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src-main/engine/replay/replay-metrics.js';
import type { Demand, SimAccount } from '../../src-main/engine/replay/sim-inputs.js';
import { SEVEN_DAY_MS } from '../../src-main/engine/replay/usage-model.js';

const START_MS = Date.UTC(2026, 10, 23);
const DAY_MS = 24 * 3_600_000;

function simAccount(id: string, sevenDayPct: number, resetInMs: number): SimAccount {
  return {
    id,
    email: `${id}@example.test`,
    tier: 'Max 20x',
    rates: { fiveHourPctPerHour: 24, sevenDayPctPerHour: 4 },
    weeklyCapacityLoadHours: 25,
    initialWindows: { fiveHourPct: 0, fiveHourResetsAtMs: null, sevenDayPct, sevenDayResetsAtMs: START_MS + resetInMs },
  };
}

const demand: Demand = {
  startMs: START_MS,
  stepMs: 60_000,
  stepCount: 0,
  loadPerStep: new Float64Array(0),
  aliveSteps: new Uint8Array(0),
  toolCalls: [],
  sessionCount: 0,
  loadHours: 0,
  weeklyLoadHours: [],
  loadScale: 1,
};

interface Case {
  readonly name: string;
  /** Account index, reset, 7d % at the reset. */
  readonly closed: readonly (readonly [number, number, number])[];
  readonly expected: { measuredWindows: number; capacity: number; expired: number; pct: number; openedInsidePct: number };
}

const fleet = [simAccount('a', 60, 1 * DAY_MS), simAccount('b', 20, 5 * DAY_MS)];
const cases: Case[] = [
  {
    name: 'a first window counts from what it had left at the start (60 % used: 10 of 25 lh to use, 5 expired)',
    closed: [[0, START_MS + 1 * DAY_MS, 80]],
    expected: { measuredWindows: 1, capacity: 10, expired: 5, pct: 50, openedInsidePct: 0 },
  },
  {
    name: 'a window that opened inside the run counts whole, in both measures',
    closed: [
      [0, START_MS + 1 * DAY_MS, 80],
      [0, START_MS + 1 * DAY_MS + SEVEN_DAY_MS, 40],
    ],
    expected: { measuredWindows: 2, capacity: 35, expired: 20, pct: (100 * 20) / 35, openedInsidePct: 60 },
  },
  {
    name: 'spending the first window that expires soonest instead of a later one lowers the expired share; the old measure cannot see it',
    closed: [
      [0, START_MS + 1 * DAY_MS, 100],
      [1, START_MS + 5 * DAY_MS, 20],
      [0, START_MS + 1 * DAY_MS + SEVEN_DAY_MS, 0],
    ],
    expected: { measuredWindows: 3, capacity: 10 + 20 + 25, expired: 0 + 20 + 25, pct: (100 * 45) / 55, openedInsidePct: 100 },
  },
  {
    name: '… the same demand left on the account whose week resets later (its window still open at the end)',
    closed: [
      [0, START_MS + 1 * DAY_MS, 60],
      [1, START_MS + 5 * DAY_MS, 20],
      [0, START_MS + 1 * DAY_MS + SEVEN_DAY_MS, 0],
    ],
    expected: { measuredWindows: 3, capacity: 55, expired: 10 + 20 + 25, pct: (100 * 55) / 55, openedInsidePct: 100 },
  },
];

describe('replay expiry accounting', () => {
  it.each(cases)('$name', ({ closed, expected }) => {
    const metrics = createMetrics(fleet, demand, 'test');
    for (const [index, resetMs, pct] of closed) metrics.windowClosed(index, resetMs, pct);
    const r = metrics.result(
      fleet.map((a) => a.initialWindows),
      { statusline: 0, polls: 0 },
    );
    expect(r.measuredWindows).toBe(expected.measuredWindows);
    expect(r.measuredCapacityLoadHours).toBeCloseTo(expected.capacity, 9);
    expect(r.expiredLoadHours).toBeCloseTo(expected.expired, 9);
    expect(r.expiredUnusedPct).toBeCloseTo(expected.pct, 9);
    expect(r.expiredUnusedOpenedInsidePct).toBeCloseTo(expected.openedInsidePct, 9);
  });
});

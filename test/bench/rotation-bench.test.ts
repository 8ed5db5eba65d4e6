/**
 * Smoke tests of the rotation benchmark harness (scripts/bench/rotation): short replays that check
 * the harness itself — the real policy is driven and never switches inside a tool call, the
 * baselines do what their definitions say, deferred switches land on tool-call ends, and the
 * accounting (expiry, who accrues usage) follows the usage model.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src-main/engine/replay/sim-rng.js';
import { createBenchFleet } from '../../scripts/bench/rotation/bench-fleet.js';
import { createRoundRobin, createSwitchAtFull } from '../../scripts/bench/rotation/baselines.js';
import { createDemand } from '../../scripts/bench/rotation/demand.js';
import { createPolicyStrategy } from '../../src-main/engine/replay/policy-strategy.js';
import { replayRotation } from '../../src-main/engine/replay/simulate-rotation.js';
import { DEFAULT_BENCH_PARAMS, runRotationBench, type BenchParams } from '../../scripts/bench/rotation/run-bench.js';
import { formatTable } from '../../scripts/bench/rotation/report.js';
import { idealExpiredUnusedPct } from '../../scripts/bench/rotation/oracle.js';
import { formatSweepGoals, formatSweepTable, runSweep } from '../../scripts/bench/rotation/sweep.js';
import type { Strategy } from '../../src-main/engine/replay/strategy-types.js';

const HOUR_MS = 3_600_000;
const SMOKE: BenchParams = { ...DEFAULT_BENCH_PARAMS, days: 3, tiers: ['Max 20x', 'Max 5x', 'Max 20x'] };

// One 3-day, 3-account run shared by the tests that only read it.
const smoke = runRotationBench(SMOKE);
const resultOf = (name: string) => {
  const result = smoke.results.find((r) => r.strategy === name);
  if (!result) throw new Error(`no result for ${name}`);
  return result;
};

describe('rotation benchmark on a 3-day, 3-account replay', () => {
  it('drives the real policy through switches without a switch during a tool call that could break a request', () => {
    const ours = resultOf('ccmax policy');
    expect(ours.switches).toBeGreaterThan(0);
    expect(ours.deferrals).toBeGreaterThan(0);
    expect(ours.breakingSwitchesDuringToolCall).toBe(0);
    expect(ours.switchLog.every((s) => !s.duringToolCall || s.fromTrueFull)).toBe(true);
  });

  it('has round-robin switch only when its period has run out or the active account reads 100 %', () => {
    const rr = resultOf('round-robin');
    expect(rr.switches).toBeGreaterThan(0);
    let lastMs = SMOKE.startMs;
    for (const s of rr.switchLog) {
      expect(s.fromReadFull || s.atMs - lastMs >= SMOKE.roundRobinPeriodMs).toBe(true);
      lastMs = s.atMs;
    }
    expect(rr.switchLog.some((s) => !s.fromReadFull)).toBe(true);
  });

  it('has switch-at-100 % leave an account only when it reads 100 %', () => {
    const atFull = resultOf('switch at 100 %');
    expect(atFull.switches).toBeGreaterThan(0);
    expect(atFull.switchLog.every((s) => s.fromReadFull)).toBe(true);
  });

  it('lets the baselines switch inside tool calls, since they ignore them', () => {
    expect(resultOf('round-robin').switchesDuringToolCall).toBeGreaterThan(0);
    expect(resultOf('switch at 100 %').switchesDuringToolCall).toBeGreaterThan(0);
  });

  it('splits switches during a tool call into those that could break a request and those at a wall (true figures)', () => {
    // Switch at 100 % leaves only accounts that read 100 %, and a whole-percent reading rounded down never overstates.
    const atFull = resultOf('switch at 100 %');
    expect(atFull.switchLog.every((s) => s.fromTrueFull)).toBe(true);
    expect(atFull.breakingSwitchesDuringToolCall).toBe(0);
    expect(atFull.wallSwitchesDuringToolCall).toBe(atFull.switchesDuringToolCall);
    // Round-robin's period switches leave accounts below their limits, tool call or not.
    const rr = resultOf('round-robin');
    expect(rr.breakingSwitchesDuringToolCall).toBeGreaterThan(0);
    expect(rr.breakingSwitchesDuringToolCall).toBe(rr.switchLog.filter((s) => s.duringToolCall && !s.fromTrueFull).length);
    for (const r of smoke.results) expect(r.breakingSwitchesDuringToolCall + r.wallSwitchesDuringToolCall).toBe(r.switchesDuringToolCall);
  });

  it('gives the same figures for the same seed', () => {
    const again = runRotationBench(SMOKE);
    expect(formatTable(again)).toEqual(formatTable(smoke));
    expect(again.results.map((r) => r.switchLog)).toEqual(smoke.results.map((r) => r.switchLog));
  });
});

describe('rotation replay accounting', () => {
  it('carries out a deferred switch the moment the blocking tool call ends', () => {
    const { fleet, demand } = smoke;
    // Wants to move to the next account every minute, but waits while any tool call runs.
    const eager: Strategy = {
      name: 'eager',
      definition: 'switch to the next account whenever no tool call runs',
      decide(view) {
        if (view.blocking.length > 0) return { kind: 'wait', label: 'wait' };
        const i = view.accounts.findIndex((a) => a.id === view.activeId);
        const to = view.accounts[(i + 1) % view.accounts.length]?.id ?? view.activeId;
        return { kind: 'switch', to, label: 'switch', forced: false };
      },
    };
    const result = replayRotation({ fleet, demand, strategy: eager, seed: 1 });
    const toolEnds = new Set(demand.toolCalls.map((t) => t.endMs));
    const offTick = result.switchLog.filter((s) => (s.atMs - demand.startMs) % demand.stepMs !== 0);
    expect(result.switchesDuringToolCall).toBe(0);
    expect(offTick.length).toBeGreaterThan(0);
    expect(offTick.every((s) => toolEnds.has(s.atMs))).toBe(true);
  });

  it('accrues usage only on the account in use', () => {
    const { fleet } = smoke;
    // A week, so every account's first weekly reset falls inside the replay.
    const demand = createDemand({ startMs: SMOKE.startMs, days: 7, stepMs: 60_000, rng: createRng(5), weeklyLoadHours: 60 });
    const stay: Strategy = { name: 'stay', definition: 'never switch', decide: () => ({ kind: 'stay', label: 'stay' }) };
    const result = replayRotation({ fleet, demand, strategy: stay, seed: 1, initialActiveId: fleet[0]?.id });
    const parked = result.closedWindows.filter((w) => w.accountId !== fleet[0]?.id);
    expect(parked.length).toBe(2);
    for (const w of parked) {
      const initial = fleet.find((a) => a.id === w.accountId)?.initialWindows.sevenDayPct;
      expect(w.sevenDayPct).toBeCloseTo(initial ?? NaN, 6);
    }
    expect(result.servedLoadHours).toBeGreaterThan(0);
  });

  it('counts every measured window as expired whole when there is no demand, each account’s first one included', () => {
    const run = runRotationBench({ ...SMOKE, days: 14, demandRatio: 0 });
    for (const r of run.results) {
      expect(r.measuredWindows).toBe(6);
      expect(r.closedWindows.filter((w) => w.measured)).toHaveLength(3);
      expect(r.expiredUnusedPct).toBeCloseTo(100, 6);
      expect(r.expiredUnusedOpenedInsidePct).toBeCloseTo(100, 6);
      expect(r.avoidableHitSteps + r.unavoidableHitSteps).toBe(0);
    }
  });

  it('draws demand that hits the requested weekly load and keeps each session’s tool calls apart', () => {
    const fleet = createBenchFleet({ startMs: SMOKE.startMs, tiers: SMOKE.tiers, rng: createRng(7) });
    const demand = createDemand({ startMs: SMOKE.startMs, days: 14, stepMs: 60_000, rng: createRng(8), weeklyLoadHours: 50 });
    expect(demand.loadHours).toBeCloseTo(100, 6);
    expect(fleet.map((a) => a.initialWindows.sevenDayResetsAtMs)).toEqual(
      [...fleet.map((a) => a.initialWindows.sevenDayResetsAtMs)].sort((a, b) => a - b),
    );
    const bySession = new Map<string, number>();
    for (const call of demand.toolCalls) {
      expect(call.endMs - call.startMs).toBeGreaterThanOrEqual(5_000);
      expect(call.endMs - call.startMs).toBeLessThanOrEqual(5 * 60_000);
      expect(call.startMs).toBeGreaterThanOrEqual(bySession.get(call.sessionId) ?? -Infinity);
      bySession.set(call.sessionId, call.endMs);
    }
  });

  it('round-robin without any demand still rotates on its period', () => {
    const { fleet } = smoke;
    const demand = createDemand({ startMs: SMOKE.startMs, days: 1, stepMs: 60_000, rng: createRng(3), weeklyLoadHours: 0 });
    const result = replayRotation({ fleet, demand, strategy: createRoundRobin(2 * HOUR_MS), seed: 1 });
    expect(result.switches).toBe(11);
    expect(result.switchLog.map((s) => s.toId).slice(0, 3)).toEqual([fleet[1]?.id, fleet[2]?.id, fleet[0]?.id]);
    const idle = replayRotation({ fleet, demand, strategy: createSwitchAtFull(), seed: 1 });
    expect(idle.switches).toBe(0);
    const ours = replayRotation({ fleet, demand, strategy: createPolicyStrategy(), seed: 1 });
    expect(ours.switchesDuringToolCall).toBe(0);
  });
});

describe('rotation sweep references', () => {
  const run = runRotationBench({ ...SMOKE, days: 14, demandRatio: 0.8 });

  it('runs the oracle beside the strategies, switching only away from an account that cannot serve', () => {
    const oracle = resultOf('oracle');
    expect(oracle.switches).toBeGreaterThan(0);
    expect(oracle.switchesByLabel).toEqual({ 'switch:full': oracle.switches });
  });

  it('puts the ideal expired-unused share below every strategy’s, and at 100 % without demand', () => {
    const ideal = idealExpiredUnusedPct(run.fleet, run.demand);
    expect(ideal).toBeGreaterThanOrEqual(0);
    for (const r of run.results) expect(ideal).toBeLessThanOrEqual(r.expiredUnusedPct + 1e-9);
    const idle = runRotationBench({ ...SMOKE, days: 14, demandRatio: 0 }, []);
    expect(idealExpiredUnusedPct(idle.fleet, idle.demand)).toBeCloseTo(100, 6);
    const flooded = runRotationBench({ ...SMOKE, days: 14, demandRatio: 3 }, []);
    expect(idealExpiredUnusedPct(flooded.fleet, flooded.demand)).toBeCloseTo(0, 6);
  });

  it('checks the goals of issue 12 cell by cell', () => {
    const cells = runSweep({ ...SMOKE, days: 1 }, [1, 2], [0.5]);
    expect(cells.map((c) => c.seed)).toEqual([1, 2]);
    const goals = formatSweepGoals(cells);
    expect(goals.some((line) => line.startsWith('avoidable limit-minutes ≤ the better baseline'))).toBe(true);
    expect(formatSweepTable(cells)).toHaveLength(2 + 4);
  });
});

/**
 * One benchmark run: builds the seeded fleet and demand, then replays the same demand under each
 * strategy (the real policy and the baselines by default).
 */
import { createRng } from '../../../src-main/engine/replay/sim-rng.js';
import { createBenchFleet, fleetWeeklyCapacityLoadHours, type BenchAccount, type BenchTier } from './bench-fleet.js';
import { createRoundRobin, createSwitchAtFull } from './baselines.js';
import { createDemand, type Demand } from './demand.js';
import { createOracle } from './oracle.js';
import { createPolicyStrategy } from '../../../src-main/engine/replay/policy-strategy.js';
import { replayRotation, type ReplayResult } from '../../../src-main/engine/replay/simulate-rotation.js';
import type { Strategy } from '../../../src-main/engine/replay/strategy-types.js';

const HOUR_MS = 3_600_000;

export interface BenchParams {
  readonly seed: number;
  /** Must be a Monday 00:00 UTC. */
  readonly startMs: number;
  readonly days: number;
  readonly stepMs: number;
  /** One tier per account, in the fixed account order (A, B, …). */
  readonly tiers: readonly BenchTier[];
  /** Mean weekly demand as a multiple of the fleet's weekly capacity. */
  readonly demandRatio: number;
  /** Week-to-week swing of demand (± fraction, see `DemandOptions.weeklySwing`). */
  readonly weeklySwing: number;
  readonly roundRobinPeriodMs: number;
}

export const DEFAULT_BENCH_PARAMS: BenchParams = {
  seed: 20_261_124,
  startMs: Date.UTC(2026, 10, 23),
  days: 35,
  stepMs: 60_000,
  tiers: ['Max 20x', 'Max 5x', 'Max 20x', 'Max 5x', 'Max 20x'],
  demandRatio: 1.2,
  weeklySwing: 0.15,
  roundRobinPeriodMs: 2 * HOUR_MS,
};

export interface BenchRun {
  readonly params: BenchParams;
  readonly fleet: readonly BenchAccount[];
  readonly demand: Demand;
  readonly results: readonly (ReplayResult & { readonly definition: string; readonly elapsedMs: number })[];
}

/** The default strategies: the real policy, round-robin, switch at 100 %, and the oracle as the floor. */
export function defaultStrategies(params: BenchParams): (() => Strategy)[] {
  return [
    () => createPolicyStrategy(),
    () => createRoundRobin(params.roundRobinPeriodMs),
    () => createSwitchAtFull(),
    () => createOracle(),
  ];
}

/** Runs every strategy on the same fleet and demand. Throws on parameters that make no sense. */
export function runRotationBench(params: BenchParams, strategies = defaultStrategies(params)): BenchRun {
  if (new Date(params.startMs).getUTCDay() !== 1 || params.startMs % (24 * HOUR_MS) !== 0)
    throw new Error('startMs must be a Monday 00:00 UTC');
  if (!(params.days > 0) || !(params.stepMs > 0) || !(params.demandRatio >= 0))
    throw new Error('days, stepMs and demandRatio must be positive');
  const fleet = createBenchFleet({ startMs: params.startMs, tiers: params.tiers, rng: createRng(params.seed) });
  const demand = createDemand({
    startMs: params.startMs,
    days: params.days,
    stepMs: params.stepMs,
    rng: createRng(params.seed + 1),
    weeklyLoadHours: params.demandRatio * fleetWeeklyCapacityLoadHours(fleet),
    weeklySwing: params.weeklySwing,
  });
  const results = strategies.map((make) => {
    const strategy = make();
    const began = performance.now();
    const result = replayRotation({ fleet, demand, strategy, seed: params.seed + 2 });
    return { ...result, definition: strategy.definition, elapsedMs: performance.now() - began };
  });
  return { params, fleet, demand, results };
}

/**
 * The benchmark's synthetic fleet: Max 20x / 5x accounts on the demo simulator's usage model
 * (src-main/demo/usage-model.ts) with weekly resets staggered across the week. Pure and seeded.
 */
import type { Rng } from '../../../src-main/engine/replay/sim-rng.js';
import type { SimAccount } from '../../../src-main/engine/replay/sim-inputs.js';
import { SEVEN_DAY_MS, type UsageRates } from '../../../src-main/engine/replay/usage-model.js';

export { fleetWeeklyCapacityLoadHours, scaleRates } from '../../../src-main/engine/replay/sim-inputs.js';

export type BenchTier = 'Max 20x' | 'Max 5x';

/**
 * Fill rates at a load of 1. A load unit is one busy session's API traffic; the demand averages
 * ~2 units while sessions are alive, ~9 at its 99th percentile. At the average a Max 20x 5h window
 * fills in ~2 h and a Max 5x one in ~30 min (the demo fleet's `DEMO_RATES` pace, doubled, at
 * twice the demo's per-user load). A full 5h window is 1/6 of the week (the demo's 1/10 would
 * let 5h limits, not the policy, decide how much of the week can ever be used). A Max 5x account
 * fills four times faster than a Max 20x one, as in the demo.
 */
export const BENCH_RATES: Readonly<Record<BenchTier, UsageRates>> = {
  'Max 20x': { fiveHourPctPerHour: 24, sevenDayPctPerHour: 4 },
  'Max 5x': { fiveHourPctPerHour: 96, sevenDayPctPerHour: 16 },
};

/**
 * One account of the benchmark fleet (the simulator's account, src-main/engine/replay/sim-inputs.ts).
 * Its windows at the start of the replay: 5h closed; the 7d reset somewhere in the first week, the
 * window as used as if the account had been burned at a steady pace since it opened (so the first
 * week offers no more spare capacity than any other).
 */
export type BenchAccount = SimAccount & { readonly tier: BenchTier };

export interface BenchFleetOptions {
  readonly startMs: number;
  /** One tier per account, in the user's (fixed) account order. */
  readonly tiers: readonly BenchTier[];
  readonly rng: Rng;
}

/**
 * Builds the fleet. Account i's first weekly reset falls in slot i of the week (slots of 7d / n),
 * at a seeded point between 20 % and 80 % of its slot, so resets are staggered and never tie; its
 * 7d utilization starts at the share of the window already elapsed.
 */
export function createBenchFleet(options: BenchFleetOptions): BenchAccount[] {
  const n = options.tiers.length;
  if (n === 0) throw new Error('the benchmark fleet needs at least one account');
  return options.tiers.map((tier, i) => {
    const rates = BENCH_RATES[tier];
    const slotMs = SEVEN_DAY_MS / n;
    const firstResetMs = options.startMs + Math.round((i + 0.2 + 0.6 * options.rng()) * slotMs);
    const name = String.fromCharCode(65 + i);
    return {
      id: `acct-${name}`,
      email: `${name.toLowerCase()}@bench.example`,
      tier,
      rates,
      weeklyCapacityLoadHours: 100 / rates.sevenDayPctPerHour,
      initialWindows: {
        fiveHourPct: 0,
        fiveHourResetsAtMs: null,
        sevenDayPct: (100 * (SEVEN_DAY_MS - (firstResetMs - options.startMs))) / SEVEN_DAY_MS,
        sevenDayResetsAtMs: firstResetMs,
      },
    };
  });
}

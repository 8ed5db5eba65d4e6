/**
 * Rebuilds the fleet-wide demand of a recorded period from the history's readings, for the what-if
 * replay. Pure.
 *
 * Every rise of an account's weekly utilization between two consecutive readings is work the fleet
 * served; in "Max 20x units" it is the rise × the account's share of a Max 20x weekly quota (a
 * Max 5x point is a quarter of a Max 20x point). It is spread evenly over the time between the two
 * readings (the active account is read every minute or so while sessions work, so the spread is
 * short where it matters). A load of 1 raises a Max 20x account's weekly utilization by 1 % per hour;
 * one Max 20x week holds 100 load-hours. Work a limit refused never reached a reading, so it is not in
 * the demand: the replay can only redistribute the work that was done.
 */
import { max20xShare } from '../../shared/plan-capacity.js';
import type { ReplaySample, ReplaySource } from '../history/history-types.js';
import type { Demand } from './sim-inputs.js';
import { SEVEN_DAY_MS, type SimWindows } from './usage-model.js';

const HOUR_MS = 3_600_000;
/** A `resets_at` that moves less than this is the same window (the endpoint's jitter). */
const SAME_WEEK_SHIFT_MS = HOUR_MS;
const SAME_FIVE_HOUR_SHIFT_MS = 10 * 60_000;
/** 5-hour points per weekly point when the readings are too few to tell (the rotation bench's ratio). */
export const DEFAULT_FIVE_HOUR_PER_SEVEN_DAY = 6;
/** Weekly points of rise needed before the readings' own ratio is trusted. */
const MIN_POINTS_FOR_RATIO = 5;

export interface RebuiltDemand {
  readonly demand: Demand;
  readonly readings: number;
  /** 5-hour points one weekly point costs (the same for every plan: both windows scale with it). */
  readonly fiveHourPerSevenDayPct: number;
  readonly fiveHourRatioEstimated: boolean;
  /** Each account's windows at the start of the period, by account id. */
  readonly initialWindows: ReadonlyMap<string, SimWindows>;
}

interface Rise {
  readonly fromMs: number;
  readonly toMs: number;
  readonly points: number;
}

/** The weekly rise between two consecutive readings of one account (a new window counts from its start). */
function weeklyRise(p: ReplaySample, c: ReplaySample): Rise | null {
  if (p.sevenDayPct === null || c.sevenDayPct === null || c.atMs <= p.atMs) return null;
  const pReset = p.sevenDayResetsAtMs;
  const cReset = c.sevenDayResetsAtMs;
  const sameWindow = pReset === null || cReset === null || Math.abs(cReset - pReset) < SAME_WEEK_SHIFT_MS;
  if (sameWindow) {
    const points = c.sevenDayPct - p.sevenDayPct;
    return points > 0 ? { fromMs: p.atMs, toMs: c.atMs, points } : null;
  }
  if (cReset < pReset || c.sevenDayPct <= 0) return null;
  // A new window: what it reads was used since it opened (the old one's reset time, when in between).
  const fromMs = pReset > p.atMs && pReset < c.atMs ? pReset : p.atMs;
  return { fromMs, toMs: c.atMs, points: c.sevenDayPct };
}

/** The 5-hour rise between two readings of the same 5-hour window; null when the window changed or is unknown. */
function fiveHourRise(p: ReplaySample, c: ReplaySample): number | null {
  if (p.fiveHourPct === null || c.fiveHourPct === null || p.fiveHourResetsAtMs === null || c.fiveHourResetsAtMs === null) return null;
  if (Math.abs(c.fiveHourResetsAtMs - p.fiveHourResetsAtMs) >= SAME_FIVE_HOUR_SHIFT_MS) return null;
  return Math.max(0, c.fiveHourPct - p.fiveHourPct);
}

/** Adds `load` over `[fromMs, toMs)` to the steps it covers (each step gets its covered share). */
function spread(bins: Float64Array, originMs: number, stepMs: number, fromMs: number, toMs: number, load: number): void {
  const first = Math.max(0, Math.floor((fromMs - originMs) / stepMs));
  const last = Math.min(bins.length - 1, Math.floor((toMs - originMs) / stepMs));
  for (let i = first; i <= last; i++) {
    const lo = Math.max(fromMs, originMs + i * stepMs);
    const hi = Math.min(toMs, originMs + (i + 1) * stepMs);
    if (hi > lo) bins[i] = (bins[i] ?? 0) + (load * (hi - lo)) / stepMs;
  }
}

/** An account's windows at `atMs` from its last reading at or before it (or its first reading). */
export function windowsAt(samples: readonly ReplaySample[], atMs: number, fallbackResetMs: number): SimWindows {
  const reading = samples.filter((s) => s.atMs <= atMs).at(-1) ?? samples[0];
  let sevenDayResetsAtMs = reading?.sevenDayResetsAtMs ?? fallbackResetMs;
  let sevenDayPct = Math.min(100, Math.max(0, reading?.sevenDayPct ?? 0));
  if (sevenDayResetsAtMs <= atMs) {
    sevenDayResetsAtMs += SEVEN_DAY_MS * (Math.floor((atMs - sevenDayResetsAtMs) / SEVEN_DAY_MS) + 1);
    sevenDayPct = 0;
  }
  const fiveOpen = reading?.fiveHourResetsAtMs != null && reading.fiveHourResetsAtMs > atMs;
  return {
    sevenDayPct,
    sevenDayResetsAtMs,
    fiveHourPct: fiveOpen ? Math.min(100, Math.max(0, reading?.fiveHourPct ?? 0)) : 0,
    fiveHourResetsAtMs: fiveOpen ? (reading?.fiveHourResetsAtMs ?? null) : null,
  };
}

/** Rebuilds the demand of `source`'s period in steps of `stepMs`. */
export function rebuildDemand(source: ReplaySource, stepMs: number): RebuiltDemand {
  const { fromMs, toMs } = source;
  const stepCount = Math.max(1, Math.ceil((toMs - fromMs) / stepMs));
  const loadPerStep = new Float64Array(stepCount);
  let readings = 0;
  let fivePoints = 0;
  let sevenPoints = 0;
  const initialWindows = new Map<string, SimWindows>();
  source.accounts.forEach((account, i) => {
    const share = max20xShare(account.plan);
    const { samples } = account;
    readings += samples.filter((s) => s.atMs >= fromMs).length;
    initialWindows.set(account.id, windowsAt(samples, fromMs, fromMs + ((i + 0.5) / source.accounts.length) * SEVEN_DAY_MS));
    for (let k = 1; k < samples.length; k++) {
      const p = samples[k - 1] as ReplaySample;
      const c = samples[k] as ReplaySample;
      const rise = weeklyRise(p, c);
      if (!rise) continue;
      spread(loadPerStep, fromMs, stepMs, rise.fromMs, rise.toMs, (rise.points * share) / ((rise.toMs - rise.fromMs) / HOUR_MS));
      const five = rise.fromMs === p.atMs ? fiveHourRise(p, c) : null;
      if (five !== null) {
        fivePoints += five;
        sevenPoints += rise.points;
      }
    }
  });
  const estimated = sevenPoints >= MIN_POINTS_FOR_RATIO && fivePoints > 0;
  const stepsPerWeek = Math.round(SEVEN_DAY_MS / stepMs);
  const weeklyLoadHours: number[] = [];
  const aliveSteps = new Uint8Array(stepCount);
  let loadHours = 0;
  loadPerStep.forEach((load, i) => {
    const hours = (load * stepMs) / HOUR_MS;
    loadHours += hours;
    const week = Math.floor(i / stepsPerWeek);
    weeklyLoadHours[week] = (weeklyLoadHours[week] ?? 0) + hours;
    if (load > 0) aliveSteps[i] = 1;
  });
  return {
    demand: {
      startMs: fromMs,
      stepMs,
      stepCount,
      loadPerStep,
      aliveSteps,
      toolCalls: [],
      sessionCount: 0,
      loadHours,
      weeklyLoadHours,
      loadScale: 1,
    },
    readings,
    fiveHourPerSevenDayPct: estimated ? fivePoints / sevenPoints : DEFAULT_FIVE_HOUR_PER_SEVEN_DAY,
    fiveHourRatioEstimated: estimated,
    initialWindows,
  };
}

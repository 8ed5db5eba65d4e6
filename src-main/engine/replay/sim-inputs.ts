/**
 * What the rotation simulator replays: a fleet of accounts on the usage model and a demand (load per
 * step and the tool calls that a switch must avoid). The benchmark draws both from seeds
 * (scripts/bench/rotation/); the what-if replay rebuilds them from the recorded history.
 */
import type { SimWindows, UsageRates } from './usage-model.js';

/** One account of a simulated fleet. */
export interface SimAccount {
  readonly id: string;
  readonly email: string;
  /** The plan's name, for reports (e.g. `Max 20x`). */
  readonly tier: string;
  /** Fill rates at load 1; the replay scales them by the demand's load. */
  readonly rates: UsageRates;
  /** Work one full 7d window holds, in load-hours (100 % / the 7d rate). */
  readonly weeklyCapacityLoadHours: number;
  /** Windows at the start of the replay. */
  readonly initialWindows: SimWindows;
}

/** The fleet's weekly capacity in load-hours. */
export function fleetWeeklyCapacityLoadHours(fleet: readonly SimAccount[]): number {
  return fleet.reduce((sum, a) => sum + a.weeklyCapacityLoadHours, 0);
}

/** Rates scaled by a load (load 0: nothing accrues). */
export function scaleRates(rates: UsageRates, load: number): UsageRates {
  return { fiveHourPctPerHour: rates.fiveHourPctPerHour * load, sevenDayPctPerHour: rates.sevenDayPctPerHour * load };
}

/** One tool call of one session: the interval between its `PreToolUse` and `PostToolUse`. */
export interface ToolCall {
  readonly sessionId: string;
  readonly toolName: string;
  readonly startMs: number;
  readonly endMs: number;
}

/** The demand of a whole replay, binned into steps for the load and kept exact for tool calls. */
export interface Demand {
  readonly startMs: number;
  readonly stepMs: number;
  readonly stepCount: number;
  /**
   * Load per step: Σ over sessions making API requests (model phases, `Task` calls) of the turn's
   * intensity × the share of the step they cover.
   */
  readonly loadPerStep: Float64Array;
  /** 1 when any session is alive during the step, so the statusline reports the active account. */
  readonly aliveSteps: Uint8Array;
  /** Every tool call, sorted by start; one session's calls never overlap. */
  readonly toolCalls: readonly ToolCall[];
  readonly sessionCount: number;
  /** Total demand in load-hours (after scaling). */
  readonly loadHours: number;
  /** Demand of each week (7 days from the start; the last may be partial), in load-hours. */
  readonly weeklyLoadHours: readonly number[];
  /** Mean factor applied to the turns' raw intensities to reach the target demand. */
  readonly loadScale: number;
}

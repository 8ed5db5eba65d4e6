/**
 * The what-if replay of the recorded history (`ccmax-monitor replay`, `GET /api/replay`, the
 * dashboard's replay panel): the fleet-wide demand rebuilt from the recorded readings, run through
 * the rotation policy under today's settings and fleet and under other ones, side by side with
 * what the history recorded. Times are epoch milliseconds; percentages 0–100.
 */

/** Plans an account added by the replay may have. */
export const REPLAY_PLANS = ['Max 20x', 'Max 5x', 'Pro'] as const;
export type ReplayPlan = (typeof REPLAY_PLANS)[number];

/** The longest period one replay covers (the oldest part is cut off). */
export const MAX_REPLAY_DAYS = 35;

/** Arguments of `replay`: the period and what to change (absent: as today). */
export interface ReplayQuery {
  readonly fromMs?: number;
  readonly toMs?: number;
  /** The 5-hour threshold to replay with (1–100). */
  readonly fiveHourThresholdPct?: number;
  /** The minimum dwell to replay with. */
  readonly minDwellMs?: number;
  /** Points below the threshold an account must fall before it is preferred again. */
  readonly hysteresisPct?: number;
  /** Accounts to add (positive, of `addPlan`) or to leave out (negative: the last ones in the fleet's order). */
  readonly accountsDelta?: number;
  /** The plan of added accounts; default Max 20x. */
  readonly addPlan?: ReplayPlan;
}

/** The settings a replay ran with. */
export interface ReplaySettingsView {
  readonly fiveHourThresholdPct: number;
  readonly minDwellMs: number;
  readonly hysteresisPct: number;
}

/** One account of a replayed fleet. */
export interface ReplayAccountView {
  readonly accountId: string;
  readonly email: string | null;
  readonly plan: string;
  /** True for an account the what-if added (it exists only in the replay). */
  readonly added: boolean;
}

/** The figures compared side by side. Null where a figure is not known for that column. */
export interface ReplayFigures {
  /** Share of the weekly quota of windows that reset in the period left unused at the reset (plan-weighted). */
  readonly expiredUnusedPct: number | null;
  /** The same in days of a Max 20x account's quota. */
  readonly expiredUnusedMax20xDays: number | null;
  /** Weekly resets counted. */
  readonly weeklyResets: number;
  /** Minutes the account in use was at 100 % of a window (recorded: while active; replayed: while there was demand). */
  readonly limitHitMinutes: number;
  /** Of those, minutes when another account still had room (replayed only). */
  readonly avoidableLimitHitMinutes: number | null;
  readonly switches: number;
  /** Share of the rebuilt demand the fleet served (replayed only). */
  readonly demandServedPct: number | null;
}

/** The demand rebuilt from the history. */
export interface ReplayDemandView {
  /** Work in the period in weeks of a Max 20x account's quota (1 = one full Max 20x week). */
  readonly max20xWeeks: number;
  /** Readings it was rebuilt from. */
  readonly readings: number;
  /** How many 5-hour points one weekly point of use costs, estimated from the readings (or the default when too few). */
  readonly fiveHourPerSevenDayPct: number;
  readonly fiveHourRatioEstimated: boolean;
  readonly stepMs: number;
}

/** `replay`'s result. */
export interface ReplayView {
  readonly fromMs: number;
  readonly toMs: number;
  readonly demand: ReplayDemandView;
  readonly asIs: { readonly settings: ReplaySettingsView; readonly fleet: readonly ReplayAccountView[] };
  readonly whatIf: { readonly settings: ReplaySettingsView; readonly fleet: readonly ReplayAccountView[] };
  /** What the history recorded in the period. */
  readonly recorded: ReplayFigures;
  /** The replay under today's settings and fleet: how close the model comes to what happened. */
  readonly replayedAsIs: ReplayFigures;
  /** The replay under the changed settings or fleet. */
  readonly replayedWhatIf: ReplayFigures;
  /** What to keep in mind when reading the figures. */
  readonly notes: readonly string[];
}

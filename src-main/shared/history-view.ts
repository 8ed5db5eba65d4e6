/**
 * The recorded history of the fleet and the figures drawn from it, as the dashboard, the CLI and
 * `GET /api/history` / `GET /api/insights` see them. Times are epoch milliseconds; percentages 0–100.
 */

/** The two quota windows the history tracks. */
export type HistoryWindow = 'five_hour' | 'seven_day';

/** Where a reading came from (`demo`: the simulated fleet). */
export type SampleSource = 'poll' | 'statusline' | 'demo';

/** One stored usage reading (an unchanged reading is not stored again; rows older than 35 days are hourly). */
export interface HistorySample {
  readonly atMs: number;
  readonly fiveHourPct: number | null;
  readonly sevenDayPct: number | null;
  readonly source: SampleSource;
}

/** A window that reset; what it held just before is what expired unused. */
export interface WindowResetView {
  readonly accountId: string;
  readonly window: HistoryWindow;
  readonly resetAtMs: number;
  /** Utilization of the last reading before the reset; null when no reading of that window is known. */
  readonly lastPct: number | null;
  /** `100 − lastPct`; null when unknown. */
  readonly expiredUnusedPct: number | null;
  /** How long before the reset that last reading was taken; null when unknown. */
  readonly lastReadingAgeMs: number | null;
  /** True when readings were missing around the reset, so the figure may be off (or is unknown). */
  readonly uncertain: boolean;
}

/** An account at 100 % of a window. */
export interface LimitHitView {
  readonly accountId: string;
  readonly window: HistoryWindow;
  readonly startedAtMs: number;
  /** Null while the account is still at its limit. */
  readonly endedAtMs: number | null;
  /** Minutes spent at 100 % while it was the active account (work that could not be served). */
  readonly activeMinutes: number;
}

/** A switch of Claude Code's login from one account to another. */
export interface SwitchView {
  readonly atMs: number;
  readonly fromId: string | null;
  readonly toId: string;
  /** The rotation trigger (`breach`, `velocity`, `manual`, …). */
  readonly trigger: string;
  /** How long the switch waited for a tool call to end; 0 when it was not deferred. */
  readonly deferralWaitMs: number;
}

/** `GET /api/history`: one account's recorded history in a time range, downsampled to at most `points` samples. */
export interface HistoryView {
  readonly account: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly samples: readonly HistorySample[];
  readonly resets: readonly WindowResetView[];
  readonly limitHits: readonly LimitHitView[];
  /** Switches into or out of this account. */
  readonly switches: readonly SwitchView[];
}

/** The figures of one account or of the whole fleet over a period. */
export interface InsightFigures {
  /** Weekly windows that reset in the period with a known, certain figure. */
  readonly weeklyResets: number;
  /** Weekly resets whose figure is uncertain or unknown (left out of the percentages). */
  readonly uncertainResets: number;
  /** Share of those weekly windows that expired unused (capacity-weighted across accounts). */
  readonly expiredUnusedPct: number | null;
  /** The same in days of a Max 20x account's weekly quota (a Max 20x week is 7 days; a Max 5x week 1.75). */
  readonly expiredUnusedMax20xDays: number;
  readonly limitHits: number;
  readonly limitHitMinutes: number;
  readonly switches: number;
  readonly switchesByTrigger: Readonly<Record<string, number>>;
  /** Mean wait of the switches that were deferred; null when none was. */
  readonly avgDeferralWaitMs: number | null;
  readonly deferredSwitches: number;
}

export interface AccountInsights {
  readonly accountId: string;
  readonly email: string | null;
  readonly plan: string | null;
  readonly figures: InsightFigures;
}

/** Figures of one week (Monday 00:00 UTC to the next). */
export interface WeekInsights {
  readonly weekStartMs: number;
  readonly fleet: InsightFigures;
  readonly accounts: readonly AccountInsights[];
}

/** `GET /api/insights`: figures per account and fleet-wide, for the period and per week, plus the headline. */
export interface InsightsView {
  readonly fromMs: number;
  readonly toMs: number;
  readonly fleet: InsightFigures;
  readonly accounts: readonly AccountInsights[];
  readonly weeks: readonly WeekInsights[];
  /** "Weekly quota expired unused this month: X %" next to the previous month (calendar months, UTC). */
  readonly headline: {
    readonly monthStartMs: number;
    readonly thisMonthExpiredUnusedPct: number | null;
    readonly previousMonthExpiredUnusedPct: number | null;
  };
}

/** Most samples one history query returns. */
export const MAX_HISTORY_POINTS = 5000;

/** Arguments of `getHistory`. */
export interface HistoryQuery {
  /** Account id, email or label. */
  readonly account: string;
  readonly fromMs?: number;
  readonly toMs?: number;
  /** Most samples to return (default 1000, at most 5000). */
  readonly points?: number;
}

/** Arguments of `getInsights`. */
export interface InsightsQuery {
  readonly fromMs?: number;
  readonly toMs?: number;
}

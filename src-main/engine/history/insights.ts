/**
 * The insight figures, computed from recorded resets, limit hits and switches. Pure: the store
 * hands in the rows of the period, this returns the figures (per account and fleet-wide, for the
 * period and per week, and the monthly headline).
 */
import type {
  AccountInsights,
  InsightFigures,
  InsightsView,
  LimitHitView,
  SwitchView,
  WindowResetView,
  WeekInsights,
} from '../../shared/history-view.js';
import { max20xDaysPerWeek } from '../../shared/plan-capacity.js';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** 1970-01-05, the first Monday after the epoch. */
const FIRST_MONDAY_MS = 4 * DAY_MS;

export interface InsightAccount {
  readonly id: string;
  readonly email: string | null;
  readonly plan: string | null;
}

export interface InsightInput {
  readonly fromMs: number;
  readonly toMs: number;
  readonly nowMs: number;
  readonly accounts: readonly InsightAccount[];
  /** Resets in [fromMs, toMs) and in the previous and current calendar month (any window; only weekly ones count). */
  readonly resets: readonly WindowResetView[];
  readonly limitHits: readonly LimitHitView[];
  readonly switches: readonly SwitchView[];
}

/** A plan's weekly quota in days of a Max 20x account's quota (kept in shared/ so the dashboard weights the same). */
export { max20xDaysPerWeek };

/** Monday 00:00 UTC of the week holding `ms`. */
export function weekStartOf(ms: number): number {
  return Math.floor((ms - FIRST_MONDAY_MS) / WEEK_MS) * WEEK_MS + FIRST_MONDAY_MS;
}

/** The first instant of the calendar month (UTC) holding `ms`, shifted by `offset` months. */
export function monthStartOf(ms: number, offset = 0): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1);
}

const round1 = (v: number) => Math.round(v * 10) / 10;

/** The figures of the rows given, for the accounts given (their plans weight the fleet-wide share). */
export function toFigures(
  resets: readonly WindowResetView[],
  hits: readonly LimitHitView[],
  switches: readonly SwitchView[],
  planOf: (accountId: string) => string | null,
): InsightFigures {
  let weeklyResets = 0;
  let uncertainResets = 0;
  let expiredDays = 0;
  let capacityDays = 0;
  for (const r of resets) {
    if (r.window !== 'seven_day') continue;
    if (r.uncertain || r.expiredUnusedPct === null) {
      uncertainResets++;
      continue;
    }
    weeklyResets++;
    const weekDays = max20xDaysPerWeek(planOf(r.accountId));
    capacityDays += weekDays;
    expiredDays += (r.expiredUnusedPct / 100) * weekDays;
  }
  const switchesByTrigger: Record<string, number> = {};
  for (const s of switches) switchesByTrigger[s.trigger] = (switchesByTrigger[s.trigger] ?? 0) + 1;
  const deferred = switches.filter((s) => s.deferralWaitMs > 0);
  return {
    weeklyResets,
    uncertainResets,
    expiredUnusedPct: capacityDays > 0 ? round1((100 * expiredDays) / capacityDays) : null,
    expiredUnusedMax20xDays: round1(expiredDays),
    limitHits: hits.length,
    limitHitMinutes: round1(hits.reduce((sum, h) => sum + h.activeMinutes, 0)),
    switches: switches.length,
    switchesByTrigger,
    avgDeferralWaitMs: deferred.length > 0 ? Math.round(deferred.reduce((sum, s) => sum + s.deferralWaitMs, 0) / deferred.length) : null,
    deferredSwitches: deferred.length,
  };
}

interface InsightRows {
  readonly resets: readonly WindowResetView[];
  readonly hits: readonly LimitHitView[];
  readonly switches: readonly SwitchView[];
}

/** The rows of `[fromMs, toMs)` (of one account when given), in the order given. */
function slice(rows: InsightRows, fromMs: number, toMs: number, accountId?: string): InsightRows {
  const within = (atMs: number) => atMs >= fromMs && atMs < toMs;
  const anyone = accountId === undefined;
  return {
    resets: rows.resets.filter((r) => within(r.resetAtMs) && (anyone || r.accountId === accountId)),
    hits: rows.hits.filter((h) => within(h.startedAtMs) && (anyone || h.accountId === accountId)),
    // An account's switches are those away from it (each switch is counted once fleet-wide).
    switches: rows.switches.filter((s) => within(s.atMs) && (anyone || s.fromId === accountId)),
  };
}

/** The rows split by the week they fall in (keyed by its Monday), each week's rows in the order given. */
function byWeek(rows: InsightRows): Map<number, InsightRows> {
  const weeks = new Map<number, { resets: WindowResetView[]; hits: LimitHitView[]; switches: SwitchView[] }>();
  const weekOf = (atMs: number) => {
    const key = weekStartOf(atMs);
    let week = weeks.get(key);
    if (!week) weeks.set(key, (week = { resets: [], hits: [], switches: [] }));
    return week;
  };
  for (const r of rows.resets) weekOf(r.resetAtMs).resets.push(r);
  for (const h of rows.hits) weekOf(h.startedAtMs).hits.push(h);
  for (const x of rows.switches) weekOf(x.atMs).switches.push(x);
  return weeks;
}

const NO_ROWS: InsightRows = { resets: [], hits: [], switches: [] };

/** Everything `GET /api/insights` returns. */
export function computeInsights(input: InsightInput): InsightsView {
  const plans = new Map(input.accounts.map((a) => [a.id, a.plan]));
  const planOf = (id: string) => plans.get(id) ?? null;
  const all: InsightRows = { resets: input.resets, hits: input.limitHits, switches: input.switches };
  const figuresOf = (rows: InsightRows, fromMs: number, toMs: number, accountId?: string) => {
    const r = slice(rows, fromMs, toMs, accountId);
    return toFigures(r.resets, r.hits, r.switches, planOf);
  };
  const accountsOf = (rows: InsightRows, fromMs: number, toMs: number): AccountInsights[] =>
    input.accounts.map((a) => ({ accountId: a.id, email: a.email, plan: a.plan, figures: figuresOf(rows, fromMs, toMs, a.id) }));

  const weeks: WeekInsights[] = [];
  const lastMs = Math.min(input.toMs, input.nowMs);
  // Weeks start at the first recorded figure (a period "since 1970" does not list empty decades), at most the last 600.
  let firstMs = lastMs;
  for (const r of input.resets) firstMs = Math.min(firstMs, r.resetAtMs);
  for (const h of input.limitHits) firstMs = Math.min(firstMs, h.startedAtMs);
  for (const x of input.switches) firstMs = Math.min(firstMs, x.atMs);
  const firstWeekMs = Math.max(weekStartOf(Math.max(input.fromMs, firstMs)), weekStartOf(lastMs) - 599 * WEEK_MS);
  // Each week reads only its own rows (a year of them is thousands; every week scanning all was the slow part).
  const rowsByWeek = byWeek(all);
  for (let weekMs = firstWeekMs; weekMs < lastMs; weekMs += WEEK_MS) {
    const fromMs = Math.max(weekMs, input.fromMs);
    const toMs = Math.min(weekMs + WEEK_MS, input.toMs);
    const rows = rowsByWeek.get(weekMs) ?? NO_ROWS;
    weeks.push({ weekStartMs: weekMs, fleet: figuresOf(rows, fromMs, toMs), accounts: accountsOf(rows, fromMs, toMs) });
  }
  const monthStartMs = monthStartOf(input.nowMs);
  const previousMonthStartMs = monthStartOf(input.nowMs, -1);
  return {
    fromMs: input.fromMs,
    toMs: input.toMs,
    fleet: figuresOf(all, input.fromMs, input.toMs),
    accounts: accountsOf(all, input.fromMs, input.toMs),
    weeks,
    headline: {
      monthStartMs,
      thisMonthExpiredUnusedPct: figuresOf(all, monthStartMs, input.nowMs + 1).expiredUnusedPct,
      previousMonthExpiredUnusedPct: figuresOf(all, previousMonthStartMs, monthStartMs).expiredUnusedPct,
    },
  };
}

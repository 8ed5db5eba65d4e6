/**
 * The history panel's words: the projection sentence, the chart summaries screen readers hear,
 * the rows of the events table, and the spans an account was the active one. Pure.
 */
import { formatDuration } from '../../src-main/shared/format.js';
import type { HistoryView, HistoryWindow } from '../../src-main/shared/history-view.js';
import { NONE } from './format.js';
import type { Projection } from './history-chart.js';

const WHEN = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** `Dec 5, 14:05`. */
export function formatWhen(atMs: number): string {
  return WHEN.format(atMs);
}

/** A history percentage: `42 %`, one decimal under 10 (`3.5 %`), `—` when unknown. */
export function formatSharePct(pct: number | null): string {
  if (pct === null || !Number.isFinite(pct)) return NONE;
  const shown = Math.abs(pct) < 10 ? Math.round(pct * 10) / 10 : Math.round(pct);
  return `${shown} %`;
}

/** The sentence under an account's chart: where the current pace takes its weekly window. */
export function projectionSentence(projection: Projection | null, nowMs: number): string {
  if (projection === null) return 'No weekly window is open: nothing to project.';
  const pace = `at the pace of the last 24 h (${formatSharePct(projection.pacePctPerDay)}/day)`;
  if (projection.kind === 'full') {
    if (projection.fullAtMs <= nowMs) return `At 100 % of its weekly window now; it resets ${formatWhen(projection.resetsAtMs)}.`;
    const early = formatDuration(projection.resetsAtMs - projection.fullAtMs);
    return `Reaches 100 % ${formatWhen(projection.fullAtMs)} ${pace}: ${early} before its weekly reset.`;
  }
  return `About ${formatSharePct(projection.expiredPct)} of this week will expire unused at the reset ${formatWhen(projection.resetsAtMs)} ${pace}.`;
}

const WINDOW_NAMES: Record<HistoryWindow, string> = { five_hour: '5-hour', seven_day: '7-day' };

export interface HistoryEventRow {
  readonly atMs: number;
  readonly kind: 'reset' | 'switch-in' | 'switch-out' | 'limit-hit';
  readonly what: string;
  readonly detail: string;
}

/** Resets, switches and limit hits of one account, oldest first, as the table and the chart's tooltips say them. */
export function historyEvents(view: HistoryView, nameOf: (id: string | null) => string): HistoryEventRow[] {
  const rows: HistoryEventRow[] = [];
  for (const reset of view.resets) {
    const age = reset.lastReadingAgeMs === null ? '' : ` (last reading ${formatDuration(reset.lastReadingAgeMs)} before)`;
    const detail =
      reset.expiredUnusedPct === null
        ? 'expired unused: unknown'
        : `${formatSharePct(reset.expiredUnusedPct)} expired unused${reset.uncertain ? ', uncertain' : ''}${age}`;
    rows.push({ atMs: reset.resetAtMs, kind: 'reset', what: `${WINDOW_NAMES[reset.window]} reset`, detail });
  }
  for (const sw of view.switches) {
    const wait = sw.deferralWaitMs > 0 ? `, waited ${formatDuration(sw.deferralWaitMs)} for a tool call` : '';
    if (sw.toId === view.account) {
      rows.push({ atMs: sw.atMs, kind: 'switch-in', what: 'Switched in', detail: `from ${nameOf(sw.fromId)} (${sw.trigger}${wait})` });
    } else {
      rows.push({ atMs: sw.atMs, kind: 'switch-out', what: 'Switched out', detail: `to ${nameOf(sw.toId)} (${sw.trigger}${wait})` });
    }
  }
  for (const hit of view.limitHits) {
    const until = hit.endedAtMs === null ? 'still there' : `until ${formatWhen(hit.endedAtMs)}`;
    const detail = `${until}; ${Math.round(hit.activeMinutes)} min at 100 % while active`;
    rows.push({ atMs: hit.startedAtMs, kind: 'limit-hit', what: `${WINDOW_NAMES[hit.window]} limit hit`, detail });
  }
  return rows.sort((a, b) => a.atMs - b.atMs);
}

export interface Span {
  readonly fromMs: number;
  readonly toMs: number;
}

/**
 * The spans in [fromMs, toMs] during which the account held Claude Code's login, from its switches
 * in and out; `activeNow` closes an open span at `toMs` (and opens one at `fromMs` when the first
 * switch is a switch out).
 */
export function activeSpans(view: HistoryView, fromMs: number, toMs: number, activeNow: boolean): Span[] {
  const spans: Span[] = [];
  const switches = [...view.switches].sort((a, b) => a.atMs - b.atMs);
  const first = switches[0];
  let openedAt: number | null = first ? (first.toId === view.account ? null : fromMs) : activeNow ? fromMs : null;
  for (const sw of switches) {
    if (sw.toId === view.account && sw.fromId !== view.account) openedAt ??= sw.atMs;
    else if (sw.fromId === view.account && openedAt !== null) {
      spans.push({ fromMs: openedAt, toMs: sw.atMs });
      openedAt = null;
    }
  }
  if (openedAt !== null && activeNow) spans.push({ fromMs: openedAt, toMs });
  return spans.filter((span) => span.toMs > span.fromMs);
}

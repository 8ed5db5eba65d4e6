/** CSV exports of the history and the insight figures (dashboard downloads, the CLI, `?format=csv`). */
import type { HistoryView, InsightFigures, InsightsView } from './history-view.js';

const cell = (value: string | number | boolean | null): string => {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};
const line = (values: readonly (string | number | boolean | null)[]) => values.map(cell).join(',');
const iso = (ms: number) => new Date(ms).toISOString();

/** One account's samples, one row each: `time,at_ms,five_hour_pct,seven_day_pct,source`. */
export function historyToCsv(view: HistoryView): string {
  const rows = [line(['account', 'time', 'at_ms', 'five_hour_pct', 'seven_day_pct', 'source'])];
  for (const s of view.samples) rows.push(line([view.account, iso(s.atMs), s.atMs, s.fiveHourPct, s.sevenDayPct, s.source]));
  return `${rows.join('\n')}\n`;
}

const FIGURE_COLUMNS = [
  'weekly_resets',
  'uncertain_resets',
  'expired_unused_pct',
  'expired_unused_max20x_days',
  'limit_hits',
  'limit_hit_minutes',
  'switches',
  'deferred_switches',
  'avg_deferral_wait_ms',
] as const;

const figureCells = (f: InsightFigures) => [
  f.weeklyResets,
  f.uncertainResets,
  f.expiredUnusedPct,
  f.expiredUnusedMax20xDays,
  f.limitHits,
  f.limitHitMinutes,
  f.switches,
  f.deferredSwitches,
  f.avgDeferralWaitMs,
];

/** The insight figures: one row per week and account (account `fleet` for the totals), then the period's. */
export function insightsToCsv(view: InsightsView): string {
  const rows = [line(['period_start', 'period', 'account', ...FIGURE_COLUMNS])];
  for (const week of view.weeks) {
    rows.push(line([iso(week.weekStartMs), 'week', 'fleet', ...figureCells(week.fleet)]));
    for (const a of week.accounts) rows.push(line([iso(week.weekStartMs), 'week', a.email ?? a.accountId, ...figureCells(a.figures)]));
  }
  rows.push(line([iso(view.fromMs), 'all', 'fleet', ...figureCells(view.fleet)]));
  for (const a of view.accounts) rows.push(line([iso(view.fromMs), 'all', a.email ?? a.accountId, ...figureCells(a.figures)]));
  return `${rows.join('\n')}\n`;
}

/**
 * The replay's side-by-side rows in words, shared by the CLI's table and the dashboard's panel so
 * both say the same: settings and fleet first, then the figures, for recorded / as is / what if.
 */
import type { ReplayFigures, ReplayView } from './replay-view.js';

export interface ReplayRow {
  readonly label: string;
  /** Indented under the row above (a detail of it). */
  readonly detail: boolean;
  /** Recorded, as is, what if. */
  readonly cells: readonly [string, string, string];
}

export const REPLAY_COLUMNS = ['recorded', 'as is', 'what if'] as const;

const dash = '—';
const pct = (v: number | null) => (v === null ? dash : `${v.toFixed(1)} %`);
const fixed = (v: number | null, digits = 0) => (v === null ? dash : v.toFixed(digits));

/** The fleet of one side in a few characters: `5 (+1)`, `3 (−1)`. */
function fleetCell(view: ReplayView, side: 'asIs' | 'whatIf'): string {
  const fleet = view[side].fleet;
  const added = fleet.filter((a) => a.added).length;
  const removed = view.asIs.fleet.length - (fleet.length - added);
  return `${fleet.length}${added > 0 ? ` (+${added})` : removed > 0 ? ` (−${removed})` : ''}`;
}

export function replayRows(view: ReplayView): ReplayRow[] {
  const s = [view.asIs.settings, view.asIs.settings, view.whatIf.settings] as const;
  const f = [view.recorded, view.replayedAsIs, view.replayedWhatIf] as const;
  const three = (pick: (i: 0 | 1 | 2) => string): [string, string, string] => [pick(0), pick(1), pick(2)];
  const figures = (label: string, detail: boolean, pick: (x: ReplayFigures) => string): ReplayRow => ({
    label,
    detail,
    cells: three((i) => pick(f[i])),
  });
  return [
    { label: '5h threshold', detail: false, cells: three((i) => `${s[i].fiveHourThresholdPct} %`) },
    { label: 'dwell', detail: false, cells: three((i) => `${Math.round(s[i].minDwellMs / 60_000)} min`) },
    { label: 'hysteresis', detail: false, cells: three((i) => `${s[i].hysteresisPct} pts`) },
    { label: 'accounts', detail: false, cells: [String(view.asIs.fleet.length), fleetCell(view, 'asIs'), fleetCell(view, 'whatIf')] },
    figures('expired unused', false, (x) => pct(x.expiredUnusedPct)),
    figures('in Max 20x days', true, (x) => fixed(x.expiredUnusedMax20xDays, 1)),
    figures('weekly resets', true, (x) => String(x.weeklyResets)),
    figures('limit-hit minutes', false, (x) => fixed(x.limitHitMinutes)),
    figures('avoidable', true, (x) => fixed(x.avoidableLimitHitMinutes)),
    figures('switches', false, (x) => String(x.switches)),
    figures('work served', false, (x) => pct(x.demandServedPct)),
  ];
}

/** What the what-if changed, in words (empty when nothing). */
export function replayChanges(view: ReplayView): string[] {
  const out: string[] = [];
  const added = view.whatIf.fleet.filter((a) => a.added);
  if (added.length > 0) out.push(`Added: ${added.length} × ${added[0]?.plan ?? 'Max 20x'}.`);
  const left = view.asIs.fleet.filter((a) => !view.whatIf.fleet.some((b) => b.accountId === a.accountId));
  if (left.length > 0) out.push(`Left out: ${left.map((a) => a.email ?? a.accountId).join(', ')}.`);
  return out;
}

export const REPLAY_LEGEND =
  '"recorded" is what the history shows; "as is" replays the same work with today\'s settings and fleet ' +
  '(how close the model comes); "what if" with the changes.';

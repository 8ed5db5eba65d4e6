/** The replay's side-by-side table and notes, at most 80 columns wide. Pure. */
import type { ReplayFigures, ReplayView } from '../../shared/replay-view.js';

const WIDTH = 80;
const LABEL = 24;
const COLUMN = 12;

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dash = '—';

function row(label: string, cells: readonly string[]): string {
  return `${label.padEnd(LABEL)}${cells.map((c) => c.padStart(COLUMN)).join('')}`;
}

/** Words wrapped to `width` columns, later lines indented by `indent`. */
export function wrap(text: string, width = WIDTH, indent = '  '): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line === '' ? word : `${line} ${word}`;
    if (next.length > width && line !== '') {
      lines.push(line);
      line = `${indent}${word}`;
    } else line = next;
  }
  if (line !== '') lines.push(line);
  return lines;
}

const pct = (v: number | null) => (v === null ? dash : `${v.toFixed(1)} %`);
const num = (v: number | null, digits = 0) => (v === null ? dash : v.toFixed(digits));

function figureRows(cols: readonly ReplayFigures[]): string[] {
  const pick = (f: (c: ReplayFigures) => string) => cols.map(f);
  return [
    row(
      'expired unused',
      pick((c) => pct(c.expiredUnusedPct)),
    ),
    row(
      '  in Max 20x days',
      pick((c) => num(c.expiredUnusedMax20xDays, 1)),
    ),
    row(
      '  weekly resets',
      pick((c) => String(c.weeklyResets)),
    ),
    row(
      'limit-hit minutes',
      pick((c) => num(c.limitHitMinutes)),
    ),
    row(
      '  avoidable',
      pick((c) => num(c.avoidableLimitHitMinutes)),
    ),
    row(
      'switches',
      pick((c) => String(c.switches)),
    ),
    row(
      'work served',
      pick((c) => (c.demandServedPct === null ? dash : `${c.demandServedPct.toFixed(1)} %`)),
    ),
  ];
}

/** The fleet of one side in a few characters: `5 (+1 Max 5x)`. */
function fleetCell(view: ReplayView, side: 'asIs' | 'whatIf'): string {
  const fleet = view[side].fleet;
  const added = fleet.filter((a) => a.added);
  const removed = view.asIs.fleet.length - (fleet.length - added.length);
  const change = added.length > 0 ? ` (+${added.length})` : removed > 0 && side === 'whatIf' ? ` (−${removed})` : '';
  return `${fleet.length}${change}`;
}

/** The report: period and work, the three columns, what was changed, the notes. */
export function formatReplay(view: ReplayView): string[] {
  const days = Math.round(((view.toMs - view.fromMs) / 86_400_000) * 10) / 10;
  const s = [view.asIs.settings, view.asIs.settings, view.whatIf.settings];
  const added = view.whatIf.fleet.filter((a) => a.added);
  const lines = [
    ...wrap(
      `What-if replay of ${day(view.fromMs)} → ${day(view.toMs)} (${days} days): ` +
        `${view.demand.max20xWeeks} Max 20x weeks of work, rebuilt from ${view.demand.readings} readings.`,
    ),
    '',
    row('', ['recorded', 'as is', 'what if']),
    row(
      '5h threshold',
      s.map((x) => `${x.fiveHourThresholdPct} %`),
    ),
    row(
      'dwell',
      s.map((x) => `${Math.round(x.minDwellMs / 60_000)} min`),
    ),
    row(
      'hysteresis',
      s.map((x) => `${x.hysteresisPct} pts`),
    ),
    row('accounts', [String(view.asIs.fleet.length), fleetCell(view, 'asIs'), fleetCell(view, 'whatIf')]),
    ...figureRows([view.recorded, view.replayedAsIs, view.replayedWhatIf]),
    '',
  ];
  if (added.length > 0) lines.push(...wrap(`Added: ${added.length} × ${added[0]?.plan ?? 'Max 20x'}.`));
  const left = view.asIs.fleet.filter((a) => !view.whatIf.fleet.some((b) => b.accountId === a.accountId));
  if (left.length > 0) lines.push(...wrap(`Left out: ${left.map((a) => a.email ?? a.accountId).join(', ')}.`));
  lines.push(
    ...wrap(
      '"recorded" is what the history shows; "as is" replays the same work with today\'s settings and fleet ' +
        '(how close the model comes); "what if" with the changes.',
    ),
  );
  for (const note of view.notes) lines.push(...wrap(`· ${note}`));
  return lines;
}

/** The replay's side-by-side table and notes, at most 80 columns wide. Pure. */
import { REPLAY_COLUMNS, REPLAY_LEGEND, replayChanges, replayRows } from '../../shared/replay-rows.js';
import type { ReplayView } from '../../shared/replay-view.js';

const WIDTH = 80;
const LABEL = 24;
const COLUMN = 12;

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

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

/** The report: period and work, the three columns, what was changed, the notes. */
export function formatReplay(view: ReplayView): string[] {
  const days = Math.round(((view.toMs - view.fromMs) / 86_400_000) * 10) / 10;
  const period = `${day(view.fromMs)} → ${day(view.toMs)} (${days} days)`;
  const work = `${view.demand.max20xWeeks} Max 20x weeks of work, rebuilt from ${view.demand.readings} readings`;
  return [
    ...wrap(`What-if replay of ${period}: ${work}.`),
    '',
    row('', REPLAY_COLUMNS),
    ...replayRows(view).map((r) => row(`${r.detail ? '  ' : ''}${r.label}`, r.cells)),
    '',
    ...replayChanges(view).flatMap((line) => wrap(line)),
    ...wrap(REPLAY_LEGEND),
    ...view.notes.flatMap((note) => wrap(`· ${note}`)),
  ];
}

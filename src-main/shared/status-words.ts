/**
 * An account's state in honest, specific words for the dashboard's Status column and the CLI's
 * `status`: a used-up week says so and when it comes back, a 5-hour step-aside says why and until
 * when. Problems the engine reports (`needs login`, `rate-limited, retry in 12m`, …) come first,
 * in the engine's own words. Pure; shared by the renderer and the CLI.
 */
import { formatDuration } from './format.js';
import type { AccountRow } from './view-model.js';

export type StatusTone = 'ok' | 'warn' | 'bad' | 'muted';

export interface StatusWords {
  readonly text: string;
  readonly tone: StatusTone;
}

type StatusRow = Pick<AccountRow, 'status' | 'statusText' | 'enabled' | 'active' | 'orderGroup' | 'sevenDay' | 'fiveHour'>;

function backIn(resetsAtMs: number | null, nowMs: number): string {
  return resetsAtMs === null ? '' : `, back in ${formatDuration(resetsAtMs - nowMs)}`;
}

/**
 * The Status words of one row. `fiveHourThresholdPct` is the rotation threshold: a usable account
 * at or over it sits out (`stepped aside`) until its 5-hour window resets or falls below.
 */
export function toStatusWords(row: StatusRow, fiveHourThresholdPct: number, nowMs: number): StatusWords {
  const kind = row.status.kind;
  if (kind === 'disabled') return { text: 'disabled (out of rotation)', tone: 'muted' };
  if (kind === 'needs-login' || kind === 'unauthorized') return { text: row.statusText, tone: 'bad' };
  if (kind !== 'ok') return { text: row.statusText, tone: 'warn' };
  const sevenDayPct = row.sevenDay.utilizationPct ?? 0;
  const fiveHourPct = row.fiveHour.utilizationPct ?? 0;
  if (row.orderGroup === 'exhausted' || sevenDayPct >= 100) {
    return { text: `week used up${backIn(row.sevenDay.resetsAtMs, nowMs)}`, tone: 'bad' };
  }
  if (fiveHourPct >= 100) return { text: `5h used up${backIn(row.fiveHour.resetsAtMs, nowMs)}`, tone: 'warn' };
  if (fiveHourPct >= fiveHourThresholdPct) {
    const why = `5h ≥ ${fiveHourThresholdPct}%`;
    return row.active
      ? { text: `over threshold (${why})`, tone: 'warn' }
      : { text: `stepped aside (${why})${backIn(row.fiveHour.resetsAtMs, nowMs)}`, tone: 'warn' };
  }
  return { text: 'ok', tone: 'ok' };
}

/**
 * Why switching to this account now may be a poor choice, or null when it is a fine choice: a
 * used-up week, a full 5-hour window, or 5-hour usage over the rotation threshold.
 */
export function switchConcern(row: StatusRow, fiveHourThresholdPct: number, nowMs: number): string | null {
  const sevenDayPct = row.sevenDay.utilizationPct ?? 0;
  const fiveHourPct = row.fiveHour.utilizationPct ?? 0;
  if (row.orderGroup === 'exhausted' || sevenDayPct >= 100) {
    return `Its 7-day quota is used up${backIn(row.sevenDay.resetsAtMs, nowMs)}: Claude Code requests would be refused until then.`;
  }
  if (fiveHourPct >= 100) {
    return `Its 5-hour window is full${backIn(row.fiveHour.resetsAtMs, nowMs)}: Claude Code requests would be refused until then.`;
  }
  if (fiveHourPct >= fiveHourThresholdPct) {
    return (
      `Its 5-hour usage is ${Math.round(fiveHourPct)}%, over the ${fiveHourThresholdPct}% threshold: it may hit its limit soon. ` +
      'While pinned, rotation will not move away from it.'
    );
  }
  return null;
}

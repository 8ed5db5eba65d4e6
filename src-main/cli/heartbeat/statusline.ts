/**
 * Pure parts of the statusline command: Claude Code's statusline JSON → a heartbeat message, and
 * the one line we print (the monitor's active account and its 5h/7d, or Claude Code's own figures
 * when the monitor is down), appended to a chained user statusline when there is one.
 */
import { PROTOCOL_VERSION, type ActiveSummary, type StatuslineMessage, type StatuslineWindow } from '../../shared/heartbeat-protocol.js';

function toWindow(raw: unknown): StatuslineWindow | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const w = raw as Record<string, unknown>;
  const used = w.used_percentage;
  if (typeof used !== 'number' || !Number.isFinite(used) || used < 0) return null;
  const resets = w.resets_at;
  return { usedPct: Math.min(used, 1000), resetsAtS: typeof resets === 'number' && Number.isFinite(resets) && resets >= 0 ? resets : null };
}

const str = (value: unknown, max: number): string | null => (typeof value === 'string' && value.length > 0 ? value.slice(0, max) : null);

/** The heartbeat message for one statusline payload, or null without a `session_id`. */
export function toStatuslineMessage(payload: unknown, host: string): StatuslineMessage | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const p = payload as Record<string, unknown>;
  const sessionId = str(p.session_id, 128);
  if (!sessionId) return null;
  const workspace = (typeof p.workspace === 'object' && p.workspace) as Record<string, unknown> | false;
  const cwd = str(workspace ? workspace.current_dir : undefined, 4096) ?? str(p.cwd, 4096);
  const model = typeof p.model === 'object' && p.model ? str((p.model as Record<string, unknown>).id, 256) : str(p.model, 256);
  const limits = typeof p.rate_limits === 'object' && p.rate_limits ? (p.rate_limits as Record<string, unknown>) : null;
  return {
    v: PROTOCOL_VERSION,
    type: 'statusline',
    sessionId,
    host: host.slice(0, 255),
    ...(cwd ? { cwd } : {}),
    model,
    claudeVersion: str(p.version, 64),
    fiveHour: limits ? toWindow(limits.five_hour) : null,
    sevenDay: limits ? toWindow(limits.seven_day) : null,
  };
}

const pct = (value: number | null | undefined): string => (typeof value === 'number' ? `${Math.round(value)}%` : '—');

/**
 * Our status segment: `▶ alice@example.com · 5h 42% · 7d 13%` when the monitor answered;
 * `ccmax offline · 5h 42% · 7d 13%` from Claude Code's own reading when it did not.
 */
export function formatStatus(active: ActiveSummary | null, reading: StatuslineMessage | null, monitorReached: boolean): string {
  if (active) {
    const tags = `${active.paused ? ' · paused' : ''}${active.demo ? ' · DEMO' : ''}${active.notice ? ` · ${active.notice.slice(0, 160)}` : ''}`;
    return `▶ ${active.account} · 5h ${pct(active.fiveHourPct)} · 7d ${pct(active.sevenDayPct)}${tags}`;
  }
  const head = monitorReached ? 'ccmax' : 'ccmax offline';
  if (!reading?.fiveHour && !reading?.sevenDay) return head;
  return `${head} · 5h ${pct(reading.fiveHour?.usedPct)} · 7d ${pct(reading.sevenDay?.usedPct)}`;
}

/** Appends our segment to the last line of the user's own statusline output (kept verbatim otherwise). */
export function chainStatus(theirs: string, ours: string): string {
  const trimmed = theirs.replace(/\s+$/, '');
  if (trimmed === '') return ours;
  return `${trimmed} │ ${ours}`;
}

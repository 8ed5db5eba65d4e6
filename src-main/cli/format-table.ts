/** Renders the fleet snapshot as a terminal table, in rotation order, like the dashboard. */
import { formatDuration } from '../shared/format.js';
import type { AccountRow, FleetSnapshot, TokenHealth } from '../shared/view-model.js';

const HEALTH_TEXT: Record<TokenHealth, string> = {
  healthy: 'healthy',
  expiring: 'expiring',
  refreshing: 'refreshing…',
  'expired-exhausted': 'expired (7d exhausted)',
  'needs-login': 'needs login',
};

/** `72%`; one decimal just below 100 so an almost-full window never reads as full. */
export function formatPct(pct: number | null): string {
  if (pct === null) return '—';
  if (pct >= 99 && pct < 100) return `${(Math.floor(pct * 10) / 10).toFixed(1)}%`;
  return `${Math.round(pct)}%`;
}

/** Time until `atMs` (`3d 9h`), `—` when unknown, `now` when past. */
export function formatUntil(atMs: number | null, nowMs: number): string {
  if (atMs === null) return '—';
  const ms = atMs - nowMs;
  return ms <= 0 ? 'now' : formatDuration(ms);
}

/** Age of `atMs` (`12m ago`), `—` when unknown. */
export function formatAgo(atMs: number | null, nowMs: number): string {
  if (atMs === null) return '—';
  const ms = nowMs - atMs;
  return ms < 1000 ? 'just now' : `${formatDuration(ms)} ago`;
}

function accountCell(row: AccountRow): string {
  return row.label ? `${row.email} (${row.label})` : row.email;
}

function rowCells(row: AccountRow, nowMs: number): string[] {
  const staleMark = row.stale && row.usageReadAtMs !== null ? ` (${formatDuration(nowMs - row.usageReadAtMs)} old)` : '';
  return [
    row.active ? '▶' : '',
    String(row.order + 1),
    accountCell(row),
    formatPct(row.sevenDay.utilizationPct) + staleMark,
    formatUntil(row.sevenDay.resetsAtMs, nowMs),
    formatPct(row.fiveHour.utilizationPct) + staleMark,
    formatUntil(row.fiveHour.resetsAtMs, nowMs),
    `${row.token.fingerprint} ${HEALTH_TEXT[row.token.health]}`,
    row.token.refreshedAtMs === null
      ? '—'
      : `${formatAgo(row.token.refreshedAtMs, nowMs)}${row.token.refreshPath ? ` ${row.token.refreshPath}` : ''}`,
    row.token.expiresAtMs === null
      ? '—'
      : row.token.expiresAtMs <= nowMs
        ? 'expired'
        : `in ${formatDuration(row.token.expiresAtMs - nowMs)}`,
    row.statusText,
    row.plan ?? '—',
  ];
}

const HEADERS = ['', '#', 'Account', '7d', '7d reset', '5h', '5h reset', 'Token', 'Refreshed', 'Expires', 'Status', 'Plan'];

/** The header lines and the fleet table, ending with a newline. `nowMs` makes it deterministic. */
export function formatFleetTable(snapshot: FleetSnapshot, nowMs: number): string {
  const lines: string[] = [];
  if (snapshot.demo) lines.push('DEMO — simulated fleet, no real accounts are used');
  const active = snapshot.accounts.find((a) => a.active);
  lines.push(
    [
      `ccmax-monitor ${snapshot.version}`,
      `vault: ${snapshot.vault.kind === 'file' ? `file (${snapshot.vault.location})` : 'keychain'}`,
      `last poll: ${formatAgo(snapshot.lastPollAtMs, nowMs)}`,
      `next refresh: ${formatUntil(snapshot.nextRefreshAtMs, nowMs)}`,
    ].join(' · '),
  );
  lines.push(
    `active: ${active ? `▶ ${accountCell(active)}` : 'none of these accounts (Claude Code holds another login, or none)'}` +
      (snapshot.lastSwitch ? ` · last switch: ${formatAgo(snapshot.lastSwitch.atMs, nowMs)} (${snapshot.lastSwitch.trigger})` : '') +
      (snapshot.paused ? ' · rotation paused' : ''),
  );
  if (snapshot.accounts.length === 0) {
    lines.push('', "No accounts yet. Log in with Claude Code (`claude /login`), then run 'ccmax-monitor accounts import'.");
    return `${lines.join('\n')}\n`;
  }
  const rows = [HEADERS, ...snapshot.accounts.map((r) => rowCells(r, nowMs))];
  const widths = HEADERS.map((_, col) => Math.max(...rows.map((r) => [...(r[col] ?? '')].length)));
  lines.push('');
  for (const r of rows) {
    lines.push(
      r
        .map((cell, col) => cell.padEnd(widths[col] ?? 0))
        .join('  ')
        .trimEnd(),
    );
  }
  return `${lines.join('\n')}\n`;
}

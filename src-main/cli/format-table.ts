/** Renders the fleet snapshot as a terminal table, in rotation order, like the dashboard. */
import { formatDuration } from '../shared/format.js';
import { levelOfPct, type QuotaLevel } from '../shared/levels.js';
import { toStatusWords } from '../shared/status-words.js';
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

/** How the table is drawn: the terminal width and whether to colour. */
export interface TableStyle {
  /** Maximum line width; lines never wrap (columns are dropped, then cells shortened). Default: no limit. */
  readonly columns?: number;
  /** ANSI colour for levels and the active row (only on a terminal, never with NO_COLOR). */
  readonly color?: boolean;
}

interface Column {
  readonly header: string;
  /** Lower drops first when the table is too wide; Infinity is never dropped. */
  readonly keep: number;
  cell(row: AccountRow, nowMs: number, thresholdPct: number): string;
  /** The level of a cell, for colour. */
  level?(row: AccountRow): QuotaLevel | null;
}

const staleMark = (row: AccountRow, nowMs: number): string =>
  row.stale && row.usageReadAtMs !== null ? ` (${formatDuration(nowMs - row.usageReadAtMs)} old)` : '';

const COLUMNS: readonly Column[] = [
  { header: '', keep: Infinity, cell: (r) => (r.active ? '▶' : '') },
  { header: '#', keep: Infinity, cell: (r) => String(r.order + 1) },
  { header: 'Account', keep: Infinity, cell: (r) => accountCell(r) },
  {
    header: '7d',
    keep: Infinity,
    cell: (r, now) => formatPct(r.sevenDay.utilizationPct) + staleMark(r, now),
    level: (r) => (r.sevenDay.utilizationPct === null ? null : levelOfPct(r.sevenDay.utilizationPct)),
  },
  { header: '7d reset', keep: 6, cell: (r, now) => formatUntil(r.sevenDay.resetsAtMs, now) },
  {
    header: '5h',
    keep: Infinity,
    cell: (r, now) => formatPct(r.fiveHour.utilizationPct) + staleMark(r, now),
    level: (r) => (r.fiveHour.utilizationPct === null ? null : levelOfPct(r.fiveHour.utilizationPct)),
  },
  { header: '5h reset', keep: 5, cell: (r, now) => formatUntil(r.fiveHour.resetsAtMs, now) },
  { header: 'Token', keep: 3, cell: (r) => `${r.token.fingerprint} ${HEALTH_TEXT[r.token.health]}` },
  {
    header: 'Refreshed',
    keep: 1,
    cell: (r, now) =>
      r.token.refreshedAtMs === null
        ? '—'
        : `${formatAgo(r.token.refreshedAtMs, now)}${r.token.refreshPath ? ` ${r.token.refreshPath}` : ''}`,
  },
  {
    header: 'Expires',
    keep: 2,
    cell: (r, now) =>
      r.token.expiresAtMs === null ? '—' : r.token.expiresAtMs <= now ? 'expired' : `in ${formatDuration(r.token.expiresAtMs - now)}`,
  },
  {
    header: 'Status',
    keep: Infinity,
    cell: (r, now, threshold) => toStatusWords(r, threshold, now).text,
    level: (r) => (r.status.kind === 'ok' ? null : r.status.kind === 'disabled' ? null : 'high'),
  },
  { header: 'Plan', keep: 4, cell: (r) => r.plan ?? '—' },
];

const ANSI: Record<QuotaLevel, string> = { ok: '\u001b[32m', high: '\u001b[33m', critical: '\u001b[31m', exhausted: '\u001b[1;31m' };
const RESET = '\u001b[0m';
const length = (text: string): number => [...text].length;
const cut = (text: string, width: number): string =>
  length(text) <= width ? text : `${[...text].slice(0, Math.max(0, width - 1)).join('')}…`;

/** Breaks a ` · `-joined header line into lines of at most `columns` characters. */
function fitLine(line: string, columns: number): string[] {
  if (length(line) <= columns) return [line];
  const out: string[] = [];
  let current = '';
  for (const part of line.split(' · ')) {
    const next = current ? `${current} · ${part}` : part;
    if (length(next) <= columns || !current) current = next;
    else {
      out.push(current);
      current = part;
    }
  }
  if (current) out.push(current);
  return out.map((l) => cut(l, columns));
}

/** The header lines and the fleet table, ending with a newline. `nowMs` makes it deterministic. */
export function formatFleetTable(snapshot: FleetSnapshot, nowMs: number, style: TableStyle = {}): string {
  const maxWidth = style.columns && style.columns > 20 ? style.columns : Infinity;
  const lines: string[] = [];
  if (snapshot.demo) lines.push('DEMO — simulated fleet, no real accounts are used');
  const active = snapshot.accounts.find((a) => a.active);
  const pinned = snapshot.accounts.find((a) => a.id === snapshot.rotation?.pinnedAccountId);
  lines.push(
    [
      `ccmax-monitor ${snapshot.version}`,
      `vault: ${snapshot.vault.kind === 'file' ? `file (${snapshot.vault.location})` : 'keychain'}`,
      `last poll: ${formatAgo(snapshot.lastPollAtMs, nowMs)}`,
      `next refresh: ${formatUntil(snapshot.nextRefreshAtMs, nowMs)}`,
    ].join(' · '),
  );
  lines.push(
    [
      `active: ${active ? `▶ ${accountCell(active)}` : 'none of these accounts (Claude Code holds another login, or none)'}`,
      ...(snapshot.lastSwitch ? [`last switch: ${formatAgo(snapshot.lastSwitch.atMs, nowMs)} (${snapshot.lastSwitch.trigger})`] : []),
      ...(pinned ? [`pinned to ${accountCell(pinned)} ('ccmax-monitor switch --auto' unpins)`] : []),
      ...(snapshot.paused ? ['rotation paused'] : []),
    ].join(' · '),
  );
  if (snapshot.accounts.length === 0) {
    lines.push('', "No accounts yet. Log in with Claude Code (`claude /login`), then run 'ccmax-monitor accounts import'.");
    return `${lines.flatMap((l) => (l ? fitLine(l, maxWidth) : [l])).join('\n')}\n`;
  }
  const threshold = snapshot.settings.fiveHourThresholdPct;
  let columns = [...COLUMNS];
  const cells = () => columns.map((c) => [c.header, ...snapshot.accounts.map((r) => c.cell(r, nowMs, threshold))]);
  const widthOf = (table: string[][]) => table.reduce((sum, col) => sum + Math.max(...col.map(length)), 0) + 2 * (table.length - 1);
  // Too wide: drop the least important columns first, never the account, its figures or its status.
  while (widthOf(cells()) > maxWidth) {
    const droppable = columns.filter((c) => c.keep !== Infinity).sort((a, b) => a.keep - b.keep)[0];
    if (!droppable) break;
    columns = columns.filter((c) => c !== droppable);
  }
  const table = cells();
  const widths = table.map((col) => Math.max(...col.map(length)));
  // Still too wide: shorten the Status words, then the account, with an ellipsis.
  for (const header of ['Status', 'Account']) {
    const over = widthOf(table) - maxWidth;
    const index = columns.findIndex((c) => c.header === header);
    if (over > 0 && index >= 0) {
      widths[index] = Math.max(6, (widths[index] ?? 0) - over);
      table[index] = (table[index] ?? []).map((text) => cut(text, widths[index] ?? 0));
    }
  }
  for (let line = 0; line <= snapshot.accounts.length; line++) {
    const row = line === 0 ? null : snapshot.accounts[line - 1];
    const parts = columns.map((column, col) => {
      const text = (table[col]?.[line] ?? '').padEnd(widths[col] ?? 0);
      const level = row && style.color ? (column.level?.(row) ?? null) : null;
      return level ? `${ANSI[level]}${text}${RESET}` : text;
    });
    let text = parts.join('  ').trimEnd();
    if (line === 0 && style.color) text = `\u001b[2m${text}${RESET}`;
    else if (row?.active && style.color) text = `\u001b[1m${text}${RESET}`;
    if (line === 0) lines.push('');
    lines.push(text);
  }
  const head = lines.flatMap((l, i) => (i < lines.length - snapshot.accounts.length - 1 && l ? fitLine(l, maxWidth) : [l]));
  const custody = custodyLines(snapshot, nowMs).map((l) => cut(l, maxWidth));
  return `${[...head, ...custody].join('\n')}\n`;
}

/** Who changed Claude Code's stored login last, per account (the custody ledger); nothing when none was seen. */
function custodyLines(snapshot: FleetSnapshot, nowMs: number): string[] {
  const rows = snapshot.accounts.filter((r) => r.custody !== null);
  if (rows.length === 0) return [];
  return [
    '',
    "Claude Code's login, last change per account:",
    ...rows.map((r) => {
      const c = r.custody!;
      const token = c.accessFp ? ` (token ${c.accessFp}, refresh ${c.refreshFp ?? '—'})` : '';
      return `  ${c.foreign ? '⚠ ' : ''}${accountCell(r)}: ${c.text} ${formatAgo(c.atMs, nowMs)}${token}`;
    }),
  ];
}

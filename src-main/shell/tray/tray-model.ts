/**
 * What the tray shows, as a pure function of the fleet snapshot (PRODUCT §1): the icon for the
 * quota level, the tooltip and macOS menu-bar title naming the account with its 5h/7d figures, and
 * the menu. `tray.ts` only applies this model, so everything here is tested without Electron.
 */
import { formatDuration } from '../../shared/format.js';
import { toGuardLine } from '../../shared/guard-words.js';
import { fleetLevel, firstComeback, isFleetExhausted, type QuotaLevel } from '../../shared/levels.js';
import type { AccountRow, FleetSnapshot } from '../../shared/view-model.js';

/** What a menu click asks for; `tray.ts` hands it to the shell's command runner. */
export type TrayCommand =
  | { readonly kind: 'switch-to'; readonly accountId: string }
  | { readonly kind: 'switch-now' }
  | { readonly kind: 'pause-rotation' }
  | { readonly kind: 'resume-rotation' }
  | { readonly kind: 'open-dashboard' }
  | { readonly kind: 'refresh-now' }
  | { readonly kind: 'quit' };

export type TrayMenuItem =
  | { readonly kind: 'separator' }
  | {
      readonly kind: 'item';
      /** Stable id for tests and for Electron's `MenuItem.id`. */
      readonly id: string;
      readonly label: string;
      readonly enabled: boolean;
      /** Shown as a check mark (the active account in "Switch to"). */
      readonly checked?: boolean;
      readonly command: TrayCommand | null;
      readonly submenu?: readonly TrayMenuItem[];
    };

export interface TrayModel {
  readonly level: QuotaLevel;
  /** Image base name in `assets/tray/` (`tray-high`, or `tray-highTemplate` on macOS). */
  readonly iconName: string;
  /** Hover text; at most {@link TOOLTIP_MAX_CHARS} characters. */
  readonly tooltip: string;
  /** Menu-bar text next to the icon on macOS; empty elsewhere (Electron ignores it there). */
  readonly title: string;
  readonly menu: readonly TrayMenuItem[];
}

/** Windows truncates tray tooltips at 127 characters (NOTIFYICONDATA.szTip is 128 wide). */
export const TOOLTIP_MAX_CHARS = 127;

const NAME_MAX_CHARS = 40;
const TITLE_NAME_MAX_CHARS = 16;

/** The tray image base name for a level; macOS gets monochrome template images. */
export function trayIconName(level: QuotaLevel, platform: NodeJS.Platform): string {
  return platform === 'darwin' ? `tray-${level}Template` : `tray-${level}`;
}

/** The whole tray model for `snapshot` on `platform` at `nowMs` (epoch ms, for countdowns). */
export function toTrayModel(snapshot: FleetSnapshot, platform: NodeJS.Platform, nowMs: number): TrayModel {
  const level = fleetLevel(snapshot);
  return {
    level,
    iconName: trayIconName(level, platform),
    tooltip: truncate(toTooltip(snapshot, nowMs), TOOLTIP_MAX_CHARS),
    title: platform === 'darwin' ? toTitle(snapshot, nowMs) : '',
    menu: toMenu(snapshot, nowMs),
  };
}

function toTooltip(snapshot: FleetSnapshot, nowMs: number): string {
  const head = ['ccmax-monitor', snapshot.demo ? ' DEMO' : '', snapshot.paused ? ' (rotation paused)' : ''].join('');
  const guard = toGuardLine(snapshot);
  return `${head}\n${fleetSummary(snapshot, nowMs)}${guard ? `\n${guard}` : ''}`;
}

/** One line: the active account and its figures, or what stands in the way. */
function fleetSummary(snapshot: FleetSnapshot, nowMs: number): string {
  if (snapshot.accounts.length === 0) return 'No accounts yet';
  if (isFleetExhausted(snapshot)) return exhaustedLine(snapshot, nowMs);
  const active = activeRow(snapshot);
  if (!active) return 'No active account';
  return `${displayName(active)}: 5h ${pct(active.fiveHour.utilizationPct)} · 7d ${pct(active.sevenDay.utilizationPct)}`;
}

function exhaustedLine(snapshot: FleetSnapshot, nowMs: number): string {
  const comeback = firstComeback(snapshot);
  if (!comeback) return 'No usable account: open the dashboard';
  return `All accounts exhausted; ${displayName(comeback.row)} back in ${formatDuration(comeback.atMs - nowMs)}`;
}

function toTitle(snapshot: FleetSnapshot, nowMs: number): string {
  const demo = snapshot.demo ? 'DEMO ' : '';
  const paused = snapshot.paused ? ' ⏸' : '';
  if (snapshot.accounts.length === 0) return `${demo}no accounts`.trim();
  if (isFleetExhausted(snapshot)) {
    const comeback = firstComeback(snapshot);
    return `${demo}all spent${comeback ? ` · back ${formatDuration(comeback.atMs - nowMs)}` : ''}${paused}`;
  }
  const active = activeRow(snapshot);
  if (!active) return `${demo}—${paused}`;
  const name = truncate(active.label ?? active.email.split('@')[0] ?? active.email, TITLE_NAME_MAX_CHARS);
  return `${demo}${name} · 5h ${pct(active.fiveHour.utilizationPct)} · 7d ${pct(active.sevenDay.utilizationPct)}${paused}`;
}

function toMenu(snapshot: FleetSnapshot, nowMs: number): TrayMenuItem[] {
  const status = statusLines(snapshot, nowMs);
  const accounts = snapshot.accounts.map((row) => info(`account:${row.id}`, accountLine(snapshot, row, nowMs)));
  return [
    ...status,
    ...(status.length > 0 && accounts.length > 0 ? [SEPARATOR] : []),
    ...accounts,
    SEPARATOR,
    switchSubmenu(snapshot),
    ...(snapshot.rotation?.guardHold
      ? [action('switch-now', 'Switch now (answer the prompt in your sessions)', { kind: 'switch-now' })]
      : []),
    snapshot.paused
      ? action('resume-rotation', 'Resume rotation', { kind: 'resume-rotation' })
      : action('pause-rotation', 'Pause rotation', { kind: 'pause-rotation' }),
    SEPARATOR,
    action('open-dashboard', 'Open dashboard', { kind: 'open-dashboard' }),
    action('refresh-now', 'Refresh now', { kind: 'refresh-now' }),
    SEPARATOR,
    action('quit', 'Quit', { kind: 'quit' }),
  ];
}

/** Lines above the account list: DEMO, paused, and anything that stops rotation. */
function statusLines(snapshot: FleetSnapshot, nowMs: number): TrayMenuItem[] {
  const lines: TrayMenuItem[] = [];
  if (snapshot.demo) lines.push(info('demo', 'DEMO: simulated fleet'));
  if (snapshot.accounts.length === 0) lines.push(info('status', 'No accounts yet: open the dashboard to add one'));
  else if (isFleetExhausted(snapshot)) lines.push(info('status', exhaustedLine(snapshot, nowMs)));
  else if (!activeRow(snapshot)) lines.push(info('status', 'No active account'));
  if (snapshot.paused) lines.push(info('paused', 'Rotation paused'));
  const guard = toGuardLine(snapshot);
  if (guard) lines.push(info('session-owner-guard', guard));
  return lines;
}

/** An account in rotation order: `▶ one@example.com  7d 42% · 5h 10%`, with what matters most. */
function accountLine(snapshot: FleetSnapshot, row: AccountRow, nowMs: number): string {
  const marker = row.active ? '▶ ' : '';
  const next = row.id === snapshot.nextInLine?.accountId ? ' · next' : '';
  const stale = row.stale && row.usageReadAtMs !== null ? ` · ${formatDuration(nowMs - row.usageReadAtMs)} old` : '';
  const name = `${marker}${displayName(row)}`;
  if (row.orderGroup === 'unusable') return `${name}  ${row.statusText}`;
  const figures = `7d ${pct(row.sevenDay.utilizationPct)} · 5h ${pct(row.fiveHour.utilizationPct)}`;
  if (row.orderGroup === 'exhausted') {
    const back = row.sevenDay.resetsAtMs !== null ? ` · back in ${formatDuration(row.sevenDay.resetsAtMs - nowMs)}` : '';
    return `${name}  ${figures}${back}${stale}`;
  }
  return `${name}  ${figures}${stale}${next}`;
}

function switchSubmenu(snapshot: FleetSnapshot): TrayMenuItem {
  const items = snapshot.accounts.map((row): TrayMenuItem => {
    const blocked = row.orderGroup === 'unusable' ? ` (${row.statusText})` : row.orderGroup === 'exhausted' ? ' (exhausted)' : '';
    return {
      kind: 'item',
      id: `switch-to:${row.id}`,
      label: `${displayName(row)}${blocked}`,
      enabled: !row.active && row.orderGroup === 'usable',
      checked: row.active,
      command: { kind: 'switch-to', accountId: row.id },
    };
  });
  return { kind: 'item', id: 'switch-to', label: 'Switch to…', enabled: items.length > 0, command: null, submenu: items };
}

function activeRow(snapshot: FleetSnapshot): AccountRow | undefined {
  return snapshot.accounts.find((a) => a.id === snapshot.activeAccountId);
}

function displayName(row: AccountRow): string {
  return truncate(row.label ? `${row.label} (${row.email})` : row.email, NAME_MAX_CHARS);
}

/** Percent floored, so 99.6 % never reads as a full window; `—` when not reported. */
function pct(utilizationPct: number | null): string {
  return utilizationPct === null || !Number.isFinite(utilizationPct) ? '—' : `${Math.floor(utilizationPct)}%`;
}

function truncate(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`;
}

const SEPARATOR: TrayMenuItem = { kind: 'separator' };

function info(id: string, label: string): TrayMenuItem {
  return { kind: 'item', id, label, enabled: false, command: null };
}

function action(id: string, label: string, command: TrayCommand): TrayMenuItem {
  return { kind: 'item', id, label, enabled: true, command };
}

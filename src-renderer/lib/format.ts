/**
 * How the dashboard writes figures: percents, countdowns, ages, clock times and usage levels.
 * Pure functions of their inputs (the caller passes `nowMs`), so they are tested without a clock.
 */
import { formatDuration } from '../../src-main/shared/format.js';
import { LEVEL_THRESHOLDS_PCT, levelOfPct, type QuotaLevel } from '../../src-main/shared/levels.js';
import type { RefreshPath, SessionState, TokenHealth } from '../../src-main/shared/view-model.js';

/** The placeholder for a figure that does not exist (no window open, never read). */
export const NONE = '—';

/**
 * A utilization as the table shows it: rounded to a whole percent (`42%`), `—` when unknown.
 * Values just under 100 never round up to `100%` (that would read as exhausted when it is not).
 */
export function formatPct(pct: number | null): string {
  if (pct === null || !Number.isFinite(pct)) return NONE;
  const rounded = pct < 100 ? Math.min(99, Math.round(pct)) : Math.round(pct);
  return `${Math.max(0, rounded)}%`;
}

/** Time left until `atMs` (`3d 9h`, `4h 26m`, `12m`, `45s`); `now` once passed, `—` when null. */
export function formatCountdown(atMs: number | null, nowMs: number): string {
  if (atMs === null) return NONE;
  const leftMs = atMs - nowMs;
  return leftMs <= 0 ? 'now' : formatDuration(leftMs);
}

/** How long ago `atMs` was (`12m ago`); `just now` under 5 s, `never` when null. */
export function formatAge(atMs: number | null, nowMs: number): string {
  if (atMs === null) return 'never';
  const ageMs = nowMs - atMs;
  return ageMs < 5_000 ? 'just now' : `${formatDuration(ageMs)} ago`;
}

/** When a token expires, relative to now: `in 7h 59m`, or `expired 3m ago`; `—` when unknown. */
export function formatExpiry(atMs: number | null, nowMs: number): string {
  if (atMs === null) return NONE;
  return atMs > nowMs ? `in ${formatDuration(atMs - nowMs)}` : `expired ${formatDuration(nowMs - atMs)} ago`;
}

const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
const DATE_TIME = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** A wall-clock time: `14:05:09` today, `Nov 24, 14:05` on another day; `—` when null. */
export function formatClock(atMs: number | null, nowMs: number): string {
  if (atMs === null) return NONE;
  const sameDay = new Date(atMs).toDateString() === new Date(nowMs).toDateString();
  return sameDay ? TIME.format(atMs) : DATE_TIME.format(atMs);
}

/**
 * A usage level for colouring, from the shared levels (`src-main/shared/levels.ts`) so bars and the
 * tray never disagree: `ok` below 75 %, `high` from 75 %, `critical` from 90 %, `exhausted` at
 * 100 % or more; plus `unknown` when there is no figure (the bar stays grey).
 */
export type UsageLevel = 'unknown' | QuotaLevel;

export const LEVEL_HIGH_PCT = LEVEL_THRESHOLDS_PCT.high;
export const LEVEL_CRITICAL_PCT = LEVEL_THRESHOLDS_PCT.critical;

/** The level of a utilization (see {@link UsageLevel}). */
export function toUsageLevel(pct: number | null): UsageLevel {
  if (pct === null || !Number.isFinite(pct)) return 'unknown';
  return levelOfPct(pct);
}

/** The width of a usage bar in percent of its track, clamped to 0–100. */
export function toBarPct(pct: number | null): number {
  if (pct === null || !Number.isFinite(pct)) return 0;
  return Math.min(100, Math.max(0, pct));
}

/** The Token column's words for a health state (PRODUCT §3); `healthy` shows the fingerprint. */
export function formatTokenHealth(health: TokenHealth, fingerprint: string): string {
  switch (health) {
    case 'healthy':
      return fingerprint;
    case 'expiring':
      return 'expiring';
    case 'refreshing':
      return 'refreshing…';
    case 'expired-exhausted':
      return 'expired (7d exhausted)';
    case 'needs-login':
      return 'needs login';
  }
}

/** What the user can do about a token state, for a tooltip. */
export function describeTokenHealth(health: TokenHealth): string {
  switch (health) {
    case 'healthy':
      return 'Healthy: the stored token is valid.';
    case 'expiring':
      return 'Expires within the hour; it will be refreshed ahead of time.';
    case 'refreshing':
      return 'Expired; a refresh is under way or scheduled.';
    case 'expired-exhausted':
      return 'Expired on purpose: the refresh waits until the 7-day window resets and the account is usable again.';
    case 'needs-login':
      return 'The refresh was rejected. Log in to this account in Claude Code (/login), then import it again.';
  }
}

/** The tag of a refresh path, in brackets as the Refreshed column shows it. */
export function formatRefreshPath(path: RefreshPath | null): string {
  return path === null ? '' : `[${path}]`;
}

/** A session's state with its elapsed time: `idle`, `in turn 2m`, `tool: Bash 45s`. */
export function formatSessionState(state: SessionState, nowMs: number): string {
  switch (state.kind) {
    case 'idle':
      return 'idle';
    case 'in-turn':
      return `in turn ${formatDuration(nowMs - state.sinceMs)}`;
    case 'tool':
      return `tool: ${state.toolName} ${formatDuration(nowMs - state.sinceMs)}`;
  }
}

/** The first 8 characters of an id, enough to tell sessions apart. */
export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

/** The last folder of a path (`/src/app` → `app`), for the project column. */
export function projectName(cwd: string): string {
  const parts = cwd.split(/[\\/]/).filter((p) => p !== '');
  return parts.at(-1) ?? cwd;
}

/** A whole number of minutes from milliseconds, for settings fields. */
export function msToMinutes(ms: number): number {
  return Math.round(ms / 60_000);
}

/** A countdown precise to the second under an hour (`3m 07s`), for the header's live countdown. */
export function formatCountdownPrecise(atMs: number | null, nowMs: number): string {
  if (atMs === null) return NONE;
  const leftMs = atMs - nowMs;
  if (leftMs <= 0) return 'now';
  if (leftMs >= 3_600_000) return formatDuration(leftMs);
  const seconds = Math.floor(leftMs / 1000);
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
}

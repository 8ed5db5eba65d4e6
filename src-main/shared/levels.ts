/**
 * Quota levels: the one place that says when a figure turns `high`, `critical` or `exhausted`.
 * The tray icon, the notifications and the dashboard's colours all read these, so a bar and the
 * tray never disagree. Pure; no Node or DOM imports (shared/ runs in the renderer too).
 */
import type { AccountRow, FleetSnapshot } from './view-model.js';

export type QuotaLevel = 'ok' | 'high' | 'critical' | 'exhausted';

/** Every level, least severe first. */
export const QUOTA_LEVELS = ['ok', 'high', 'critical', 'exhausted'] as const satisfies readonly QuotaLevel[];

/** Utilization (%) at or above which a window reaches each level. */
export const LEVEL_THRESHOLDS_PCT = { high: 75, critical: 90, exhausted: 100 } as const;

/** The level of one utilization figure; `null` (not reported) counts as `ok`. */
export function levelOfPct(utilizationPct: number | null): QuotaLevel {
  if (utilizationPct === null || !Number.isFinite(utilizationPct)) return 'ok';
  if (utilizationPct >= LEVEL_THRESHOLDS_PCT.exhausted) return 'exhausted';
  if (utilizationPct >= LEVEL_THRESHOLDS_PCT.critical) return 'critical';
  if (utilizationPct >= LEVEL_THRESHOLDS_PCT.high) return 'high';
  return 'ok';
}

/** The more severe of two levels. */
export function worseLevel(a: QuotaLevel, b: QuotaLevel): QuotaLevel {
  return QUOTA_LEVELS.indexOf(a) >= QUOTA_LEVELS.indexOf(b) ? a : b;
}

/**
 * One account's level: the worse of its 7d and 5h figures. A full 5h window is only `critical` —
 * it comes back within hours — while a full 7d window (or the `exhausted` rotation group) is
 * `exhausted`.
 */
export function accountLevel(row: Pick<AccountRow, 'sevenDay' | 'fiveHour' | 'orderGroup'>): QuotaLevel {
  if (row.orderGroup === 'exhausted') return 'exhausted';
  const fiveHour = levelOfPct(row.fiveHour.utilizationPct);
  return worseLevel(levelOfPct(row.sevenDay.utilizationPct), fiveHour === 'exhausted' ? 'critical' : fiveHour);
}

/** True when the fleet has accounts but none of them is usable (PRODUCT §2 "All exhausted"). */
export function isFleetExhausted(snapshot: Pick<FleetSnapshot, 'accounts'>): boolean {
  return snapshot.accounts.length > 0 && !snapshot.accounts.some((a) => a.orderGroup === 'usable');
}

/**
 * The first exhausted account to come back (rotation order puts the soonest first) and when;
 * null when no account is exhausted or its reset time is unknown.
 */
export function firstComeback(snapshot: Pick<FleetSnapshot, 'accounts'>): { readonly row: AccountRow; readonly atMs: number } | null {
  for (const row of snapshot.accounts) {
    if (row.orderGroup === 'exhausted' && row.sevenDay.resetsAtMs !== null) return { row, atMs: row.sevenDay.resetsAtMs };
  }
  return null;
}

/**
 * The level the tray shows for the whole fleet: `exhausted` only when no account is usable (a
 * spent active account with others to take over is `critical`: rotation is about to move on),
 * else the active account's level; `ok` when no account is active yet.
 */
export function fleetLevel(snapshot: Pick<FleetSnapshot, 'accounts' | 'activeAccountId'>): QuotaLevel {
  if (isFleetExhausted(snapshot)) return 'exhausted';
  const active = snapshot.accounts.find((a) => a.id === snapshot.activeAccountId);
  if (!active) return 'ok';
  const level = accountLevel(active);
  return level === 'exhausted' ? 'critical' : level;
}

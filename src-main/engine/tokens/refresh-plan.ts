/** When the token keeper should refresh one account, as a pure decision. */
import type { VaultRecord } from '../vault/credentials.js';
import { isWindowExhausted, toEffectiveWindow } from '../usage/effective-window.js';

/** Why a refresh runs; logged and passed to listeners. */
export type RefreshReason = 'ahead-of-expiry' | 'expired' | 'after-7d-reset' | 'before-activation' | 'manual';

/** Backoff after consecutive transient refresh failures; the last step repeats (≤ 1 attempt an hour). */
export const REFRESH_RETRY_DELAYS_MS: readonly number[] = [60_000, 5 * 60_000, 15 * 60_000, 30 * 60_000, 60 * 60_000];

/**
 * A login the keeper refreshed itself is not refreshed again sooner than this, whatever lifetime the
 * token endpoint answered: a missing or tiny `expires_in` must not turn into a refresh loop.
 */
export const MIN_REFRESH_INTERVAL_MS = 30 * 60_000;

/** Lifetimes the token endpoint plausibly answers (the real one: 8 h); outside them an event says so. */
export const PLAUSIBLE_LIFETIME_MS = { min: 2 * 3_600_000, max: 48 * 3_600_000 } as const;

export function isPlausibleLifetime(lifetimeMs: number): boolean {
  return lifetimeMs >= PLAUSIBLE_LIFETIME_MS.min && lifetimeMs <= PLAUSIBLE_LIFETIME_MS.max;
}

/** The delay before retry number `failures` (1-based) after a transient failure. */
export function toRefreshRetryDelayMs(failures: number): number {
  const index = Math.min(Math.max(failures, 1), REFRESH_RETRY_DELAYS_MS.length) - 1;
  return REFRESH_RETRY_DELAYS_MS[index] ?? 60 * 60_000;
}

export interface RefreshPlanInput {
  readonly record: VaultRecord | null;
  readonly enabled: boolean;
  /** True while Claude Code owns the account's token (it refreshes it itself). */
  readonly ownedByClaudeCode: boolean;
  /** True when this record's refresh token was already rejected (invalid_grant). */
  readonly refreshRejected: boolean;
  readonly sevenDayPct: number | null;
  readonly sevenDayResetsAtMs: number | null;
  readonly nowMs: number;
  readonly aheadMs: number;
  /** The transient-failure backoff, if one holds. */
  readonly retryAtMs: number | null;
}

export type RefreshPlan =
  | { readonly kind: 'skip'; readonly why: 'no-login' | 'needs-login' | 'disabled' | 'owned' | 'exhausted' }
  | { readonly kind: 'at'; readonly atMs: number; readonly reason: RefreshReason };

/**
 * Decides when to refresh: `aheadMs` before expiry (at once when already expired; for a login the
 * keeper refreshed itself at most half its lifetime ahead and never within {@link MIN_REFRESH_INTERVAL_MS}
 * of that refresh), never for a dead
 * or missing login, a disabled account or one Claude Code owns. An account at 7d ≥ 100 % waits for
 * its 7-day reset (refreshing a login nobody can use only spends single-use refresh tokens); with
 * no known reset it waits until one is known. A transient-failure backoff pushes the time back.
 */
export function decideRefresh(input: RefreshPlanInput): RefreshPlan {
  const { record, nowMs } = input;
  if (record === null) return { kind: 'skip', why: 'no-login' };
  if (record.needsLogin || input.refreshRejected) return { kind: 'skip', why: 'needs-login' };
  if (!input.enabled) return { kind: 'skip', why: 'disabled' };
  if (input.ownedByClaudeCode) return { kind: 'skip', why: 'owned' };
  const expiresAtMs = record.credentials.expiresAtMs;
  // After our own refresh the token's lifetime is known: plan at most half-way through it, and never
  // sooner than the minimum interval (a lifetime floor that stops refresh loops).
  const ownRefreshAtMs = record.refreshPath === 'auto' ? record.refreshedAtMs : null;
  const aheadMs = ownRefreshAtMs === null ? input.aheadMs : Math.min(input.aheadMs, Math.max(0, (expiresAtMs - ownRefreshAtMs) / 2));
  let atMs = expiresAtMs - aheadMs;
  if (ownRefreshAtMs !== null) atMs = Math.max(atMs, ownRefreshAtMs + MIN_REFRESH_INTERVAL_MS);
  let reason: RefreshReason = expiresAtMs <= nowMs ? 'expired' : 'ahead-of-expiry';
  const sevenDay = toEffectiveWindow({ utilizationPct: input.sevenDayPct, resetsAtMs: input.sevenDayResetsAtMs }, nowMs);
  if (isWindowExhausted(sevenDay)) {
    if (sevenDay?.resetsAtMs == null) return { kind: 'skip', why: 'exhausted' };
    if (sevenDay.resetsAtMs > atMs) {
      atMs = sevenDay.resetsAtMs;
      reason = 'after-7d-reset';
    }
  }
  if (input.retryAtMs !== null && input.retryAtMs > atMs) atMs = input.retryAtMs;
  return { kind: 'at', atMs, reason };
}

/** The Token column's health word (PRODUCT §3), decided from the stored record alone. */
import type { TokenHealth } from '../../shared/view-model.js';
import type { VaultRecord } from '../vault/credentials.js';

export interface TokenHealthInput {
  /** The vault record; null when the account has no stored login. */
  readonly record: VaultRecord | null;
  readonly nowMs: number;
  /** How long before expiry a token counts as `expiring` (setting `tokenRefreshAheadMs`, 1 h). */
  readonly aheadMs: number;
  /** Effective 7-day utilization (past resets already applied); null when unknown. */
  readonly sevenDayPct: number | null;
  /** True while the token keeper is refreshing this account. */
  readonly refreshInFlight: boolean;
}

/**
 * Decides the token health shown in the Token column:
 * - `needs-login` only when a refresh was rejected (`record.needsLogin`), or when no login is
 *   stored at all (there is nothing to refresh; the fix is the same: log in);
 * - `refreshing` while a refresh is under way — checked before the exhausted case because a
 *   refresh that is running is, by definition, not deferred;
 * - `expired-exhausted` when expired and 7d ≥ 100 %: refresh is deferred until the account is
 *   usable again;
 * - `refreshing` when expired otherwise (a refresh is scheduled);
 * - `expiring` when it expires within `aheadMs`; else `healthy`.
 */
export function toTokenHealth(input: TokenHealthInput): TokenHealth {
  const { record, nowMs, aheadMs, sevenDayPct, refreshInFlight } = input;
  if (record === null || record.needsLogin) return 'needs-login';
  if (refreshInFlight) return 'refreshing';
  const expiresAtMs = record.credentials.expiresAtMs;
  if (expiresAtMs <= nowMs) {
    return sevenDayPct !== null && sevenDayPct >= 100 ? 'expired-exhausted' : 'refreshing';
  }
  if (expiresAtMs - nowMs <= aheadMs) return 'expiring';
  return 'healthy';
}

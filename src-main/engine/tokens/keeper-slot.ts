/**
 * The token keeper's per-account state (a "slot"): the refresh in flight, the transient-failure
 * backoff, a rejected refresh token, and a refreshed login whose vault write has not succeeded yet
 * — plus the writer that saves that login (vault first, else the fallback place) and retries.
 */
import { err, ok, type Result } from '../../shared/result.js';
import type { Clock, Logger } from '../ports.js';
import { fingerprint, type OAuthCredentials, type VaultRecord } from '../vault/credentials.js';
import type { KeeperError, TokenKeeperDeps } from './keeper-types.js';
import { toRefreshRetryDelayMs } from './refresh-plan.js';

/** Retry delays for a vault write that failed after a refresh; the last one repeats, forever. */
const WRITE_RETRY_DELAYS_MS = [5_000, 30_000, 60_000, 5 * 60_000];

export interface Slot {
  inFlight: Promise<Result<VaultRecord, KeeperError>> | null;
  failures: number;
  retryAtMs: number | null;
  /** Fingerprint of the refresh token that `failures` counts against. */
  failedRefreshFp: string | null;
  /** Fingerprint of a refresh token the server rejected: never sent again. */
  rejectedRefreshFp: string | null;
  unsaved: VaultRecord | null;
  /** The credentials the unsaved record's refresh replaced. */
  replaced: OAuthCredentials | null;
  /** Where the unsaved record was put when the vault refused it (the fallback file), if anywhere. */
  fallbackFile: string | null;
  writeFailures: number;
  writeRetryAtMs: number | null;
}

export function newSlot(): Slot {
  return {
    inFlight: null,
    failures: 0,
    retryAtMs: null,
    failedRefreshFp: null,
    rejectedRefreshFp: null,
    unsaved: null,
    replaced: null,
    fallbackFile: null,
    writeFailures: 0,
    writeRetryAtMs: null,
  };
}

/**
 * Starts or extends the transient backoff. `refreshFp` ties it to one refresh token (a new login
 * escapes it); null ties it to whatever is stored (the failure happened before reading it).
 * Returns the delay.
 */
export function backOff(slot: Slot, refreshFp: string | null, nowMs: number): number {
  if (slot.failedRefreshFp !== refreshFp) slot.failures = 0;
  slot.failures++;
  slot.failedRefreshFp = refreshFp;
  const delayMs = toRefreshRetryDelayMs(slot.failures);
  slot.retryAtMs = nowMs + delayMs;
  return delayMs;
}

/** Calls a listener; a throw is logged, never passed on. */
export function callSafely(logger: Logger, fn: () => void, what: string, accountId: string): void {
  try {
    fn();
  } catch (e) {
    logger.error(`token keeper ${what} listener threw`, { accountId, error: String(e) });
  }
}

export type UnsavedWriter = (id: string, slot: Slot) => Promise<Result<VaultRecord, KeeperError>>;

/**
 * Writes a slot's refreshed record; on failure keeps it in memory, saves it to the fallback place
 * once, and schedules another try.
 */
export function createUnsavedWriter(
  deps: Pick<TokenKeeperDeps, 'vault' | 'logger' | 'fallback' | 'onRefreshed' | 'onUnsaved'> & { readonly clock: Clock },
): UnsavedWriter {
  const { vault, logger, clock } = deps;
  return async (id, slot) => {
    const record = slot.unsaved;
    if (!record) return err({ kind: 'vault-failed', message: 'nothing to write' });
    const written = await vault.write(id, record);
    if (written.ok) {
      if (slot.fallbackFile !== null) await deps.fallback?.remove(id);
      const replaced = slot.replaced;
      Object.assign(slot, { unsaved: null, replaced: null, fallbackFile: null, writeFailures: 0, writeRetryAtMs: null });
      callSafely(logger, () => deps.onRefreshed(id, record, replaced), 'onRefreshed', id);
      return ok(record);
    }
    slot.writeFailures++;
    const delayMs = WRITE_RETRY_DELAYS_MS[Math.min(slot.writeFailures, WRITE_RETRY_DELAYS_MS.length) - 1] ?? 300_000;
    slot.writeRetryAtMs = clock.now() + delayMs;
    // The old refresh token is dead now: losing this record would lose the login.
    logger.error('VAULT WRITE FAILED after a token refresh; the new login is kept in memory and the write will be retried', {
      accountId: id,
      fingerprint: fingerprint(record.credentials.accessToken),
      attempt: slot.writeFailures,
      retryInMs: delayMs,
      error: written.error.message,
    });
    if (slot.fallbackFile === null && deps.fallback) {
      const saved = await deps.fallback.save(id, record);
      slot.fallbackFile = saved.ok ? saved.value : null;
      if (!saved.ok) logger.error('THE REFRESHED LOGIN COULD NOT BE SAVED ANYWHERE', { accountId: id, error: saved.error.message });
      callSafely(logger, () => deps.onUnsaved?.(id, saved.ok ? saved.value : null), 'onUnsaved', id);
    }
    return err({ kind: 'vault-failed', message: `the refreshed login could not be saved: ${written.error.message}` });
  };
}

/**
 * A hub refreshes the active account's token itself (PRODUCT §9): no Claude Code anywhere — on
 * this machine or on an agent's — should ever reach its own refresh threshold
 * ({@link CLAUDE_CODE_REFRESH_THRESHOLD_MS}, 5 min before expiry), because two machines refreshing
 * one account spend one single-use refresh token twice and log each other out. After the token
 * keeper saved the refreshed login, it is written where this machine's Claude Code reads it, under
 * Claude Code's locks, only while the store still holds the login the refresh replaced (a switch,
 * a `/login` or Claude Code's own refresh in between wins); the hub then pushes it to every agent.
 */
import { err, ok } from '../../shared/result.js';
import { CLAUDE_CODE_REFRESH_THRESHOLD_MS } from '../claude-code/claude-refresh-threshold.js';
import type { CredentialTarget } from '../claude-code/credential-targets/credential-target.js';
import type { Clock, Logger } from '../ports.js';
import { fingerprint, type OAuthCredentials, type VaultRecord } from '../vault/credentials.js';

/**
 * The active account is refreshed at least this long before its token expires: Claude Code's own
 * threshold plus a margin for a slow token endpoint, a retry and the push to every machine.
 */
export const ACTIVE_REFRESH_MIN_AHEAD_MS = CLAUDE_CODE_REFRESH_THRESHOLD_MS + 25 * 60_000;

/** How long before expiry the hub refreshes the active account: the setting, never less than the minimum. */
export function activeRefreshAheadMs(settingAheadMs: number): number {
  return Math.max(settingAheadMs, ACTIVE_REFRESH_MIN_AHEAD_MS);
}

export type ActiveLoginWrite = 'written' | 'already-held' | 'store-changed' | 'failed';

/**
 * Writes a refreshed login of the active account into Claude Code's store, only while the store
 * still holds the login the refresh replaced (`replaced`; null when unknown: then nothing is replaced).
 */
export async function writeRefreshedActiveLogin(
  target: CredentialTarget,
  logger: Logger,
  accountId: string,
  fresh: OAuthCredentials,
  replaced: OAuthCredentials | null,
  writing?: (accountId: string, credentials: OAuthCredentials) => void,
): Promise<ActiveLoginWrite> {
  let outcome: ActiveLoginWrite = 'written';
  const written = await target.write(fresh, {
    secureCurrent: async (current) => {
      if (current !== null && current.accessToken === fresh.accessToken) {
        outcome = 'already-held';
        return err({ message: 'it already holds this login' });
      }
      const holdsReplaced =
        current !== null &&
        replaced !== null &&
        (current.refreshToken === replaced.refreshToken || current.accessToken === replaced.accessToken);
      if (holdsReplaced) {
        writing?.(accountId, fresh);
        return ok(undefined);
      }
      outcome = 'store-changed';
      return err({ message: 'it holds another login now' });
    },
  });
  if (written.ok) {
    logger.info('wrote the refreshed login of the active account where Claude Code reads it', {
      accountId,
      fingerprint: fingerprint(fresh.accessToken),
    });
    return 'written';
  }
  if (outcome === 'written') {
    logger.error('could not write the refreshed login where Claude Code reads it', { accountId, reason: written.error.message });
    return 'failed';
  }
  if (outcome === 'store-changed') {
    logger.info('Claude Code holds another login than the one refreshed; the refreshed one stays in the vault', { accountId });
  }
  return outcome;
}

/** Delays before another try at a write that failed (locked, I/O); then the hub gives up and says so. */
const ACTIVE_WRITE_RETRY_DELAYS_MS = [5_000, 30_000, 60_000, 5 * 60_000];

export interface ActiveLoginPusherDeps {
  readonly target: CredentialTarget;
  readonly logger: Logger;
  readonly clock: Clock;
  /** True while `record` is still the account's newest login and the account is still active. */
  readonly stillCurrent: (accountId: string, record: VaultRecord) => boolean;
  readonly onWritten: (accountId: string) => void;
  /** Told the login about to be written, before the write (custody: that write is ours). */
  readonly writing?: (accountId: string, credentials: OAuthCredentials) => void;
}

/**
 * Writes each refreshed login of the active account into Claude Code's store, retrying a failed
 * write (the vault has moved on: leaving Claude Code on the spent refresh token would make it reuse
 * it when its token runs out) while the login is still the newest and the account still active.
 * Resolves after the first try.
 */
export function createActiveLoginPusher(
  deps: ActiveLoginPusherDeps,
): (accountId: string, record: VaultRecord, replaced: OAuthCredentials | null) => Promise<void> {
  const attempt = async (accountId: string, record: VaultRecord, replaced: OAuthCredentials | null, tries: number): Promise<void> => {
    const outcome = await writeRefreshedActiveLogin(deps.target, deps.logger, accountId, record.credentials, replaced, deps.writing);
    if (outcome === 'written') return deps.onWritten(accountId);
    if (outcome !== 'failed') return;
    const delayMs = ACTIVE_WRITE_RETRY_DELAYS_MS[tries];
    if (delayMs === undefined) {
      deps.logger.error('gave up writing the refreshed login where Claude Code reads it', { accountId, attempts: tries + 1 });
      return;
    }
    deps.clock.setTimeout(() => {
      if (deps.stillCurrent(accountId, record)) void attempt(accountId, record, replaced, tries + 1);
    }, delayMs);
  };
  return (accountId, record, replaced) => attempt(accountId, record, replaced, 0);
}

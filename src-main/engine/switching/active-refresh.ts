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
import type { Logger } from '../ports.js';
import { fingerprint, type OAuthCredentials } from '../vault/credentials.js';

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
 * Writes a refreshed login of the active account into Claude Code's store, if the store still
 * holds the login the refresh replaced (`replaced`; null: unknown, then only an expired or
 * same-account-older login is replaced — never a foreign one).
 */
export async function writeRefreshedActiveLogin(
  target: CredentialTarget,
  logger: Logger,
  accountId: string,
  fresh: OAuthCredentials,
  replaced: OAuthCredentials | null,
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
      if (holdsReplaced) return ok(undefined);
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

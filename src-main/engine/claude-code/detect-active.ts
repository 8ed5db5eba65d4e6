/** Which vault account Claude Code is using now, and whether its copy should flow back to the vault. */
import type { OAuthCredentials, VaultRecord } from '../vault/credentials.js';

export type ActiveMatch = 'access-token' | 'refresh-token' | 'oauth-account';

export interface DetectActiveInput {
  /** The login Claude Code holds; null when none could be read. */
  readonly claude: OAuthCredentials | null;
  /** `oauthAccount.accountUuid` from `.claude.json`; null when absent. */
  readonly oauthAccountUuid: string | null;
  /** Every account with its stored credentials (null when the vault has none). */
  readonly vault: readonly { readonly id: string; readonly credentials: OAuthCredentials | null }[];
}

export interface ActiveAccount {
  readonly accountId: string;
  readonly matchedBy: ActiveMatch;
}

/**
 * Finds the active account, in this precedence: an account whose stored access token equals
 * Claude Code's; else one whose refresh token does (Claude Code refreshed, the refresh token has
 * not rotated yet in our copy, or vice versa); else the account whose id is the `oauthAccount`
 * uuid (the identity Claude Code shows, even when the tokens have moved on). Null when none match.
 */
export function detectActiveAccount(input: DetectActiveInput): ActiveAccount | null {
  const { claude, vault } = input;
  if (claude) {
    const byAccess = vault.find((v) => v.credentials?.accessToken === claude.accessToken);
    if (byAccess) return { accountId: byAccess.id, matchedBy: 'access-token' };
    const byRefresh = vault.find((v) => v.credentials?.refreshToken === claude.refreshToken);
    if (byRefresh) return { accountId: byRefresh.id, matchedBy: 'refresh-token' };
  }
  if (input.oauthAccountUuid !== null) {
    const byUuid = vault.find((v) => v.id === input.oauthAccountUuid);
    if (byUuid) return { accountId: byUuid.id, matchedBy: 'oauth-account' };
  }
  return null;
}

/**
 * True when Claude Code's credentials for the matched account should be copied into the vault:
 * they differ from the stored ones and expire later (Claude Code refreshed, or the user logged in
 * again). A stale copy never overwrites a newer one; with no stored record, Claude Code's copy wins.
 * Never an access-token-only login (what an agent of a hub holds): it has nothing to keep and the
 * vault stores only logins with a refresh token.
 */
export function shouldHarvest(vaultRecord: VaultRecord | null, claude: OAuthCredentials): boolean {
  if (claude.refreshToken === '') return false;
  if (vaultRecord === null) return true;
  const stored = vaultRecord.credentials;
  const differs = stored.accessToken !== claude.accessToken || stored.refreshToken !== claude.refreshToken;
  return differs && claude.expiresAtMs > stored.expiresAtMs;
}

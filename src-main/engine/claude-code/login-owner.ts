/**
 * Whose login Claude Code holds: by its tokens when they are in the vault, else by asking the
 * profile endpoint once per access token (answers are remembered by fingerprint).
 */
import { err, ok, type Result } from '../../shared/result.js';
import type { AnthropicClient } from '../anthropic/api-types.js';
import type { Logger } from '../ports.js';
import { fingerprint, type OAuthCredentials } from '../vault/credentials.js';
import { detectActiveAccount } from './detect-active.js';
import { vaultLogins, type TrackedAccounts } from './harvest-login.js';

export interface LoginOwnerDeps {
  readonly logger: Logger;
  readonly client: Pick<AnthropicClient, 'getProfile'>;
  readonly accounts: TrackedAccounts;
}

export interface LoginOwners {
  /** When only `oauthAccount` names the account, makes sure the token really is that account's (false when unknown yet). */
  tokenBelongsTo(accountId: string, credentials: OAuthCredentials): Promise<boolean>;
  /** Whose login `claude` is; null when not ours; an error when it cannot be told right now. */
  ownerOf(claude: OAuthCredentials): Promise<Result<string | null, { readonly message: string }>>;
  /** The account `claude` belongs to, ours or not; null when its token is rejected; an error when it cannot be told right now. */
  accountOf(claude: OAuthCredentials): Promise<Result<string | null, { readonly message: string }>>;
}

/** Creates the owner lookup with its own memory of verified tokens. */
export function createLoginOwners(deps: LoginOwnerDeps): LoginOwners {
  /** Access tokens already verified (or rejected) as belonging to an account, by fingerprint. */
  const verified = new Map<string, string | null>();

  async function accountOf(claude: OAuthCredentials): Promise<Result<string | null, { readonly message: string }>> {
    const byToken = detectActiveAccount({ claude, oauthAccountUuid: null, vault: vaultLogins(deps.accounts()) });
    if (byToken) return ok(byToken.accountId);
    // Both tokens are new to us: Claude Code refreshed (they rotate together), or it is another login.
    const key = fingerprint(claude.accessToken);
    const known = verified.get(key);
    if (known !== undefined) return ok(known);
    const profile = await deps.client.getProfile(claude.accessToken);
    if (profile.ok) {
      verified.set(key, profile.value.accountUuid);
      return ok(profile.value.accountUuid);
    }
    if (profile.error.kind === 'unauthorized') {
      deps.logger.warn('Claude Code holds a login whose access token is rejected; it cannot be identified', {
        token: fingerprint(claude.accessToken),
      });
      return ok(null);
    }
    return err({ message: `cannot tell whose login Claude Code holds now (${profile.error.kind}); try again shortly` });
  }

  return {
    accountOf,
    async tokenBelongsTo(accountId, credentials) {
      const key = fingerprint(credentials.accessToken);
      if (verified.has(key)) return verified.get(key) === accountId;
      const profile = await deps.client.getProfile(credentials.accessToken);
      if (!profile.ok) return false; // unknown for now; try again on a later check
      verified.set(key, profile.value.accountUuid);
      return profile.value.accountUuid === accountId;
    },
    async ownerOf(claude) {
      const owner = await accountOf(claude);
      if (!owner.ok) return owner;
      const id = owner.value;
      return ok(id !== null && deps.accounts().some((a) => a.id === id) ? id : null);
    },
  };
}

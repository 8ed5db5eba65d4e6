/** What the account service needs from the engine, and the summary it returns for an account. */
import type { Result } from '../../shared/result.js';
import type { AccountSummary } from '../engine-types.js';
import type { AnthropicClient, Profile } from '../anthropic/api-types.js';
import type { EngineEvents } from '../engine-events.js';
import type { Clock } from '../ports.js';
import type { StateStore } from '../storage/store-port.js';
import type { AccountMeta } from '../storage/state-schema.js';
import type { OAuthCredentials } from '../vault/credentials.js';
import type { Vault } from '../vault/vault-types.js';

export interface AccountServiceDeps {
  readonly clock: Clock;
  readonly client: Pick<AnthropicClient, 'getProfile'>;
  readonly vault: Vault;
  readonly store: StateStore;
  readonly events: EngineEvents;
  /** Reads the login Claude Code holds now (credentials file or macOS keychain). */
  readonly readClaudeLogin: () => Promise<Result<OAuthCredentials, { readonly message: string }>>;
  /** Parses credentials JSON in Claude Code's file shape or the inner `claudeAiOauth` object. */
  readonly parseCredentialsJson: (json: string) => Result<OAuthCredentials, { readonly message: string }>;
  readonly toPlan: (profile: Profile, credentials: OAuthCredentials) => string | null;
  /** Called after any change, with the ids whose login changed (so the poller can retry them). */
  readonly onChanged: (loginChangedIds: readonly string[]) => void;
}

/** The secret-free face of an account, with what an import did when there was one. */
export function toAccountSummary(m: AccountMeta, outcome?: AccountSummary['outcome']): AccountSummary {
  return {
    id: m.id,
    email: m.email,
    label: m.label,
    enabled: m.enabled,
    plan: m.plan,
    ...(outcome ? { outcome } : {}),
  };
}

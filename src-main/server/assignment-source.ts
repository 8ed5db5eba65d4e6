/**
 * What the hub assigns to every machine: the login this machine's Claude Code holds for the active
 * account — the one the switcher just wrote and verified, or the token keeper / tracker kept fresh —
 * read back from the same credential targets a local switch writes. And where a login another
 * machine's Claude Code refreshed goes (`harvest`): into the vault, and into this machine's store
 * when it is the active account and the store does not already hold something newer.
 */
import {
  type CredentialTarget,
  type Engine,
  fingerprint,
  type IdentityTarget,
  type Logger,
  type OAuthCredentials,
  toClaudeAiOauth,
} from '../engine/index.js';
import { err, ok } from '../shared/result.js';
import { type AgentLogin, toAgentLogin, type WireIdentity, type WireLogin } from '../shared/machines-protocol.js';

export interface Assignment {
  readonly accountId: string;
  /** What agents are sent: the access token and what goes with it, never the refresh token. */
  readonly login: AgentLogin;
  readonly identity: WireIdentity | null;
  /** Fingerprint of the access token. */
  readonly fingerprint: string;
}

export type HarvestOutcome = 'stored' | 'kept-newer' | 'refused';

export interface AssignmentSource {
  /** The login to hold now; null when no account is active or the store cannot be read. */
  current(): Promise<Assignment | null>;
  harvest(accountId: string, login: WireLogin): Promise<HarvestOutcome>;
}

export interface AssignmentSourceDeps {
  readonly engine: Pick<Engine, 'activeAccountId'> & { readonly accounts: Pick<Engine['accounts'], 'addFromCredentialsJson'> };
  readonly credentialsTarget: CredentialTarget;
  readonly identityTarget: IdentityTarget | null;
  readonly logger: Logger;
}

export function createAssignmentSource(deps: AssignmentSourceDeps): AssignmentSource {
  return {
    async current() {
      const accountId = deps.engine.activeAccountId();
      if (accountId === null) return null;
      const stored = await deps.credentialsTarget.read();
      if (!stored.ok || stored.value === null) return null;
      const login = stored.value;
      let identity: WireIdentity | null = null;
      const block = await deps.identityTarget?.read();
      if (block?.ok && block.value && block.value.accountUuid === accountId) {
        const v = block.value;
        identity = {
          accountUuid: v.accountUuid,
          emailAddress: v.emailAddress,
          organizationUuid: v.organizationUuid ?? null,
          displayName: v.displayName ?? null,
        };
      }
      return { accountId, login: toAgentLogin(login), identity, fingerprint: fingerprint(login.accessToken) };
    },
    async harvest(accountId, login) {
      const credentials: OAuthCredentials = login;
      // Through the same door as an import: identifies the account, and never replaces a newer stored login.
      const added = await deps.engine.accounts.addFromCredentialsJson(JSON.stringify({ claudeAiOauth: toClaudeAiOauth(credentials) }));
      if (!added.ok) {
        deps.logger.warn('a harvested login was refused', { accountId, reason: added.error.kind });
        return 'refused';
      }
      if (added.value.outcome === 'kept-newer') return 'kept-newer';
      if (added.value.id !== deps.engine.activeAccountId()) return 'stored';
      // The active account: this machine's Claude Code must hold it too, unless it holds something newer.
      const written = await deps.credentialsTarget.write(credentials, {
        secureCurrent: async (current) =>
          current !== null && current.expiresAtMs >= credentials.expiresAtMs ? err({ message: 'it holds a newer login' }) : ok(undefined),
      });
      if (!written.ok) deps.logger.info('kept the login this machine holds', { reason: written.error.kind });
      return 'stored';
    },
  };
}

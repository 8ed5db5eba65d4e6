/**
 * Harvesting: the login Claude Code refreshed on its own goes back into the vault, so the vault
 * always holds each account's newest refresh token.
 */
import type { EngineEvents } from '../engine-events.js';
import type { Clock, Logger } from '../ports.js';
import { fingerprint, type OAuthCredentials, type VaultRecord } from '../vault/credentials.js';
import type { Vault } from '../vault/vault-types.js';

/** The accounts as the tracker sees them: every account with its current record (the engine's cache). */
export type TrackedAccounts = () => readonly TrackedAccount[];
export interface TrackedAccount {
  readonly id: string;
  readonly email: string;
  readonly record: VaultRecord | null;
}

export interface HarvestDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: EngineEvents;
  readonly vault: Vault;
  readonly accounts: TrackedAccounts;
  /** Called after a harvested record is safely in the vault. */
  readonly onHarvested: (accountId: string, record: VaultRecord) => void;
}

/** The email of account `id`, for the words of an event (the id when it is unknown). */
export function accountEmail(accounts: TrackedAccounts, id: string): string {
  return accounts().find((a) => a.id === id)?.email ?? id;
}

/** Every account's vault login, for telling whose a login is. */
export function vaultLogins(accounts: readonly TrackedAccount[]): { id: string; credentials: OAuthCredentials }[] {
  return accounts.flatMap((a) => (a.record ? [{ id: a.id, credentials: a.record.credentials }] : []));
}

/** Stores `credentials` as account `accountId`'s login; false (logged) when the vault write failed. */
export async function harvestLogin(deps: HarvestDeps, accountId: string, credentials: OAuthCredentials): Promise<boolean> {
  const record: VaultRecord = {
    version: 1,
    credentials,
    refreshedAtMs: deps.clock.now(),
    refreshPath: 'claude',
    needsLogin: false,
  };
  const written = await deps.vault.write(accountId, record);
  if (!written.ok) {
    deps.logger.error('could not store the login Claude Code refreshed', { accountId, reason: written.error.message });
    return false;
  }
  deps.events.emit(
    'token-harvested',
    'info',
    `Claude Code refreshed the login of ${accountEmail(deps.accounts, accountId)}; the new token was saved to the vault.`,
    accountId,
    {
      token: fingerprint(credentials.accessToken),
      path: 'claude',
    },
  );
  deps.onHarvested(accountId, record);
  return true;
}

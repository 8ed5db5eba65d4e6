/** The token keeper's public types: what it needs and what it offers. */
import type { Result } from '../../shared/result.js';
import type { AnthropicClient, RefreshError } from '../anthropic/api-types.js';
import type { Clock, Logger } from '../ports.js';
import type { OAuthCredentials, VaultRecord } from '../vault/credentials.js';
import type { LoginFallback } from '../vault/login-fallback.js';
import type { Vault } from '../vault/vault-types.js';
import type { RefreshReason } from './refresh-plan.js';

export interface KeeperAccount {
  readonly id: string;
  readonly enabled: boolean;
  readonly active: boolean;
  /** Last known 7-day utilization and reset (null when unknown). */
  readonly sevenDayPct: number | null;
  readonly sevenDayResetsAtMs: number | null;
  /** How long before expiry to refresh this account; default the `tokenRefreshAheadMs` setting. */
  readonly refreshAheadMs?: number;
}

/** Why {@link TokenKeeper.refreshNow} did not produce fresh credentials. Never carries a secret. */
export type KeeperError =
  | RefreshError
  | { readonly kind: 'no-login'; readonly message: string }
  | { readonly kind: 'needs-login'; readonly message: string }
  | { readonly kind: 'owned-by-claude-code'; readonly message: string }
  | { readonly kind: 'vault-failed'; readonly message: string }
  | { readonly kind: 'stopped'; readonly message: string };

export interface TokenKeeperDeps {
  readonly clock: Clock;
  readonly client: Pick<AnthropicClient, 'refresh'>;
  readonly vault: Vault;
  readonly accounts: () => readonly KeeperAccount[];
  /** True while Claude Code owns the account's token. Default: the account is active. */
  readonly isOwnedByClaudeCode?: (accountId: string) => boolean;
  readonly settings: () => { readonly tokenRefreshAheadMs: number };
  /** Awaited before an account's refresh token is read and spent (e.g. to harvest a newer one first). */
  readonly beforeRefresh?: (accountId: string) => Promise<void>;
  /**
   * Called after the new record is safely in the vault, with the credentials the refresh replaced
   * (null when not known: a pending record saved later by another path).
   */
  readonly onRefreshed: (accountId: string, record: VaultRecord, replaced: OAuthCredentials | null) => void;
  readonly onFailed: (accountId: string, error: RefreshError) => void;
  /** The token endpoint answered a lifetime outside the plausible range (or none); once per account. */
  readonly onImplausibleLifetime?: (accountId: string, lifetimeMs: number) => void;
  readonly logger: Logger;
  /** Where a refreshed login goes when the vault refuses it; without one it is only kept in memory. */
  readonly fallback?: Pick<LoginFallback, 'save' | 'remove'>;
  /** A refreshed login the vault refused was saved to `file` — or nowhere (null): it is only in memory. */
  readonly onUnsaved?: (accountId: string, file: string | null) => void;
}

export interface TokenKeeper {
  start(): void;
  /**
   * Disarms the timer, waits for work in flight, and makes one last attempt at unsaved writes.
   * Resolves the accounts whose refreshed login is saved nowhere (neither vault nor fallback).
   */
  stop(): Promise<readonly string[]>;
  /**
   * Refreshes one account now (e.g. just before activating it), bypassing the schedule, the 7d
   * deferral and a transient backoff — but never a dead login or a token Claude Code owns.
   * A call while a refresh of the same account runs joins it.
   */
  refreshNow(accountId: string, reason: RefreshReason): Promise<Result<VaultRecord, KeeperError>>;
  refreshingIds(): ReadonlySet<string>;
  /** When the next scheduled refresh is due; null when none is. */
  nextRefreshAtMs(): number | null;
  /** A refreshed record whose vault write has not succeeded yet: use it instead of the vault's. */
  pendingRecord(accountId: string): VaultRecord | null;
  /** The account's stored login changed (login, import, harvest): clears its backoff and re-plans. */
  credentialsChanged(accountId: string): void;
}

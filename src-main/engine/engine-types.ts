/**
 * The engine's public face: what the server, the CLI and (later) the Electron shell call.
 * Everything returned is secret-free.
 */
import type { AccountRef } from '../shared/contract.js';
import type { Result } from '../shared/result.js';
import type { FleetSnapshot } from '../shared/view-model.js';
import type { EngineEvent, EventQuery } from './events/event-types.js';

export type { EventQuery } from './events/event-types.js';
import type { Settings } from './storage/state-schema.js';

/** Why an account operation failed, in words a user can act on (never containing a secret). */
export type AccountOpError =
  | { readonly kind: 'not-found'; readonly message: string }
  | { readonly kind: 'no-login'; readonly message: string }
  | { readonly kind: 'invalid-credentials'; readonly message: string }
  | { readonly kind: 'profile-failed'; readonly message: string }
  | { readonly kind: 'vault-failed'; readonly message: string };

/** An account as commands report it (the contract's `AccountRef`): never a secret. */
export type AccountSummary = AccountRef;

export interface AccountsApi {
  /** Adds the login Claude Code holds now (its credentials file, or the macOS keychain item). */
  importFromClaudeCode(): Promise<Result<AccountSummary, AccountOpError>>;
  /**
   * Adds an account from credentials JSON: either Claude Code's file shape
   * (`{"claudeAiOauth": {...}}`) or the inner object.
   */
  addFromCredentialsJson(json: string): Promise<Result<AccountSummary, AccountOpError>>;
  list(): readonly AccountSummary[];
  /** Finds an account by id, email or label (case-insensitive). */
  find(ref: string): AccountSummary | null;
  setLabel(id: string, label: string | null): Result<AccountSummary, AccountOpError>;
  setEnabled(id: string, enabled: boolean): Result<AccountSummary, AccountOpError>;
  remove(id: string): Promise<Result<AccountSummary, AccountOpError>>;
}

export interface Engine {
  /**
   * Reads every stored login and detects the active account, without starting any timer: enough
   * for a one-shot `snapshot()` (the CLI's `status` without a server). `start()` does it too.
   */
  load(): Promise<void>;
  /** Starts polling, token keeping and active-account detection. Idempotent. */
  start(): Promise<void>;
  /** Stops every timer; waits for in-flight work. Idempotent. */
  stop(): Promise<void>;
  /**
   * Accounts whose refreshed login is held only in memory: the vault and the fallback file both
   * refused it. Non-empty after `stop()` means those logins are lost (the CLI exits non-zero).
   */
  loginsAtRisk(): readonly string[];
  snapshot(): FleetSnapshot;
  /** Called with a new snapshot on every change; returns an unsubscribe function. */
  subscribe(listener: (snapshot: FleetSnapshot) => void): () => void;
  /**
   * Pins an account (PRODUCT §2 `manual`) and switches to it as soon as no tool call is running;
   * null unpins (automatic rotation).
   */
  switchTo(
    accountId: string | null,
  ): Result<{ readonly pinnedAccountId: string | null }, { readonly kind: 'not-found' | 'unusable'; readonly message: string }>;
  /**
   * "Switch now": the switch Claude Code's session-owner guard holds goes ahead (the user answers the
   * prompt in their sessions). False when no switch is held.
   */
  switchNow(): boolean;
  /** Pauses automatic rotation (persisted). */
  pause(): void;
  resume(): void;
  /** Resolves when every rotation decision already requested (and its switch) is done. */
  settleRotation(): Promise<void>;
  /** A one-off word for one session's statusline (after a limit-hit rescue), or null. */
  sessionNotice?(sessionId: string): string | null;
  /** The account whose login Claude Code holds now (cheap; no snapshot is built). */
  activeAccountId(): string | null;
  /** Polls now (one account or all enabled ones), ignoring the schedule but not a rate-limit backoff. */
  refreshNow(accountId?: string): Promise<void>;
  readonly accounts: AccountsApi;
  events(query?: EventQuery): readonly EngineEvent[];
  settings(): Settings;
  /** On a hub: revokes a machine (its connection closes; it is refused from now on). */
  revokeMachine(machineId: string): 'revoked' | 'not-found' | 'not-a-hub';
  updateSettings(patch: Partial<Settings>): Result<Settings, { readonly kind: 'invalid'; readonly message: string }>;
}

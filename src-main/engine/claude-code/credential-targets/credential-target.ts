/**
 * The `CredentialTarget` port: a place Claude Code reads a login from, that the switcher writes.
 * Implementations: the credentials file (Linux, Windows), the macOS keychain item, and — for the
 * identity block rather than the tokens — the `oauthAccount` key of `.claude.json`.
 * Errors are values; no message ever contains a token.
 */
import type { Result } from '../../../shared/result.js';
import type { OAuthCredentials } from '../../vault/credentials.js';

/** Why a target could not be read or written, in words that name the place, never a secret. */
export type TargetError =
  /** Claude Code's lock stayed held (it is refreshing) for longer than the wait allowed. */
  | { readonly kind: 'locked'; readonly message: string }
  /** A file-system error (permissions, disk full, …). */
  | { readonly kind: 'io'; readonly message: string }
  /** What is stored there cannot be parsed; it is left untouched rather than overwritten. */
  | { readonly kind: 'invalid'; readonly message: string }
  /** The store kept changing under us through every retry. */
  | { readonly kind: 'conflict'; readonly message: string }
  /** The write went through but reading it back did not give what was written. */
  | { readonly kind: 'verify-failed'; readonly message: string }
  /** The login stored there could not be saved first (harvested), so it was not overwritten. */
  | { readonly kind: 'not-secured'; readonly message: string }
  /** An external command (`/usr/bin/security`) failed. */
  | { readonly kind: 'command-failed'; readonly message: string; readonly exitCode: number | null };

/** A store holding one value of type `T` for Claude Code. */
export interface StoreTarget<T> {
  /** The value stored now; null when there is none (no file, no item, no such key). */
  read(): Promise<Result<T | null, TargetError>>;
  /**
   * Replaces the value, keeping everything else in the store, atomically, under Claude Code's own
   * locks, then reads it back and compares. Concurrent calls on one target run in call order.
   */
  write(value: T): Promise<Result<void, TargetError>>;
  /** Where this target writes, for messages and the event log (a path or a keychain service). */
  describe(): string;
}

/**
 * Called inside Claude Code's locks with the login the store holds right before it is replaced;
 * must make sure that login is safe (harvested into the vault when it is one of ours). An error
 * aborts the write and leaves the store untouched.
 */
export type SecureCurrentLogin = (current: OAuthCredentials | null) => Promise<Result<void, { readonly message: string }>>;

export interface CredentialWriteOptions {
  /**
   * Harvest-before-overwrite: run with the stored login inside the locks; the store is replaced only
   * if it still holds exactly that login afterwards — otherwise the new login is secured and the
   * check repeats (a bounded number of times, then `conflict`).
   */
  readonly secureCurrent?: SecureCurrentLogin;
  /**
   * Asked after `secureCurrent` for the login to write: securing may have harvested a newer login of
   * the very account being written (switching to the account Claude Code holds), which must win over
   * the copy the write was called with. Default: the value passed to `write`.
   */
  readonly latest?: () => OAuthCredentials;
}

/** Where Claude Code reads its OAuth tokens (`claudeAiOauth`). */
export interface CredentialTarget extends StoreTarget<OAuthCredentials> {
  write(value: OAuthCredentials, options?: CredentialWriteOptions): Promise<Result<void, TargetError>>;
}

/** Attempts at securing the current login before a write gives up with `conflict`. */
export const SECURE_ATTEMPTS = 5;

/** True when both are absent or the same login (tokens and expiry). */
export function sameLoginOrNone(a: OAuthCredentials | null, b: OAuthCredentials | null): boolean {
  if (a === null || b === null) return a === b;
  return a.accessToken === b.accessToken && a.refreshToken === b.refreshToken && a.expiresAtMs === b.expiresAtMs;
}

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * The identity block Claude Code shows as the logged-in account (`oauthAccount` in
 * `.claude.json`). Written whole: fields of the previous account must not survive a switch.
 */
export interface OAuthAccountBlock {
  readonly accountUuid: string;
  readonly emailAddress: string;
  readonly organizationUuid?: string | null;
  readonly displayName?: string | null;
  readonly [key: string]: JsonValue | undefined;
}

/** Where Claude Code reads the identity it shows (`oauthAccount`). */
export type IdentityTarget = StoreTarget<OAuthAccountBlock>;

/** Options shared by the file-based targets for taking Claude Code's locks. */
export interface TargetLockOptions {
  /** A lock older than this is stale and may be taken over (proper-lockfile `stale`); default 10 s. */
  readonly staleMs?: number;
  /** How long to wait for a held lock before giving up with `locked`; default 10 s. */
  readonly waitMs?: number;
}

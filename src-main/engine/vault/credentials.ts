/** OAuth credentials of one account, and what the vault keeps about them. */
import { createHash } from 'node:crypto';
import type { RefreshPath } from '../../shared/view-model.js';

/** The login Claude Code stores under `claudeAiOauth` (CLAUDE-CODE.md), with `expiresAt` in ms. */
export interface OAuthCredentials {
  readonly accessToken: string;
  /**
   * Empty for an access-token-only login (what a hub sends its agents: Claude Code stores it with no
   * `refreshToken` key and runs on it without refreshing). Never empty in the vault.
   */
  readonly refreshToken: string;
  /** Epoch milliseconds. */
  readonly expiresAtMs: number;
  readonly scopes: readonly string[];
  readonly subscriptionType: string | null;
  readonly rateLimitTier: string | null;
}

/** One vault entry, serialised as JSON into the {@link SecretStore}. */
export interface VaultRecord {
  readonly version: 1;
  readonly credentials: OAuthCredentials;
  /** When the stored token was last freshened, and by which path (PRODUCT §3). */
  readonly refreshedAtMs: number | null;
  readonly refreshPath: RefreshPath | null;
  /** Set when a refresh was rejected (`invalid_grant`): the login is dead until the user logs in again. */
  readonly needsLogin: boolean;
}

/**
 * A short, stable, non-reversible fingerprint of a secret for display and logs:
 * the first 8 hex characters of its SHA-256. Never show more of a token than this.
 */
export function fingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 8);
}

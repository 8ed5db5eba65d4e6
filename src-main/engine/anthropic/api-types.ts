/** Typed readings and failures of the Anthropic OAuth endpoints (CLAUDE-CODE.md). */
import type { OAuthCredentials } from '../vault/credentials.js';

/** Every expected failure of a call, as a value. */
export type ApiError =
  | { readonly kind: 'unauthorized'; readonly status: number }
  | { readonly kind: 'rate-limited'; readonly retryAfterMs: number | null }
  | { readonly kind: 'network'; readonly message: string }
  | { readonly kind: 'timeout'; readonly afterMs: number }
  | { readonly kind: 'bad-response'; readonly status: number; readonly message: string };

/** A failed token refresh: an API error, or a rejected refresh token (the login is dead). */
export type RefreshError = ApiError | { readonly kind: 'invalid-grant'; readonly message: string };

export interface UsageWindow {
  /** Percent 0–100; null when the endpoint sent null. */
  readonly utilizationPct: number | null;
  /** Epoch ms; null when no window is open. */
  readonly resetsAtMs: number | null;
}

/** One usage reading: the two windows rotation cares about plus every other window reported. */
export interface UsageReading {
  readonly fiveHour: UsageWindow | null;
  readonly sevenDay: UsageWindow | null;
  /** Other windows (`seven_day_sonnet`, `weekly_scoped:…`, …) kept for display, never for decisions. */
  readonly extra: Readonly<Record<string, UsageWindow>>;
}

/** The identity the profile endpoint reports. */
export interface Profile {
  readonly accountUuid: string;
  readonly email: string;
  readonly displayName: string | null;
  readonly fullName: string | null;
  readonly organizationUuid: string | null;
  readonly organizationName: string | null;
  readonly rateLimitTier: string | null;
  readonly hasClaudeMax: boolean | null;
  readonly hasClaudePro: boolean | null;
}

/** The result of a successful refresh: the new credentials (refresh token kept if none was sent). */
export type RefreshedCredentials = OAuthCredentials;

/** The three calls the engine makes to Anthropic. Implemented by `createAnthropicClient`. */
export interface AnthropicClient {
  /** `GET {apiBaseUrl}/api/oauth/usage` with the account's access token. */
  getUsage(accessToken: string): Promise<import('../../shared/result.js').Result<UsageReading, ApiError>>;
  /** `GET {apiBaseUrl}/api/oauth/profile`. */
  getProfile(accessToken: string): Promise<import('../../shared/result.js').Result<Profile, ApiError>>;
  /**
   * `POST {tokenUrl}` with the refresh token. On success returns the new credentials: the new
   * access token, the new refresh token (or the old one if none was sent), `expiresAtMs` =
   * `nowMs + expires_in·1000`, scopes from `scope` (else the old ones), subscription fields kept.
   * The caller must persist the result before anything else uses it: the old refresh token is dead.
   */
  refresh(current: OAuthCredentials, nowMs: number): Promise<import('../../shared/result.js').Result<OAuthCredentials, RefreshError>>;
}

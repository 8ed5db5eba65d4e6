/**
 * Parses the token endpoint's answers (CLAUDE-CODE.md): a successful refresh into new
 * {@link OAuthCredentials}, and an error body into its OAuth `error` code. Pure; never throws.
 */
import { z } from 'zod';
import { err, ok, type Result } from '../../shared/result.js';
import type { OAuthCredentials } from '../vault/credentials.js';

/**
 * Used when a successful answer omits `expires_in`: short on purpose, so the token is refreshed
 * early rather than trusted too long. Failing instead would lose the new refresh token, and the
 * old one is already dead.
 */
export const FALLBACK_EXPIRES_IN_SEC = 3600;

const TokenSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional().catch(undefined),
  expires_in: z.coerce.number().positive().finite().optional().catch(undefined),
  scope: z.string().optional().catch(undefined),
});

/**
 * The credentials after a successful refresh: the new access token; the new refresh token, or the
 * old one when none was sent; `expiresAtMs = nowMs + expires_in·1000`; scopes from `scope`, else the
 * old ones; subscription fields kept. A short reason when `access_token` is missing.
 */
export function parseTokenResponse(json: unknown, current: OAuthCredentials, nowMs: number): Result<OAuthCredentials, string> {
  const parsed = TokenSchema.safeParse(json);
  if (!parsed.success) return err('token response lacks access_token');
  const { access_token, refresh_token, expires_in, scope } = parsed.data;
  const scopes = scope?.split(/\s+/).filter(Boolean) ?? [];
  return ok({
    accessToken: access_token,
    refreshToken: refresh_token ?? current.refreshToken,
    expiresAtMs: nowMs + Math.round((expires_in ?? FALLBACK_EXPIRES_IN_SEC) * 1000),
    scopes: scopes.length > 0 ? scopes : current.scopes,
    subscriptionType: current.subscriptionType,
    rateLimitTier: current.rateLimitTier,
  });
}

const OAuthErrorSchema = z.object({
  error: z.string(),
  error_description: z.string().optional().catch(undefined),
});

export interface OAuthErrorBody {
  /** The OAuth error code, e.g. `invalid_grant`. */
  readonly error: string;
  readonly description: string | null;
}

/** The `{error, error_description}` of an OAuth error answer, or null when the body is not one. */
export function parseOAuthError(json: unknown): OAuthErrorBody | null {
  const parsed = OAuthErrorSchema.safeParse(json);
  if (!parsed.success) return null;
  return { error: parsed.data.error, description: parsed.data.error_description ?? null };
}

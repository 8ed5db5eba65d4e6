/**
 * The Anthropic client: usage, profile and token refresh over HTTP, each returning a typed reading
 * or a typed failure (api-types.ts). Timing, retries and backoff belong to the callers.
 */
import { err, type Result } from '../../shared/result.js';
import type { FetchFn } from '../ports.js';
import type { OAuthCredentials } from '../vault/credentials.js';
import type { AnthropicClient, ApiError, RefreshError } from './api-types.js';
import {
  DEFAULT_API_BASE_URL,
  DEFAULT_TOKEN_URL,
  OAUTH_BETA,
  OAUTH_CLIENT_ID,
  OAUTH_REFRESH_SCOPE,
  PROFILE_PATH,
  USAGE_PATH,
} from './endpoints.js';
import { callJson, classifyStatus, parseJsonBody, scrub, sendHttp } from './http-call.js';
import { parseProfile } from './parse-profile.js';
import { parseOAuthError, parseTokenResponse } from './parse-token.js';
import { parseUsage } from './parse-usage.js';

export interface AnthropicClientOptions {
  readonly fetch: FetchFn;
  /** Default `https://api.anthropic.com` (see `resolveEndpoints`). */
  readonly apiBaseUrl?: string;
  /** Default `https://platform.claude.com/v1/oauth/token`. */
  readonly tokenUrl?: string;
  /** `ccmax-monitor/<version>`: we identify honestly (CLAUDE-CODE.md). */
  readonly userAgent: string;
  /** Deadline of a usage or profile call; default 15 000 ms. */
  readonly timeoutMs?: number;
  /** Deadline of a refresh call; default 30 000 ms, as Claude Code uses. */
  readonly refreshTimeoutMs?: number;
  /** Epoch ms, for `retry-after` dates; default `Date.now`. */
  readonly now?: () => number;
}

/** Creates the client; it keeps no state between calls and never throws for network or server trouble. */
export function createAnthropicClient(options: AnthropicClientOptions): AnthropicClient {
  const apiBaseUrl = (options.apiBaseUrl ?? DEFAULT_API_BASE_URL).replace(/\/+$/, '');
  const tokenUrl = options.tokenUrl ?? DEFAULT_TOKEN_URL;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const refreshTimeoutMs = options.refreshTimeoutMs ?? 30_000;
  const now = options.now ?? Date.now;

  async function getOAuthJson<T>(
    path: string,
    accessToken: string,
    parse: (json: unknown) => Result<T, string>,
  ): Promise<Result<T, ApiError>> {
    const reply = await callJson(
      options.fetch,
      {
        url: `${apiBaseUrl}${path}`,
        method: 'GET',
        headers: {
          Authorization: `Bearer ${accessToken}`,
          'anthropic-beta': OAUTH_BETA,
          'Content-Type': 'application/json',
          'User-Agent': options.userAgent,
        },
        timeoutMs,
        secrets: [accessToken],
      },
      now,
    );
    if (!reply.ok) return reply;
    const parsed = parse(reply.value);
    return parsed.ok ? parsed : err({ kind: 'bad-response', status: 200, message: scrub(parsed.error, [accessToken]) });
  }

  async function refresh(current: OAuthCredentials, nowMs: number): Promise<Result<OAuthCredentials, RefreshError>> {
    const secrets = [current.refreshToken, current.accessToken];
    const sent = await sendHttp(options.fetch, {
      url: tokenUrl,
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': options.userAgent },
      body: JSON.stringify({
        grant_type: 'refresh_token',
        refresh_token: current.refreshToken,
        client_id: OAUTH_CLIENT_ID,
        scope: OAUTH_REFRESH_SCOPE,
      }),
      timeoutMs: refreshTimeoutMs,
      secrets,
    });
    if (!sent.ok) return sent;
    const reply = sent.value;
    const failure = classifyStatus(reply, now());
    if (failure) {
      const oauthError = reply.status === 400 || reply.status === 401 ? readOAuthError(reply.text) : null;
      if (oauthError?.error === 'invalid_grant') {
        const why = oauthError.description ?? 'refresh token rejected';
        return err({ kind: 'invalid-grant', message: scrub(`refresh token rejected: ${why}`, secrets) });
      }
      if (oauthError && failure.kind === 'bad-response') {
        return err({ kind: 'bad-response', status: reply.status, message: scrub(`token endpoint refused: ${oauthError.error}`, secrets) });
      }
      return err(failure);
    }
    const json = parseJsonBody(reply);
    if (!json.ok) return json;
    const parsed = parseTokenResponse(json.value, current, nowMs);
    return parsed.ok ? parsed : err({ kind: 'bad-response', status: reply.status, message: parsed.error });
  }

  return {
    getUsage: (accessToken) => getOAuthJson(USAGE_PATH, accessToken, parseUsage),
    getProfile: (accessToken) => getOAuthJson(PROFILE_PATH, accessToken, parseProfile),
    refresh,
  };
}

function readOAuthError(text: string): ReturnType<typeof parseOAuthError> {
  try {
    return parseOAuthError(JSON.parse(text) as unknown);
  } catch {
    return null;
  }
}

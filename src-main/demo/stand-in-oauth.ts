/**
 * The answers of the stand-in's OAuth endpoints, in exactly the documented shapes (CLAUDE-CODE.md),
 * computed from the fleet simulator. No I/O: stand-in-api.ts puts them on the wire.
 */
import { OAUTH_CLIENT_ID, OAUTH_REFRESH_SCOPE } from '../engine/index.js';
import type { FleetSimulator, SimAccountState } from './fleet-simulator.js';

/** What a route answers. `json` is serialised; `body` is sent as is. */
export interface StandInResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly json?: unknown;
  readonly body?: string;
}

/** `named`: the documented named windows; `limits`: the newer form with a `limits` array as well. */
export type UsageForm = 'named' | 'limits';

/** The API's error envelope (`{"type":"error","error":{type,message}}`). */
export function apiError(status: number, type: string, message: string): StandInResponse {
  return { status, json: { type: 'error', error: { type, message } } };
}

/** The error body a status would carry on the real API. */
export function apiErrorForStatus(status: number): StandInResponse {
  if (status === 401) return apiError(401, 'authentication_error', 'Invalid bearer token');
  if (status === 403) return apiError(403, 'permission_error', 'OAuth token does not meet scope requirement user:profile');
  if (status === 429) return apiError(429, 'rate_limit_error', 'Rate limited. Please try again later.');
  if (status === 529 || status === 503) return apiError(status, 'overloaded_error', 'Overloaded');
  if (status >= 500) return apiError(status, 'api_error', 'Internal server error');
  return apiError(status, 'invalid_request_error', `Request failed with status ${status}`);
}

/** The API's ISO form: microseconds and an explicit `+00:00` offset. */
export function toApiTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000+00:00');
}

/** Whole percent, rounded down so an account shows 100 only when it really is full. */
function pct(value: number): number {
  return Math.floor(value);
}

/** `GET /api/oauth/usage` for one account. */
export function usageBody(account: SimAccountState, form: UsageForm): Record<string, unknown> {
  const { windows } = account;
  const fiveHour = {
    utilization: pct(windows.fiveHourPct),
    resets_at: windows.fiveHourResetsAtMs === null ? null : toApiTime(windows.fiveHourResetsAtMs),
  };
  const sevenDay = { utilization: pct(windows.sevenDayPct), resets_at: toApiTime(windows.sevenDayResetsAtMs) };
  // A display-only per-model window: a fifth of the weekly usage went to Sonnet.
  const sonnet = { utilization: pct(windows.sevenDayPct / 5), resets_at: sevenDay.resets_at };
  const body: Record<string, unknown> = {
    five_hour: fiveHour,
    seven_day: sevenDay,
    seven_day_oauth_apps: null,
    seven_day_opus: null,
    seven_day_sonnet: form === 'named' ? sonnet : null,
    extra_usage: { is_enabled: false, monthly_limit: null, used_credits: null, utilization: null },
  };
  if (form === 'limits') {
    body.limits = [
      { kind: 'session', ...fiveHour },
      { kind: 'weekly_all', ...sevenDay },
      { kind: 'weekly_scoped', scope: 'sonnet', ...sonnet },
    ];
  }
  return body;
}

/** `GET /api/oauth/profile` for one account. */
export function profileBody(account: SimAccountState): Record<string, unknown> {
  return {
    account: {
      uuid: account.accountUuid,
      email: account.email,
      full_name: account.fullName,
      display_name: account.displayName,
      has_claude_max: account.subscriptionType === 'max',
      has_claude_pro: account.subscriptionType === 'pro',
    },
    organization: {
      uuid: account.organizationUuid,
      name: account.organizationName,
      organization_type: account.subscriptionType === 'max' ? 'claude_max' : 'claude_pro',
      billing_type: 'stripe_subscription',
      rate_limit_tier: account.rateLimitTier,
    },
  };
}

function oauthError(status: number, error: string, description: string): StandInResponse {
  return { status, json: { error, error_description: description } };
}

const ALLOWED_SCOPES = new Set(OAUTH_REFRESH_SCOPE.split(' '));

/**
 * `POST /v1/oauth/token`: validates the body as Claude Code sends it, then rotates the pair.
 * A spent or unknown refresh token answers 400 `invalid_grant`.
 */
export function tokenResponse(simulator: FleetSimulator, body: unknown): StandInResponse {
  if (typeof body !== 'object' || body === null) return oauthError(400, 'invalid_request', 'Request body must be a JSON object');
  const { grant_type, refresh_token, client_id, scope } = body as Record<string, unknown>;
  if (grant_type !== 'refresh_token') return oauthError(400, 'unsupported_grant_type', 'Only grant_type refresh_token is supported');
  if (client_id !== OAUTH_CLIENT_ID) return oauthError(401, 'invalid_client', 'Client authentication failed');
  if (typeof refresh_token !== 'string' || refresh_token === '') return oauthError(400, 'invalid_request', 'Missing refresh_token');
  if (scope !== undefined && (typeof scope !== 'string' || scope.split(' ').some((s) => !ALLOWED_SCOPES.has(s)))) {
    return oauthError(400, 'invalid_scope', 'The requested scope is invalid');
  }
  const refreshed = simulator.refresh(refresh_token);
  if (!refreshed.ok) return oauthError(400, 'invalid_grant', 'Refresh token not found or invalid');
  const { accountId, accessToken, refreshToken, expiresInSec } = refreshed.value;
  const account = simulator.account(accountId);
  return {
    status: 200,
    json: {
      token_type: 'Bearer',
      access_token: accessToken,
      refresh_token: refreshToken,
      expires_in: expiresInSec,
      scope: typeof scope === 'string' ? scope : refreshed.value.scope,
      account: { uuid: accountId, email_address: account?.email ?? null },
      organization: { uuid: account?.organizationUuid ?? null, name: account?.organizationName ?? null },
    },
  };
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OAUTH_CLIENT_ID, OAUTH_REFRESH_SCOPE } from '../../src-main/engine/anthropic/endpoints.js';
import { startStandInApi, startStandInHarness, withStandIn, type StandInHarness } from '../stand-in/index.js';

let h: StandInHarness;
beforeEach(async () => {
  h = await startStandInHarness();
});
afterEach(async () => {
  await h.close();
});

const oauthHeaders = (token: string): Record<string, string> => ({
  Authorization: `Bearer ${token}`,
  'anthropic-beta': 'oauth-2025-04-20',
});
const tokenOf = (index: number): string => h.simulator.credentials(h.accountId(index)).accessToken;

async function postToken(body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(h.standIn.tokenUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

describe('stand-in OAuth endpoints', () => {
  it('listens on loopback', () => {
    expect(h.standIn.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers usage in the documented named-window shape', async () => {
    const res = await fetch(`${h.standIn.url}/api/oauth/usage`, { headers: oauthHeaders(tokenOf(0)) });
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status).toBe(200);
    expect(Object.keys(body).sort()).toEqual([
      'extra_usage',
      'five_hour',
      'seven_day',
      'seven_day_oauth_apps',
      'seven_day_opus',
      'seven_day_sonnet',
    ]);
    expect(body.seven_day_opus).toBeNull();
    expect(body.extra_usage).toEqual({ is_enabled: false, monthly_limit: null, used_credits: null, utilization: null });
    expect(body.seven_day).toMatchObject({ resets_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/) });
  });

  it('adds the limits array and nulls the per-model windows in the newer form', async () => {
    h.standIn.setUsageForm('limits');
    const body = (await (await fetch(`${h.standIn.url}/api/oauth/usage`, { headers: oauthHeaders(tokenOf(0)) })).json()) as Record<
      string,
      unknown
    >;
    expect(body.seven_day_sonnet).toBeNull();
    expect((body.limits as { kind: string }[]).map((l) => l.kind)).toEqual(['session', 'weekly_all', 'weekly_scoped']);
  });

  it('refuses a request without the OAuth beta header with an API error body', async () => {
    const res = await fetch(`${h.standIn.url}/api/oauth/profile`, { headers: { Authorization: `Bearer ${tokenOf(0)}` } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'OAuth authentication is currently not supported.' },
    });
  });

  it('refuses a request without a bearer token', async () => {
    const res = await fetch(`${h.standIn.url}/api/oauth/usage`, { headers: { 'anthropic-beta': 'oauth-2025-04-20' } });
    expect(res.status).toBe(401);
  });

  it('answers 404 for a path it does not serve', async () => {
    expect((await fetch(`${h.standIn.url}/v1/messages`, { method: 'POST' })).status).toBe(404);
  });
});

describe('stand-in token endpoint', () => {
  const body = (refreshToken: string, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: OAUTH_CLIENT_ID,
    scope: OAUTH_REFRESH_SCOPE,
    ...overrides,
  });

  it('rotates the pair and then answers invalid_grant for the spent refresh token', async () => {
    const refreshToken = h.simulator.credentials(h.accountId(0)).refreshToken;
    const first = await postToken(body(refreshToken));
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({
      token_type: 'Bearer',
      expires_in: 28_800,
      scope: OAUTH_REFRESH_SCOPE,
      access_token: expect.stringMatching(/^sk-ant-oat01-/),
    });
    expect(await postToken(body(refreshToken))).toEqual({
      status: 400,
      json: { error: 'invalid_grant', error_description: 'Refresh token not found or invalid' },
    });
  });

  it('refuses another client id', async () => {
    const res = await postToken(body(h.simulator.credentials(h.accountId(0)).refreshToken, { client_id: 'someone-else' }));
    expect(res).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
  });

  it.each([
    ['another grant type', { grant_type: 'authorization_code' }, 'unsupported_grant_type'],
    ['no refresh token', { refresh_token: undefined }, 'invalid_request'],
    ['an unknown scope', { scope: 'user:profile admin:everything' }, 'invalid_scope'],
  ])('answers 400 for %s', async (_label, overrides, error) => {
    const res = await postToken(body(h.simulator.credentials(h.accountId(0)).refreshToken, overrides));
    expect(res).toMatchObject({ status: 400, json: { error } });
  });

  it('does not spend the refresh token on a refused request', async () => {
    const refreshToken = h.simulator.credentials(h.accountId(0)).refreshToken;
    await postToken(body(refreshToken, { client_id: 'someone-else' }));
    expect((await postToken(body(refreshToken))).status).toBe(200);
  });
});

describe('stand-in request log', () => {
  it('records fingerprints and accounts but never a token', async () => {
    const creds = h.simulator.credentials(h.accountId(1));
    await fetch(`${h.standIn.url}/api/oauth/usage`, { headers: oauthHeaders(creds.accessToken) });
    await postToken({ grant_type: 'refresh_token', refresh_token: creds.refreshToken, client_id: OAUTH_CLIENT_ID });
    const log = JSON.stringify(h.standIn.requests);
    expect(h.standIn.requests.map((r) => [r.path, r.accountId, r.status])).toEqual([
      ['/api/oauth/usage', h.accountId(1), 200],
      ['/v1/oauth/token', h.accountId(1), 200],
    ]);
    expect(log).not.toContain(creds.accessToken);
    expect(log).not.toContain(creds.refreshToken);
  });

  it('keeps only the newest requests beyond its limit', async () => {
    const standIn = await startStandInApi({ simulator: h.simulator, maxRecorded: 2 });
    try {
      for (const path of ['/a', '/b', '/c']) await fetch(`${standIn.url}${path}`);
      expect(standIn.requests.map((r) => r.path)).toEqual(['/b', '/c']);
    } finally {
      await standIn.close();
    }
  });
});

describe('stand-in faults and routes', () => {
  it('applies a fault for the next N requests only', async () => {
    h.standIn.faults.inject({ kind: 'status', status: 503 }, { times: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await fetch(`${h.standIn.url}/api/oauth/usage`, { headers: oauthHeaders(tokenOf(0)) })).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(h.standIn.faults.armed).toEqual([]);
  });

  it('applies a fault until it is cleared', async () => {
    const id = h.standIn.faults.inject({ kind: 'status', status: 500 }, { path: '/api/oauth/profile' });
    const get = async (): Promise<number> =>
      (await fetch(`${h.standIn.url}/api/oauth/profile`, { headers: oauthHeaders(tokenOf(0)) })).status;
    expect([await get(), await get()]).toEqual([500, 500]);
    h.standIn.faults.clear(id);
    expect(await get()).toBe(200);
  });

  it('sends retry-after exactly as injected', async () => {
    h.standIn.faults.inject({ kind: 'rate-limited', retryAfter: '3600' });
    const res = await fetch(`${h.standIn.url}/api/oauth/usage`, { headers: oauthHeaders(tokenOf(0)) });
    expect([res.status, res.headers.get('retry-after')]).toEqual([429, '3600']);
  });

  it('serves an added route, with faults applied to it as well', async () => {
    h.standIn.addRoute('POST', '/v1/messages', (request) => {
      const check = request.bearer ? request.simulator.useAccessToken(request.bearer) : null;
      return { status: 200, json: { account: check?.kind === 'valid' ? check.accountId : null } };
    });
    const call = (): Promise<Response> =>
      fetch(`${h.standIn.url}/v1/messages`, { method: 'POST', headers: oauthHeaders(tokenOf(2)), body: '{}' });
    expect(await (await call()).json()).toEqual({ account: h.accountId(2) });
    expect(h.simulator.activeAccountId()).toBe(h.accountId(2));
    h.standIn.faults.inject({ kind: 'status', status: 429 }, { accountId: h.accountId(2) });
    expect((await call()).status).toBe(429);
  });

  it('closes promptly while an answer is being delayed', async () => {
    h.standIn.faults.inject({ kind: 'delay', ms: 10_000 });
    const pending = fetch(`${h.standIn.url}/api/oauth/usage`, { headers: oauthHeaders(tokenOf(0)) }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    const startedMs = Date.now();
    await h.standIn.close();
    expect(await pending).toBeInstanceOf(Error);
    expect(Date.now() - startedMs).toBeLessThan(1_000);
  });
});

describe('withStandIn', () => {
  it('closes the stand-in once the callback is done', async () => {
    const url = await withStandIn(async (harness) => {
      expect((await harness.client().getProfile(harness.simulator.credentials(harness.accountId(0)).accessToken)).ok).toBe(true);
      return harness.standIn.url;
    });
    await expect(fetch(`${url}/api/oauth/usage`)).rejects.toThrow();
  });
});

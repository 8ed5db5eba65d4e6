import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RefreshError } from '../../src-main/engine/anthropic/api-types.js';
import { OAUTH_CLIENT_ID, OAUTH_REFRESH_SCOPE } from '../../src-main/engine/anthropic/endpoints.js';
import { fingerprint, type OAuthCredentials } from '../../src-main/engine/vault/credentials.js';
import type { Result } from '../../src-main/shared/result.js';
import { startStandInHarness, type StandInHarness } from '../stand-in/index.js';

let h: StandInHarness;
let current: OAuthCredentials;
beforeEach(async () => {
  h = await startStandInHarness();
  current = h.simulator.credentials(h.accountId(0));
});
afterEach(async () => {
  await h.close();
});

function refreshed(result: Result<OAuthCredentials, RefreshError>): OAuthCredentials {
  if (!result.ok) throw new Error(`expected a refresh, got ${result.error.kind}`);
  return result.value;
}

function failed(result: Result<OAuthCredentials, RefreshError>): RefreshError {
  if (result.ok) throw new Error('expected the refresh to fail');
  for (const secret of [current.refreshToken, current.accessToken]) expect(JSON.stringify(result.error)).not.toContain(secret);
  return result.error;
}

describe('refresh against the stand-in', () => {
  it('posts exactly the body Claude Code sends, with JSON content type', async () => {
    await h.client().refresh(current, h.clock.now());
    const [request] = h.standIn.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/oauth/token', accountId: h.accountId(0), status: 200 });
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.body).toEqual({
      grant_type: 'refresh_token',
      refresh_token: `<${fingerprint(current.refreshToken)}>`,
      client_id: OAUTH_CLIENT_ID,
      scope: OAUTH_REFRESH_SCOPE,
    });
  });

  it('returns a rotated pair with expiresAtMs from expires_in and keeps the subscription fields', async () => {
    const next = refreshed(await h.client().refresh(current, h.clock.now()));
    expect(next.accessToken).toMatch(/^sk-ant-oat01-/);
    expect(next.accessToken).not.toBe(current.accessToken);
    expect(next.refreshToken).not.toBe(current.refreshToken);
    expect(next.expiresAtMs).toBe(h.clock.now() + 28_800_000);
    expect(next).toMatchObject({ subscriptionType: 'max', rateLimitTier: 'default_claude_max_20x' });
    expect((await h.client().getUsage(next.accessToken)).ok).toBe(true);
  });

  it('gets invalid-grant for the old refresh token once it has been used', async () => {
    refreshed(await h.client().refresh(current, h.clock.now()));
    const error = failed(await h.client().refresh(current, h.clock.now()));
    expect(error).toEqual({ kind: 'invalid-grant', message: 'refresh token rejected: Refresh token not found or invalid' });
  });

  it('gets invalid-grant after the login was revoked', async () => {
    h.simulator.revokeLogin(h.accountId(0));
    expect(failed(await h.client().refresh(current, h.clock.now())).kind).toBe('invalid-grant');
  });

  it('keeps the old refresh token when the answer carries none', async () => {
    h.standIn.addRoute('POST', '/v1/oauth/token', () => ({
      status: 200,
      json: { access_token: 'sk-ant-oat01-only-access', expires_in: 600 },
    }));
    const next = refreshed(await h.client().refresh(current, h.clock.now()));
    expect(next).toMatchObject({
      accessToken: 'sk-ant-oat01-only-access',
      refreshToken: current.refreshToken,
      expiresAtMs: h.clock.now() + 600_000,
    });
  });

  it('is unauthorized when the token endpoint refuses the client', async () => {
    h.standIn.addRoute('POST', '/v1/oauth/token', () => ({
      status: 401,
      json: { error: 'invalid_client', error_description: 'Client authentication failed' },
    }));
    expect(failed(await h.client().refresh(current, h.clock.now()))).toEqual({ kind: 'unauthorized', status: 401 });
  });

  it('is a bad-response naming the OAuth error for another 400', async () => {
    h.standIn.addRoute('POST', '/v1/oauth/token', () => ({ status: 400, json: { error: 'invalid_scope' } }));
    expect(failed(await h.client().refresh(current, h.clock.now()))).toEqual({
      kind: 'bad-response',
      status: 400,
      message: 'token endpoint refused: invalid_scope',
    });
  });

  it('scrubs a token the server echoes back in its error description', async () => {
    h.standIn.addRoute('POST', '/v1/oauth/token', () => ({
      status: 400,
      json: { error: 'invalid_grant', error_description: `token ${current.refreshToken} revoked` },
    }));
    const error = failed(await h.client().refresh(current, h.clock.now()));
    expect(error.kind).toBe('invalid-grant');
    expect(JSON.stringify(error)).toContain(fingerprint(current.refreshToken));
  });

  it('maps a 429 from the token endpoint to rate-limited', async () => {
    h.standIn.faults.inject({ kind: 'rate-limited', retryAfter: '60' }, { path: '/v1/oauth/token' });
    expect(failed(await h.client().refresh(current, h.clock.now()))).toEqual({ kind: 'rate-limited', retryAfterMs: 60_000 });
  });

  it('times out after the refresh deadline, leaving the refresh token unspent', async () => {
    h.standIn.faults.inject({ kind: 'delay', ms: 5_000 }, { times: 1 });
    expect(failed(await h.client({ refreshTimeoutMs: 150 }).refresh(current, h.clock.now()))).toEqual({ kind: 'timeout', afterMs: 150 });
    expect((await h.client().refresh(current, h.clock.now())).ok).toBe(true);
  });

  it('maps a destroyed connection during refresh to network', async () => {
    h.standIn.faults.inject({ kind: 'destroy' }, { accountId: h.accountId(0) });
    expect(failed(await h.client().refresh(current, h.clock.now())).kind).toBe('network');
  });

  it('maps a truncated token answer to bad-response', async () => {
    h.standIn.faults.inject({ kind: 'truncated' });
    expect(failed(await h.client().refresh(current, h.clock.now())).kind).toBe('bad-response');
  });
});

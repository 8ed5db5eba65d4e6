import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAnthropicClient } from '../../src-main/engine/anthropic/anthropic-client.js';
import { DEFAULT_API_BASE_URL, DEFAULT_TOKEN_URL, resolveEndpoints } from '../../src-main/engine/anthropic/endpoints.js';
import { fingerprint } from '../../src-main/engine/vault/credentials.js';
import { startStandInHarness, type StandInHarness } from '../stand-in/index.js';

let h: StandInHarness;
beforeEach(async () => {
  h = await startStandInHarness();
});
afterEach(async () => {
  await h.close();
});

describe('getUsage against the stand-in', () => {
  it('sends exactly the documented headers', async () => {
    const token = h.simulator.credentials(h.accountId(0)).accessToken;
    await h.client().getUsage(token);
    const [request] = h.standIn.requests;
    expect(request).toMatchObject({
      method: 'GET',
      path: '/api/oauth/usage',
      bearerFingerprint: fingerprint(token),
      accountId: h.accountId(0),
    });
    expect(request?.headers).toMatchObject({
      authorization: `Bearer <${fingerprint(token)}>`,
      'anthropic-beta': 'oauth-2025-04-20',
      'content-type': 'application/json',
      'user-agent': 'ccmax-monitor/0.0.0-test',
    });
  });

  it("returns the simulated account's windows", async () => {
    const id = h.accountId(0);
    const result = await h.client().getUsage(h.simulator.credentials(id).accessToken);
    const { windows } = h.simulator.account(id)!;
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.sevenDay).toEqual({ utilizationPct: Math.floor(windows.sevenDayPct), resetsAtMs: windows.sevenDayResetsAtMs });
    expect(result.value.fiveHour).toEqual({ utilizationPct: Math.floor(windows.fiveHourPct), resetsAtMs: windows.fiveHourResetsAtMs });
    expect(Object.keys(result.value.extra)).toEqual(['seven_day_sonnet']);
  });

  it('reads the newer limits form the same way', async () => {
    h.standIn.setUsageForm('limits');
    const id = h.accountId(1);
    const result = await h.client().getUsage(h.simulator.credentials(id).accessToken);
    const { windows } = h.simulator.account(id)!;
    expect(result.ok && result.value.sevenDay?.utilizationPct).toBe(Math.floor(windows.sevenDayPct));
    expect(result.ok && Object.keys(result.value.extra)).toEqual(['weekly_scoped:sonnet']);
  });

  it('is unauthorized with a token the API does not know', async () => {
    expect(await h.client().getUsage('sk-ant-oat01-not-issued')).toEqual({ ok: false, error: { kind: 'unauthorized', status: 401 } });
  });

  it('is unauthorized with an expired access token', async () => {
    const id = h.accountId(2);
    const token = h.simulator.credentials(id).accessToken;
    h.simulator.expireAccessToken(id);
    expect(await h.client().getUsage(token)).toEqual({ ok: false, error: { kind: 'unauthorized', status: 401 } });
  });
});

describe('getProfile against the stand-in', () => {
  it('returns the identity of the account the token belongs to', async () => {
    const spec = h.fleet.accounts[0]!;
    const result = await h.client().getProfile(h.simulator.credentials(spec.accountUuid).accessToken);
    expect(result).toEqual({
      ok: true,
      value: {
        accountUuid: spec.accountUuid,
        email: 'alex@demo.example',
        displayName: 'Alex',
        fullName: 'Alex Demo',
        organizationUuid: spec.organizationUuid,
        organizationName: spec.organizationName,
        rateLimitTier: 'default_claude_max_20x',
        hasClaudeMax: true,
        hasClaudePro: false,
      },
    });
    expect(h.standIn.requests[0]?.headers['anthropic-beta']).toBe('oauth-2025-04-20');
  });

  it('is a bad-response when the profile lacks the account uuid', async () => {
    h.standIn.addRoute('GET', '/api/oauth/profile', () => ({ status: 200, json: { account: { email: 'x@demo.example' } } }));
    const result = await h.client().getProfile(h.simulator.credentials(h.accountId(0)).accessToken);
    expect(result).toEqual({
      ok: false,
      error: { kind: 'bad-response', status: 200, message: 'profile response lacks account uuid or email' },
    });
  });
});

describe('createAnthropicClient defaults', () => {
  it('calls api.anthropic.com with the usage path when no base URL is given', async () => {
    const urls: string[] = [];
    const client = createAnthropicClient({
      userAgent: 'ccmax-monitor/test',
      fetch: async (input) => {
        urls.push(String(input));
        return new Response('{"seven_day": null}', { status: 200 });
      },
    });
    await client.getUsage('sk-ant-oat01-x');
    expect(urls).toEqual(['https://api.anthropic.com/api/oauth/usage']);
  });
});

describe('resolveEndpoints', () => {
  it('uses the documented defaults when nothing is set', () => {
    expect(resolveEndpoints({})).toEqual({ apiBaseUrl: DEFAULT_API_BASE_URL, tokenUrl: DEFAULT_TOKEN_URL });
    expect(resolveEndpoints({ CCMAX_API_BASE_URL: ' ' })).toEqual({ apiBaseUrl: DEFAULT_API_BASE_URL, tokenUrl: DEFAULT_TOKEN_URL });
  });

  it('reads both overrides and drops a trailing slash from the base', () => {
    expect(
      resolveEndpoints({ CCMAX_API_BASE_URL: 'http://127.0.0.1:9/', CCMAX_OAUTH_TOKEN_URL: 'http://127.0.0.1:9/v1/oauth/token' }),
    ).toEqual({
      apiBaseUrl: 'http://127.0.0.1:9',
      tokenUrl: 'http://127.0.0.1:9/v1/oauth/token',
    });
  });

  it('throws a fixable message for a value that is not an http URL', () => {
    expect(() => resolveEndpoints({ CCMAX_OAUTH_TOKEN_URL: 'ftp://x' })).toThrow(/CCMAX_OAUTH_TOKEN_URL must use http/);
    expect(() => resolveEndpoints({ CCMAX_API_BASE_URL: 'nope' })).toThrow(/CCMAX_API_BASE_URL must be an absolute/);
  });
});

import { describe, expect, it } from 'vitest';
import { FALLBACK_EXPIRES_IN_SEC, parseOAuthError, parseTokenResponse } from '../../src-main/engine/anthropic/parse-token.js';
import type { OAuthCredentials } from '../../src-main/engine/vault/credentials.js';
import { loadFixture } from '../fixtures/anthropic/load.js';

const NOW_MS = Date.UTC(2026, 10, 24, 12);
const current: OAuthCredentials = {
  accessToken: 'sk-ant-oat01-old-access',
  refreshToken: 'sk-ant-ort01-old-refresh',
  expiresAtMs: NOW_MS - 1000,
  scopes: ['user:inference', 'user:profile'],
  subscriptionType: 'max',
  rateLimitTier: 'default_claude_max_20x',
};

describe('parseTokenResponse', () => {
  it('returns the new pair with expiresAtMs from expires_in and scopes from scope', () => {
    expect(parseTokenResponse(loadFixture('token.json'), current, NOW_MS)).toEqual({
      ok: true,
      value: {
        accessToken: 'sk-ant-oat01-fixture-new-access',
        refreshToken: 'sk-ant-ort01-fixture-new-refresh',
        expiresAtMs: NOW_MS + 28_800_000,
        scopes: ['user:profile', 'user:inference', 'user:sessions:claude_code', 'user:mcp_servers', 'user:file_upload'],
        subscriptionType: 'max',
        rateLimitTier: 'default_claude_max_20x',
      },
    });
  });

  it('keeps the old refresh token and scopes when the answer carries none', () => {
    const result = parseTokenResponse(loadFixture('token-no-refresh.json'), current, NOW_MS);
    expect(result.ok && result.value).toMatchObject({
      refreshToken: current.refreshToken,
      scopes: current.scopes,
      expiresAtMs: NOW_MS + 3_600_000,
    });
  });

  it('assumes a short lifetime when expires_in is missing or unreadable', () => {
    const result = parseTokenResponse({ access_token: 'sk-ant-oat01-x', expires_in: 'soon' }, current, NOW_MS);
    expect(result.ok && result.value.expiresAtMs).toBe(NOW_MS + FALLBACK_EXPIRES_IN_SEC * 1000);
  });

  it.each([
    ['an OAuth error body', loadFixture('token-invalid-grant.json')],
    ['garbage', 'x'],
    ['null', null],
    ['an empty access token', { access_token: '' }],
  ])('fails without throwing for %s', (_label, body) => {
    expect(parseTokenResponse(body, current, NOW_MS)).toEqual({ ok: false, error: 'token response lacks access_token' });
  });
});

describe('parseOAuthError', () => {
  it('reads the error code and description', () => {
    expect(parseOAuthError(loadFixture('token-invalid-grant.json'))).toEqual({
      error: 'invalid_grant',
      description: 'Refresh token not found or invalid',
    });
  });

  it('answers null for a body that is not an OAuth error', () => {
    expect(parseOAuthError({ type: 'error', error: { type: 'api_error' } })).toBeNull();
    expect(parseOAuthError('nope')).toBeNull();
  });
});

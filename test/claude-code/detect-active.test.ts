import { describe, expect, it } from 'vitest';
import { detectActiveAccount, shouldHarvest } from '../../src-main/engine/claude-code/detect-active.js';
import type { OAuthCredentials } from '../../src-main/engine/vault/credentials.js';
import { vaultRecord } from '../fakes/memory-vault.js';

const NOW = Date.UTC(2026, 10, 24, 12);
const creds = (accessToken: string, refreshToken: string, expiresAtMs = NOW): OAuthCredentials => ({
  accessToken,
  refreshToken,
  expiresAtMs,
  scopes: [],
  subscriptionType: 'max',
  rateLimitTier: null,
});

describe('detectActiveAccount', () => {
  const vault = [
    { id: 'uuid-a', credentials: creds('at-a', 'rt-a') },
    { id: 'uuid-b', credentials: creds('at-b', 'rt-b') },
    { id: 'uuid-c', credentials: null },
  ];

  it.each([
    ['matches by access token first', creds('at-b', 'rt-a'), 'uuid-a', { accountId: 'uuid-b', matchedBy: 'access-token' }],
    [
      'matches by refresh token when no access token matches',
      creds('at-new', 'rt-a'),
      'uuid-b',
      { accountId: 'uuid-a', matchedBy: 'refresh-token' },
    ],
    ['falls back to the oauthAccount uuid', creds('at-new', 'rt-new'), 'uuid-b', { accountId: 'uuid-b', matchedBy: 'oauth-account' }],
    [
      'matches an account without stored credentials by uuid',
      creds('at-new', 'rt-new'),
      'uuid-c',
      { accountId: 'uuid-c', matchedBy: 'oauth-account' },
    ],
    ['uses the uuid when Claude Code holds no login', null, 'uuid-a', { accountId: 'uuid-a', matchedBy: 'oauth-account' }],
    ['finds nothing when nothing matches', creds('at-x', 'rt-x'), 'uuid-z', null],
    ['finds nothing with neither login nor uuid', null, null, null],
  ] as const)('%s', (_name, claude, oauthAccountUuid, expected) => {
    expect(detectActiveAccount({ claude, oauthAccountUuid, vault })).toEqual(expected);
  });
});

describe('shouldHarvest', () => {
  const stored = vaultRecord({ accessToken: 'at-1', refreshToken: 'rt-1', expiresAtMs: NOW + 1000 });

  it.each([
    ['harvests newer, different credentials', creds('at-2', 'rt-2', NOW + 2000), true],
    ['harvests a new access token with the same refresh token when newer', creds('at-2', 'rt-1', NOW + 2000), true],
    ['keeps the vault when Claude Code holds an older copy', creds('at-0', 'rt-0', NOW), false],
    ['keeps the vault when the expiry is equal', creds('at-2', 'rt-2', NOW + 1000), false],
    ['does nothing when the credentials are the same', creds('at-1', 'rt-1', NOW + 1000), false],
  ] as const)('%s', (_name, claude, expected) => {
    expect(shouldHarvest(stored, claude)).toBe(expected);
  });

  it('harvests when the vault holds no record for the account', () => {
    expect(shouldHarvest(null, creds('at', 'rt'))).toBe(true);
  });

  it('never harvests an access-token-only login (an agent’s), however new', () => {
    expect(shouldHarvest(stored, creds('at-9', '', NOW + 5000))).toBe(false);
    expect(shouldHarvest(null, creds('at-9', ''))).toBe(false);
  });

  it('harvests a newer login over one marked as needing a login', () => {
    expect(shouldHarvest({ ...stored, needsLogin: true }, creds('at-9', 'rt-9', NOW + 5000))).toBe(true);
  });
});

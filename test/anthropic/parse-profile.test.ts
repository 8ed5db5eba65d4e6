import { describe, expect, it } from 'vitest';
import { parseProfile, planFromProfile } from '../../src-main/engine/anthropic/parse-profile.js';
import type { Profile } from '../../src-main/engine/anthropic/api-types.js';
import { loadFixture } from '../fixtures/anthropic/load.js';

function profile(overrides: Partial<Profile> = {}): Profile {
  return {
    accountUuid: 'u-1',
    email: 'a@demo.example',
    displayName: null,
    fullName: null,
    organizationUuid: null,
    organizationName: null,
    rateLimitTier: null,
    hasClaudeMax: null,
    hasClaudePro: null,
    ...overrides,
  };
}

describe('parseProfile', () => {
  it('reads the account and organization of a full profile', () => {
    expect(parseProfile(loadFixture('profile.json'))).toEqual({
      ok: true,
      value: {
        accountUuid: '4f8a2c1e-9b3d-4e7a-8c5f-1d2e3f4a5b6c',
        email: 'alex@demo.example',
        displayName: 'Alex',
        fullName: 'Alex Demo',
        organizationUuid: '9a8b7c6d-5e4f-4a3b-9c1d-0e1f2a3b4c5d',
        organizationName: "alex@demo.example's Organization",
        rateLimitTier: 'default_claude_max_20x',
        hasClaudeMax: true,
        hasClaudePro: false,
      },
    });
  });

  it('reads a profile without organization, turning mistyped optional fields into null', () => {
    const result = parseProfile(loadFixture('profile-minimal.json'));
    expect(result.ok && result.value).toMatchObject({
      accountUuid: '4f8a2c1e-9b3d-4e7a-8c5f-1d2e3f4a5b6c',
      displayName: null,
      organizationUuid: null,
      rateLimitTier: null,
    });
  });

  it('fails when the account uuid is missing', () => {
    expect(parseProfile(loadFixture('profile-missing-uuid.json'))).toEqual({
      ok: false,
      error: 'profile response lacks account uuid or email',
    });
  });

  it('fails when the email is missing or empty', () => {
    expect(parseProfile({ account: { uuid: 'u-1', email: '' } }).ok).toBe(false);
    expect(parseProfile({ account: { uuid: 'u-1' } }).ok).toBe(false);
  });

  it.each([
    ['a string', 'x'],
    ['null', null],
    ['an array', []],
    ['an account that is a number', { account: 5 }],
  ])('returns an error instead of throwing for %s', (_label, body) => {
    expect(parseProfile(body).ok).toBe(false);
  });
});

describe('planFromProfile', () => {
  it('names Max 20x and Max 5x from the rate-limit tier', () => {
    expect(planFromProfile(profile({ rateLimitTier: 'default_claude_max_20x' }))).toBe('Max 20x');
    expect(planFromProfile(profile({ rateLimitTier: 'default_claude_max_5x' }))).toBe('Max 5x');
  });

  it('accepts a bare tier string as stored with the credentials', () => {
    expect(planFromProfile('default_claude_max_5x', 'max')).toBe('Max 5x');
  });

  it("uses the credentials' tier when the profile names none", () => {
    expect(planFromProfile(profile({ hasClaudeMax: true }), 'max', 'default_claude_max_5x')).toBe('Max 5x');
    expect(planFromProfile(profile({ rateLimitTier: 'default_claude_max_20x' }), 'max', 'default_claude_max_5x')).toBe('Max 20x');
  });

  it('says Max for a max subscription without a known tier', () => {
    expect(planFromProfile(null, 'max')).toBe('Max');
    expect(planFromProfile(profile({ hasClaudeMax: true }))).toBe('Max');
  });

  it('says Pro for a pro profile or subscription', () => {
    expect(planFromProfile(profile({ hasClaudePro: true }))).toBe('Pro');
    expect(planFromProfile(null, 'pro')).toBe('Pro');
  });

  it('says nothing when neither profile nor subscription tells', () => {
    expect(planFromProfile(profile())).toBeNull();
    expect(planFromProfile(null, null)).toBeNull();
  });
});

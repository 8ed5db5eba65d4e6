import { describe, expect, it } from 'vitest';
import { parseEventQuery, parseWith, SettingsPatchSchema } from '../../src-main/server/api-schemas.js';

const parse = (s: string) => parseEventQuery(new URLSearchParams(s));

describe('parseEventQuery', () => {
  it('returns an empty query when no parameter is given', () => {
    expect(parse('')).toEqual({ ok: true, value: {} });
  });

  it('ignores the token parameter', () => {
    expect(parse('token=abc&limit=5')).toEqual({ ok: true, value: { limit: 5 } });
  });

  it('refuses an unknown parameter, naming it', () => {
    expect(parse('kinds=usage-polled')).toEqual({ ok: false, error: expect.stringContaining('"kinds"') });
  });

  it('refuses a repeated parameter', () => {
    expect(parse('limit=1&limit=2').ok).toBe(false);
  });

  it('refuses a negative or fractional since', () => {
    expect(parse('since=-1').ok).toBe(false);
    expect(parse('since=1.5').ok).toBe(false);
  });

  it('refuses a limit of zero', () => {
    expect(parse('limit=0').ok).toBe(false);
  });

  it('refuses an empty account', () => {
    expect(parse('account=').ok).toBe(false);
  });
});

describe('SettingsPatchSchema', () => {
  it('does not fill in defaults for fields the patch leaves out', () => {
    expect(parseWith(SettingsPatchSchema, { minDwellMs: 0 })).toEqual({ ok: true, value: { minDwellMs: 0 } });
  });

  it('names every unknown field in one sentence', () => {
    expect(parseWith(SettingsPatchSchema, { a: 1, b: 2 })).toEqual({
      ok: false,
      error: 'The request body is not valid: unknown fields a, b.',
    });
  });
});

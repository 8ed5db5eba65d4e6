import { describe, expect, it } from 'vitest';
import { parseResetsAtMs, parseUsage } from '../../src-main/engine/anthropic/parse-usage.js';
import type { UsageReading } from '../../src-main/engine/anthropic/api-types.js';
import { loadFixture } from '../fixtures/anthropic/load.js';

function reading(name: string): UsageReading {
  const result = parseUsage(loadFixture(name));
  if (!result.ok) throw new Error(`expected ${name} to parse, got: ${result.error}`);
  return result.value;
}

describe('parseUsage', () => {
  it('reads the documented example into the two main windows with epoch-ms reset times', () => {
    const usage = reading('usage-documented.json');
    expect(usage.fiveHour).toEqual({ utilizationPct: 15, resetsAtMs: Date.UTC(2026, 3, 14, 12, 59, 59, 528) });
    expect(usage.sevenDay).toEqual({ utilizationPct: 68, resetsAtMs: Date.UTC(2026, 3, 17, 17, 59, 59, 951) });
  });

  it('keeps seven_day_sonnet as an extra window and skips the null opus window and extra_usage', () => {
    const usage = reading('usage-documented.json');
    expect(usage.extra).toEqual({ seven_day_sonnet: { utilizationPct: 1, resetsAtMs: Date.UTC(2026, 3, 20, 20, 59, 59, 771) } });
  });

  it('accepts null windows and null figures without failing', () => {
    const usage = reading('usage-nulls.json');
    expect(usage.fiveHour).toBeNull();
    expect(usage.sevenDay).toEqual({ utilizationPct: null, resetsAtMs: null });
    expect(usage.extra).toEqual({});
  });

  it('reads a response without five_hour as having no 5-hour window', () => {
    const usage = reading('usage-no-five-hour.json');
    expect(usage.fiveHour).toBeNull();
    expect(usage.sevenDay?.utilizationPct).toBe(42);
  });

  it('reads a 5-hour window that is not open yet as having no reset time', () => {
    expect(reading('usage-five-hour-not-open.json').fiveHour).toEqual({ utilizationPct: 0, resetsAtMs: null });
  });

  it('keeps unknown window-shaped keys as extra windows and ignores values that are not windows', () => {
    const usage = reading('usage-extra-windows.json');
    expect(Object.keys(usage.extra).sort()).toEqual(['seven_day_cowork', 'seven_day_oauth_apps', 'thirty_day_design']);
    expect(usage.extra.thirty_day_design).toEqual({ utilizationPct: 7.5, resetsAtMs: Date.UTC(2026, 4, 1) });
    expect(usage.extra.seven_day_cowork).toEqual({ utilizationPct: 0, resetsAtMs: null });
  });

  it('prefers the limits array over the named windows when both are present', () => {
    const usage = reading('usage-limits.json');
    expect(usage.fiveHour).toEqual({ utilizationPct: 22, resetsAtMs: Date.UTC(2026, 3, 14, 13, 59, 59, 528) });
    expect(usage.sevenDay?.utilizationPct).toBe(71);
    expect(usage.extra).toEqual({ 'weekly_scoped:sonnet': { utilizationPct: 4, resetsAtMs: Date.UTC(2026, 3, 20, 20, 59, 59, 771) } });
  });

  it('reads limit entries spelled with type, used_percentage and epoch-second resets, skipping broken entries', () => {
    const usage = reading('usage-limits-variant.json');
    expect(usage.fiveHour).toEqual({ utilizationPct: 9, resetsAtMs: 1_776_175_199_000 });
    expect(usage.sevenDay).toEqual({ utilizationPct: 55.5, resetsAtMs: null });
    expect(usage.extra).toEqual({
      'weekly_scoped:claude-opus': { utilizationPct: 12, resetsAtMs: null },
      'weekly_scoped:3': { utilizationPct: 3, resetsAtMs: null },
    });
  });

  it('falls back to a named window that the limits array does not carry', () => {
    const usage = reading('usage-limits-partial.json');
    expect(usage.fiveHour).toEqual({ utilizationPct: 33, resetsAtMs: Date.UTC(2026, 3, 14, 12, 59, 59) });
    expect(usage.sevenDay?.utilizationPct).toBe(70);
  });

  it.each([
    ['a string', 'hello'],
    ['null', null],
    ['an array', [1, 2]],
    ['a number', 42],
    ['an API error envelope', { type: 'error', error: { type: 'api_error', message: 'x' } }],
    ['an empty object', {}],
    ['an empty limits array alone', { limits: [] }],
  ])('returns an error instead of throwing for %s', (_label, body) => {
    const result = parseUsage(body);
    expect(result.ok).toBe(false);
  });

  it('rejects a main window of the wrong shape with a message naming it', () => {
    const result = parseUsage({ five_hour: 'full', seven_day: { utilization: 10, resets_at: null } });
    expect(result).toEqual({ ok: false, error: 'usage window five_hour has an unexpected shape' });
  });

  it('rejects a utilization that is not a number', () => {
    expect(parseUsage({ seven_day: { utilization: '68.0', resets_at: null } }).ok).toBe(false);
  });
});

describe('parseResetsAtMs', () => {
  it('reads an ISO time with a non-UTC offset', () => {
    expect(parseResetsAtMs('2026-04-14T14:00:00+02:00')).toBe(Date.UTC(2026, 3, 14, 12));
  });

  it('reads an ISO time without an offset as UTC', () => {
    expect(parseResetsAtMs('2026-04-14T12:00:00')).toBe(Date.UTC(2026, 3, 14, 12));
  });

  it('reads epoch seconds and leaves epoch milliseconds as they are', () => {
    expect(parseResetsAtMs(1_795_554_139)).toBe(1_795_554_139_000);
    expect(parseResetsAtMs(1_795_554_139_000)).toBe(1_795_554_139_000);
  });

  it.each([['not a date'], ['2026-13-45T99:99:99Z'], ['1.5'], [''], [null], [undefined], [-5]])('answers null for %s', (value) => {
    expect(parseResetsAtMs(value)).toBeNull();
  });
});

describe('parseUsage range checks (issue 14 item 8)', () => {
  const window = (utilization: number, resets_at: unknown = '2026-04-14T12:59:59Z') => ({ utilization, resets_at });
  it.each([
    ['utilization 1e308', { five_hour: window(1e308), seven_day: window(10) }],
    ['utilization -1e308', { five_hour: window(10), seven_day: window(-1e308) }],
    ['utilization -5', { five_hour: window(-5), seven_day: window(10) }],
    ['resets_at 1e20', { five_hour: window(10, 1e20), seven_day: window(10) }],
    ['resets_at in the year 9999', { five_hour: window(10), seven_day: window(10, '9999-01-01T00:00:00Z') }],
    ['a limits entry at 1e308', { limits: [{ kind: 'session', utilization: 1e308, resets_at: '2026-04-14T12:59:59Z' }] }],
  ])('rejects %s as a bad response', (_name, body) => {
    const parsed = parseUsage(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(/out of range/);
  });

  it('drops an extra window with absurd figures and keeps the rest', () => {
    const parsed = parseUsage({ five_hour: window(10), seven_day: window(20), seven_day_odd: window(1e300) });
    expect(parsed.ok && parsed.value.extra).toEqual({});
    expect(parsed.ok && parsed.value.sevenDay?.utilizationPct).toBe(20);
  });

  it('accepts the edges: 0 %, over 100 % and a reset a year away', () => {
    const parsed = parseUsage({ five_hour: window(0), seven_day: window(104.5, '2027-04-14T12:59:59Z') });
    expect(parsed.ok).toBe(true);
  });
});

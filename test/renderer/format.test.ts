import { describe, expect, test } from 'vitest';
import {
  formatAge,
  formatClock,
  formatCountdown,
  formatCountdownPrecise,
  formatExpiry,
  formatPct,
  formatSessionState,
  formatTokenHealth,
  projectName,
  shortId,
  toBarPct,
  toUsageLevel,
} from '../../src-renderer/lib/format.js';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;

describe('percents', () => {
  test('rounds to a whole percent and shows a dash when unknown', () => {
    expect(formatPct(42.4)).toBe('42%');
    expect(formatPct(0)).toBe('0%');
    expect(formatPct(100)).toBe('100%');
    expect(formatPct(null)).toBe('—');
    expect(formatPct(Number.NaN)).toBe('—');
  });

  test('never rounds a figure under 100 up to 100 %', () => {
    expect(formatPct(99.6)).toBe('99%');
    expect(formatPct(100.4)).toBe('100%');
  });

  test('clamps bars to the track but keeps over-100 figures in the text', () => {
    expect(toBarPct(104)).toBe(100);
    expect(toBarPct(-3)).toBe(0);
    expect(toBarPct(null)).toBe(0);
    expect(formatPct(104)).toBe('104%');
  });

  test('colours by the shared levels: ok, high from 75, critical from 90, exhausted at 100', () => {
    expect(toUsageLevel(74.9)).toBe('ok');
    expect(toUsageLevel(75)).toBe('high');
    expect(toUsageLevel(89.9)).toBe('high');
    expect(toUsageLevel(90)).toBe('critical');
    expect(toUsageLevel(100)).toBe('exhausted');
    expect(toUsageLevel(null)).toBe('unknown');
  });
});

describe('times', () => {
  test('counts down in the table format, saying now once passed', () => {
    expect(formatCountdown(NOW + 3 * 24 * HOUR + 9 * HOUR + 59 * MIN, NOW)).toBe('3d 9h');
    expect(formatCountdown(NOW + 4 * HOUR + 26 * MIN + 30_000, NOW)).toBe('4h 26m');
    expect(formatCountdown(NOW - 1, NOW)).toBe('now');
    expect(formatCountdown(null, NOW)).toBe('—');
  });

  test('counts the header countdown to the second under an hour', () => {
    expect(formatCountdownPrecise(NOW + 3 * MIN + 7_000, NOW)).toBe('3m 07s');
    expect(formatCountdownPrecise(NOW + 45_500, NOW)).toBe('45s');
    expect(formatCountdownPrecise(NOW + 2 * HOUR + 5 * MIN, NOW)).toBe('2h 5m');
  });

  test('shows ages, with just now for the last few seconds', () => {
    expect(formatAge(NOW - 12 * MIN, NOW)).toBe('12m ago');
    expect(formatAge(NOW - 2_000, NOW)).toBe('just now');
    expect(formatAge(null, NOW)).toBe('never');
  });

  test('says when a token expires or how long ago it did', () => {
    expect(formatExpiry(NOW + 7 * HOUR + 59 * MIN, NOW)).toBe('in 7h 59m');
    expect(formatExpiry(NOW - 3 * MIN, NOW)).toBe('expired 3m ago');
  });

  test('shows a time of day for today and adds the date for other days', () => {
    const today = formatClock(NOW - HOUR, NOW);
    const otherDay = formatClock(NOW - 3 * 24 * HOUR, NOW);
    expect(today).toMatch(/^\d{2}:\d{2}:\d{2}$/);
    expect(otherDay).not.toMatch(/^\d{2}:\d{2}:\d{2}$/);
  });
});

describe('sessions and tokens', () => {
  test('writes session states with their elapsed time', () => {
    expect(formatSessionState({ kind: 'idle' }, NOW)).toBe('idle');
    expect(formatSessionState({ kind: 'in-turn', sinceMs: NOW - 2 * MIN }, NOW)).toBe('in turn 2m');
    expect(formatSessionState({ kind: 'tool', toolName: 'Bash', sinceMs: NOW - 45_000 }, NOW)).toBe('tool: Bash 45s');
  });

  test('names each token health as the Token column shows it', () => {
    expect(formatTokenHealth('healthy', 'a1b2c3d4')).toBe('a1b2c3d4');
    expect(formatTokenHealth('expiring', 'x')).toBe('expiring');
    expect(formatTokenHealth('refreshing', 'x')).toBe('refreshing…');
    expect(formatTokenHealth('expired-exhausted', 'x')).toBe('expired (7d exhausted)');
    expect(formatTokenHealth('needs-login', 'x')).toBe('needs login');
  });

  test('shortens ids and paths for the sessions panel', () => {
    expect(shortId('0123456789abcdef')).toBe('01234567');
    expect(projectName('/home/me/src/app/')).toBe('app');
    expect(projectName('C:\\work\\proj')).toBe('proj');
  });
});

/** Fresh figures win: a lower figure for the same window is stale (issue 9 item 1). */
import { describe, expect, it } from 'vitest';
import { figuresProducedAtMs, judgeReading, SAME_WINDOW_TOLERANCE_MS } from '../../src-main/engine/usage/reading-freshness.js';
import type { UsageCacheEntry } from '../../src-main/engine/storage/state-schema.js';

const HOUR_MS = 3_600_000;
const RESET_5H = 1_796_427_342_000;
const RESET_7D = RESET_5H + 4 * 24 * HOUR_MS;

function entry(fiveHourPct: number | null, patch: Partial<UsageCacheEntry> = {}): UsageCacheEntry {
  return {
    fiveHour: fiveHourPct === null ? null : { utilizationPct: fiveHourPct, resetsAtMs: RESET_5H },
    sevenDay: { utilizationPct: 40, resetsAtMs: RESET_7D },
    extra: {},
    readAtMs: 1_000,
    source: 'statusline',
    ...patch,
  };
}

describe('judgeReading', () => {
  it('takes any reading when nothing is held yet', () => {
    expect(judgeReading(undefined, entry(10)).kind).toBe('fresh');
  });

  it('calls a statusline figure lower than a poll’s for the same 5-hour window stale (the issue’s 10 % after 90 %)', () => {
    const poll = entry(90, { source: 'poll', readAtMs: 5_000, figuresAtMs: 5_000 });
    const statusline = entry(10, { readAtMs: 6_000 });
    expect(judgeReading(poll, statusline)).toEqual({ kind: 'stale', window: 'fiveHour', previousPct: 90, readingPct: 10 });
  });

  it('accepts an equal or higher figure for the same window', () => {
    const poll = entry(90, { source: 'poll' });
    expect(judgeReading(poll, entry(90)).kind).toBe('fresh');
    expect(judgeReading(poll, entry(91)).kind).toBe('fresh');
  });

  it('treats reset times within the tolerance as one window (Claude Code sends whole seconds)', () => {
    const poll = entry(90, { source: 'poll' });
    const rounded = { ...entry(50), fiveHour: { utilizationPct: 50, resetsAtMs: RESET_5H - 528 } };
    expect(judgeReading(poll, rounded).kind).toBe('stale');
  });

  it('accepts a lower figure for a new window (the reset moved on)', () => {
    const old = entry(90, { source: 'poll' });
    const next = { ...entry(3), fiveHour: { utilizationPct: 3, resetsAtMs: RESET_5H + SAME_WINDOW_TOLERANCE_MS + 5 * HOUR_MS } };
    expect(judgeReading(old, next).kind).toBe('fresh');
  });

  it('accepts a figure when either side has no reset time (no window opened yet)', () => {
    const held = { ...entry(null), fiveHour: { utilizationPct: 90, resetsAtMs: null } };
    expect(judgeReading(held, entry(10)).kind).toBe('fresh');
  });

  it('calls the 7-day figure stale on its own too', () => {
    const held = entry(10, { sevenDay: { utilizationPct: 70, resetsAtMs: RESET_7D } });
    expect(judgeReading(held, entry(10)).kind).toBe('stale');
  });

  it('calls a reading whose figures were produced earlier stale, whatever they say', () => {
    const held = entry(50, { source: 'poll', readAtMs: 9_000, figuresAtMs: 9_000 });
    const older = entry(60, { source: 'poll', readAtMs: 8_000, figuresAtMs: 8_000 });
    expect(judgeReading(held, older)).toMatchObject({ kind: 'stale', window: null });
  });

  it('knows when a poll’s figures were produced, and that a statusline payload does not say', () => {
    expect(figuresProducedAtMs(entry(1, { source: 'poll', readAtMs: 7 }))).toBe(7);
    expect(figuresProducedAtMs(entry(1, { source: 'statusline', readAtMs: 7 }))).toBeNull();
  });
});

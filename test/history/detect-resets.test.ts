import { describe, expect, it } from 'vitest';
import { detectResets, type ResetInput } from '../../src-main/engine/history/detect-resets.js';

const H = 3_600_000;
const D = 24 * H;
const T0 = Date.UTC(2026, 10, 2, 0, 0, 0);

/** A reading at `atMs` (seen again until `lastSeenMs`) with the weekly window only. */
function weekly(atMs: number, pct: number | null, resetsAtMs: number | null, lastSeenMs = atMs): ResetInput {
  return { atMs, lastSeenMs, fiveHour: null, sevenDay: { pct, resetsAtMs } };
}

function fiveHour(atMs: number, pct: number | null, resetsAtMs: number | null): ResetInput {
  return { atMs, lastSeenMs: atMs, fiveHour: { pct, resetsAtMs }, sevenDay: null };
}

describe('detectResets', () => {
  it('records a weekly reset at the old resets_at with the last reading before it and its age', () => {
    const reset = T0 + 3 * D;
    const resets = detectResets(weekly(reset - 20 * 60_000, 62, reset), weekly(reset + 10 * 60_000, 0, reset + 7 * D));
    expect(resets).toEqual([{ window: 'seven_day', resetAtMs: reset, lastPct: 62, lastReadAtMs: reset - 20 * 60_000, uncertain: false }]);
  });

  it('takes the age from when the unchanged reading was last seen, not first stored', () => {
    const reset = T0 + 3 * D;
    const before = weekly(reset - 5 * H, 80, reset, reset - 10 * 60_000);
    const [r] = detectResets(before, weekly(reset + 60_000, 1, reset + 7 * D));
    expect(r?.lastReadAtMs).toBe(reset - 10 * 60_000);
    expect(r?.uncertain).toBe(false);
  });

  it('marks a reset uncertain when the last reading before it is older than an hour (a gap)', () => {
    const reset = T0 + 3 * D;
    const [r] = detectResets(weekly(reset - 3 * H, 40, reset), weekly(reset + 2 * H, 5, reset + 7 * D));
    expect(r).toMatchObject({ resetAtMs: reset, lastPct: 40, uncertain: true });
  });

  it('records the weekly windows skipped entirely with an unknown figure', () => {
    const reset = T0 + 3 * D;
    const resets = detectResets(weekly(reset - 30 * 60_000, 55, reset), weekly(reset + 15 * D, 3, reset + 21 * D));
    expect(resets.map((r) => [r.resetAtMs, r.lastPct, r.uncertain])).toEqual([
      [reset, 55, false],
      [reset + 7 * D, null, true],
      [reset + 14 * D, null, true],
    ]);
  });

  it('sees no reset when resets_at only jitters by seconds and utilization rises', () => {
    const reset = T0 + 3 * D;
    expect(detectResets(weekly(reset - 2 * H, 30, reset), weekly(reset - H, 31, reset + 1500))).toEqual([]);
  });

  it('sees no reset when the local clock jumps past resets_at but the server still reports the same window', () => {
    const reset = T0 + 3 * D;
    // The machine's clock jumped two days ahead; the endpoint still reports the open window.
    expect(detectResets(weekly(reset - 2 * H, 30, reset), weekly(reset + 2 * D, 31, reset))).toEqual([]);
  });

  it('dates a reset by the server when the local clock jumped backwards across it', () => {
    const reset = T0 + 3 * D;
    const [r] = detectResets(weekly(reset - 10 * 60_000, 70, reset), weekly(reset - 5 * H, 2, reset + 7 * D));
    expect(r).toMatchObject({ resetAtMs: reset, lastPct: 70, uncertain: false });
  });

  it('records an unused week: 0 % before the reset, 0 % after, resets_at a week later', () => {
    const reset = T0 + 3 * D;
    const [r] = detectResets(weekly(reset - 5 * 60_000, 0, reset), weekly(reset + 5 * 60_000, 0, reset + 7 * D));
    expect(r).toMatchObject({ lastPct: 0, uncertain: false });
  });

  it('records a 5-hour reset when the window closes (resets_at gone) after its time', () => {
    const end = T0 + 10 * H;
    const [r] = detectResets(fiveHour(end - 5 * 60_000, 93, end), fiveHour(end + 30 * 60_000, 0, null));
    expect(r).toMatchObject({ window: 'five_hour', resetAtMs: end, lastPct: 93, uncertain: false });
  });

  it('does not report a 5-hour reset before its time while the window is unchanged', () => {
    const end = T0 + 10 * H;
    expect(detectResets(fiveHour(end - 2 * H, 50, end), fiveHour(end - H, 60, end))).toEqual([]);
  });

  it('ignores windows without a known reset time', () => {
    expect(detectResets(weekly(T0, null, null), weekly(T0 + H, 10, T0 + 7 * D))).toEqual([]);
  });
});

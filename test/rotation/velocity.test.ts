import { describe, expect, it } from 'vitest';
import { fitVelocity, projectBreach, projectTimeToReachMs, type PctPoint } from '../../src-main/engine/rotation/velocity.js';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const MIN = 60_000;
const LOOKBACK = 30 * MIN;

/** Points one a minute ending at NOW, with the given percentages (oldest first). */
function perMinute(pcts: readonly number[], endAtMs = NOW): PctPoint[] {
  return pcts.map((pct, i) => ({ atMs: endAtMs - (pcts.length - 1 - i) * MIN, pct }));
}

const PER_MIN = 1 / MIN;

describe('fitVelocity', () => {
  it('fits the slope of a clean line', () => {
    const fit = fitVelocity(perMinute([10, 12, 14, 16, 18]), NOW, LOOKBACK);
    expect(fit?.slopePctPerMs).toBeCloseTo(2 * PER_MIN, 12);
    expect(fit).toMatchObject({ anchorAtMs: NOW, anchorPct: 18, sampleCount: 5, resetCut: false, outlierDropped: false });
  });

  it('uses only the samples after a reset inside the window', () => {
    const fit = fitVelocity(perMinute([60, 62, 64, 66, 1, 2, 3, 4]), NOW, LOOKBACK);
    expect(fit?.slopePctPerMs).toBeCloseTo(1 * PER_MIN, 12);
    expect(fit).toMatchObject({ sampleCount: 4, resetCut: true });
  });

  it('handles a reset and a noisy sample in the same window', () => {
    const fit = fitVelocity(perMinute([60, 62, 64, 1, 2, 30, 4, 5, 6]), NOW, LOOKBACK);
    expect(fit?.slopePctPerMs).toBeCloseTo(1 * PER_MIN, 12);
    expect(fit).toMatchObject({ resetCut: true, outlierDropped: true, sampleCount: 5 });
  });

  it('shrugs off one low noisy sample', () => {
    const fit = fitVelocity(perMinute([10, 11, 12, 2, 14, 15]), NOW, LOOKBACK);
    expect(fit?.slopePctPerMs).toBeCloseTo(1 * PER_MIN, 12);
    expect(fit).toMatchObject({ outlierDropped: true, resetCut: false, sampleCount: 5 });
  });

  it('shrugs off one high noisy sample', () => {
    const fit = fitVelocity(perMinute([10, 11, 50, 13, 14, 15]), NOW, LOOKBACK);
    expect(fit?.slopePctPerMs).toBeCloseTo(1 * PER_MIN, 12);
    expect(fit).toMatchObject({ outlierDropped: true, resetCut: false });
  });

  it('keeps every sample of quantised whole-percent readings', () => {
    const fit = fitVelocity(perMinute([40, 40, 41, 41, 42, 42, 43, 43]), NOW, LOOKBACK);
    expect(fit?.slopePctPerMs).toBeGreaterThan(0.4 * PER_MIN);
    expect(fit?.outlierDropped).toBe(false);
  });

  it('gives no fit from fewer than three samples', () => {
    expect(fitVelocity(perMinute([10, 20]), NOW, LOOKBACK)).toBeNull();
  });

  it('gives no fit when a reset leaves fewer than three samples', () => {
    expect(fitVelocity(perMinute([70, 72, 74, 76, 1, 2]), NOW, LOOKBACK)).toBeNull();
  });

  it('gives no fit from samples spanning less than a minute', () => {
    const points = [0, 10_000, 20_000, 30_000].map((ms, i) => ({ atMs: NOW - ms, pct: 50 - i }));
    expect(fitVelocity(points, NOW, LOOKBACK)).toBeNull();
  });

  it('ignores samples older than the lookback', () => {
    const old = perMinute([0, 0, 0, 0], NOW - 40 * MIN);
    const fit = fitVelocity([...old, ...perMinute([10, 12, 14])], NOW, LOOKBACK);
    expect(fit).toMatchObject({ sampleCount: 3 });
    expect(fit?.slopePctPerMs).toBeCloseTo(2 * PER_MIN, 12);
  });

  it('ignores samples timed after now', () => {
    const fit = fitVelocity([...perMinute([10, 11, 12]), { atMs: NOW + 5 * MIN, pct: 99 }], NOW, LOOKBACK);
    expect(fit).toMatchObject({ sampleCount: 3, anchorPct: 12 });
  });

  it('sorts samples that arrive out of order', () => {
    const fit = fitVelocity([...perMinute([10, 12, 14, 16])].reverse(), NOW, LOOKBACK);
    expect(fit?.slopePctPerMs).toBeCloseTo(2 * PER_MIN, 12);
  });
});

describe('projectTimeToReachMs', () => {
  it('projects the time to the target from the newest sample', () => {
    const fit = fitVelocity(perMinute([90, 91, 92, 93, 94, 95]), NOW, LOOKBACK);
    expect(fit && projectTimeToReachMs(fit, 100, NOW)).toBeCloseTo(5 * MIN, 3);
  });

  it('extrapolates from a newest sample taken before now', () => {
    const fit = fitVelocity(perMinute([90, 91, 92, 93, 94, 95], NOW - 2 * MIN), NOW, LOOKBACK);
    expect(fit && projectTimeToReachMs(fit, 100, NOW)).toBeCloseTo(3 * MIN, 3);
  });

  it('makes no projection from a flat or falling line', () => {
    const flat = fitVelocity(perMinute([50, 50, 50, 50]), NOW, LOOKBACK);
    expect(flat && projectTimeToReachMs(flat, 100, NOW)).toBeNull();
  });

  it('projects zero when the target is already reached', () => {
    const fit = fitVelocity(perMinute([98, 100, 102]), NOW, LOOKBACK);
    expect(fit && projectTimeToReachMs(fit, 100, NOW)).toBe(0);
  });
});

describe('projectBreach', () => {
  const base = { window: '7d' as const, nowMs: NOW, lookbackMs: LOOKBACK, targetPct: 100, resetsAtMs: null };

  it('reports a breach inside the horizon with its slope per hour', () => {
    const projection = projectBreach({ ...base, points: perMinute([90, 91, 92, 93, 94, 95]), horizonMs: 10 * MIN });
    expect(projection).toMatchObject({ window: '7d', sampleCount: 6 });
    expect(projection?.projectedMs).toBeCloseTo(5 * MIN, 3);
    expect(projection?.slopePctPerHour).toBeCloseTo(60, 6);
  });

  it('reports nothing beyond the horizon', () => {
    expect(projectBreach({ ...base, points: perMinute([90, 91, 92, 93, 94, 95]), horizonMs: 4 * MIN })).toBeNull();
  });

  it('reports nothing when the window resets before the projected breach', () => {
    const points = perMinute([90, 91, 92, 93, 94, 95]);
    expect(projectBreach({ ...base, points, horizonMs: 10 * MIN, resetsAtMs: NOW + 4 * MIN })).toBeNull();
  });
});

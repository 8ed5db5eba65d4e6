/**
 * How fast a usage window fills, from recent samples, and when it will reach a limit.
 *
 * Method: ordinary least squares over the samples of the last `lookbackMs`, after two clean-ups.
 * 1. A window reset inside the lookback shows as a *persistent* drop: every later sample stays
 *    below the level before the drop. Only samples from the last such drop on are used.
 *    The level before a drop is the median of up to three preceding samples, so one noisy sample
 *    on either side of the drop neither fakes a reset nor hides one.
 * 2. One noisy sample: after the fit, the sample with the largest residual is dropped and the line
 *    refitted when it stands out — at least {@link OUTLIER_MIN_RESIDUAL_PCT} points off and more than
 *    {@link OUTLIER_RESIDUAL_RATIO} × the median residual. Least squares (rather than Theil–Sen) keeps
 *    every good sample in play, which matters because statusline readings are whole percents: a
 *    median of pairwise slopes over quantised, mostly-flat samples is often exactly zero.
 * No projection from fewer than {@link MIN_SAMPLES} samples, a span under {@link MIN_SPAN_MS}, or a
 * slope that is not positive. Samples timed after `nowMs` (the clock went back) are ignored.
 */
import type { VelocityWindow } from './rotation-types.js';

/** One point of one window. */
export interface PctPoint {
  readonly atMs: number;
  readonly pct: number;
}

/** A fitted line: how fast the window fills, anchored at the newest sample kept. */
export interface VelocityFit {
  readonly slopePctPerMs: number;
  readonly anchorAtMs: number;
  readonly anchorPct: number;
  readonly sampleCount: number;
  /** True when samples before a reset inside the lookback were left out. */
  readonly resetCut: boolean;
  /** True when one outlying sample was dropped. */
  readonly outlierDropped: boolean;
}

export const MIN_SAMPLES = 3;
export const MIN_SPAN_MS = 60_000;
/** A drop of more than this many points below the preceding level is a reset (when it persists). */
export const RESET_DROP_PCT = 5;
export const OUTLIER_MIN_RESIDUAL_PCT = 2;
export const OUTLIER_RESIDUAL_RATIO = 3;

/** Fits the filling rate of one window; null when there is not enough to go on. */
export function fitVelocity(points: readonly PctPoint[], nowMs: number, lookbackMs: number): VelocityFit | null {
  const recent = points
    .filter((p) => Number.isFinite(p.atMs) && Number.isFinite(p.pct) && p.atMs <= nowMs && p.atMs >= nowMs - lookbackMs)
    .sort((a, b) => a.atMs - b.atMs);
  const cutAt = lastResetIndex(recent);
  let kept = recent.slice(cutAt);
  if (kept.length < MIN_SAMPLES) return null;
  let line = leastSquares(kept);
  let outlierDropped = false;
  if (line && kept.length > MIN_SAMPLES) {
    const worst = outlierIndex(kept, line);
    if (worst !== null) {
      kept = kept.filter((_, i) => i !== worst);
      line = leastSquares(kept);
      outlierDropped = true;
    }
  }
  const anchor = kept[kept.length - 1];
  const first = kept[0];
  if (!line || !anchor || !first || anchor.atMs - first.atMs < MIN_SPAN_MS) return null;
  return {
    slopePctPerMs: line.slope,
    anchorAtMs: anchor.atMs,
    anchorPct: anchor.pct,
    sampleCount: kept.length,
    resetCut: cutAt > 0,
    outlierDropped,
  };
}

/**
 * Time from `nowMs` until the fitted line reaches `targetPct`, extrapolated from the newest sample
 * kept; 0 when it already has; null when the slope is not positive.
 */
export function projectTimeToReachMs(fit: VelocityFit, targetPct: number, nowMs: number): number | null {
  if (!(fit.slopePctPerMs > 0)) return null;
  const reachAtMs = fit.anchorAtMs + (targetPct - fit.anchorPct) / fit.slopePctPerMs;
  return Math.max(0, reachAtMs - nowMs);
}

/** One window's projected breach, or null when none within the horizon. */
export interface WindowProjection {
  readonly window: VelocityWindow;
  readonly projectedMs: number;
  readonly slopePctPerHour: number;
  readonly sampleCount: number;
}

/**
 * The projected breach of one window within `horizonMs`; null when there is none, including when
 * the window resets (`resetsAtMs`) before the projected breach.
 */
export function projectBreach(args: {
  readonly window: VelocityWindow;
  readonly points: readonly PctPoint[];
  readonly nowMs: number;
  readonly lookbackMs: number;
  readonly targetPct: number;
  readonly horizonMs: number;
  readonly resetsAtMs: number | null;
}): WindowProjection | null {
  return projectFromFit({ ...args, fit: fitVelocity(args.points, args.nowMs, args.lookbackMs) });
}

/** {@link projectBreach} from a line already fitted (null: no projection). */
export function projectFromFit(args: {
  readonly window: VelocityWindow;
  readonly fit: VelocityFit | null;
  readonly nowMs: number;
  readonly targetPct: number;
  readonly horizonMs: number;
  readonly resetsAtMs: number | null;
}): WindowProjection | null {
  const fit = args.fit;
  if (!fit) return null;
  const projectedMs = projectTimeToReachMs(fit, args.targetPct, args.nowMs);
  if (projectedMs === null || projectedMs > args.horizonMs) return null;
  if (args.resetsAtMs !== null && args.resetsAtMs <= args.nowMs + projectedMs) return null;
  return {
    window: args.window,
    projectedMs,
    slopePctPerHour: fit.slopePctPerMs * 3_600_000,
    sampleCount: fit.sampleCount,
  };
}

/**
 * Index of the first sample after the last persistent drop; 0 when there is none. Scans forward so
 * the level before a drop is taken only from samples of the same window (after any earlier reset).
 */
function lastResetIndex(points: readonly PctPoint[]): number {
  let start = 0;
  for (let i = 1; i < points.length; i++) {
    const before = median(points.slice(Math.max(start, i - 3), i).map((p) => p.pct));
    const limit = before - RESET_DROP_PCT;
    if ((points[i]?.pct ?? Infinity) < limit && points.slice(i + 1).every((p) => p.pct < limit)) start = i;
  }
  return start;
}

interface Line {
  readonly slope: number;
  readonly intercept: number;
  readonly originMs: number;
}

function leastSquares(points: readonly PctPoint[]): Line | null {
  const originMs = points[0]?.atMs ?? 0;
  const n = points.length;
  let sx = 0;
  let sy = 0;
  for (const p of points) {
    sx += p.atMs - originMs;
    sy += p.pct;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    const dx = p.atMs - originMs - mx;
    sxx += dx * dx;
    sxy += dx * (p.pct - my);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, originMs };
}

function outlierIndex(points: readonly PctPoint[], line: Line): number | null {
  const residuals = points.map((p) => Math.abs(p.pct - (line.intercept + line.slope * (p.atMs - line.originMs))));
  let worst = 0;
  residuals.forEach((r, i) => {
    if (r > (residuals[worst] ?? 0)) worst = i;
  });
  const largest = residuals[worst] ?? 0;
  const typical = median(residuals);
  return largest >= OUTLIER_MIN_RESIDUAL_PCT && largest > OUTLIER_RESIDUAL_RATIO * typical ? worst : null;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

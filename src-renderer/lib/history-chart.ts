/**
 * The geometry and arithmetic behind the history charts, as pure functions (tested without a DOM):
 * scales, step paths through the recorded readings, time ticks, the projection of a weekly window
 * to its reset, the fleet's stacked weekly burn-down and the thinned rows of the table fallback.
 */
import type { HistorySample } from '../../src-main/shared/history-view.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

/** How far back the projection looks for the current pace (or to the window's start, if later). */
export const PACE_LOOKBACK_MS = DAY_MS;

/** A linear map from a domain onto a range of pixels. */
export function linearScale(domain0: number, domain1: number, range0: number, range1: number): (value: number) => number {
  const span = domain1 - domain0;
  if (span === 0) return () => (range0 + range1) / 2;
  const k = (range1 - range0) / span;
  return (value) => range0 + (value - domain0) * k;
}

export interface ChartPoint {
  readonly atMs: number;
  readonly pct: number | null;
}

const r = (value: number) => Math.round(value * 10) / 10;

/**
 * An SVG path through readings as steps: a reading holds until the next one (the history stores a
 * reading only when it changed). A null reading breaks the path. `endMs` extends the last step.
 */
export function stepPath(points: readonly ChartPoint[], x: (ms: number) => number, y: (pct: number) => number, endMs?: number): string {
  const parts: string[] = [];
  let open = false;
  for (const point of points) {
    if (point.pct === null) {
      open = false;
      continue;
    }
    const px = r(x(point.atMs));
    const py = r(y(point.pct));
    parts.push(open ? `H${px}V${py}` : `M${px} ${py}`);
    open = true;
  }
  if (open && endMs !== undefined) parts.push(`H${r(x(endMs))}`);
  return parts.join('');
}

/** One window's readings out of the samples. */
export function seriesOf(samples: readonly HistorySample[], window: 'five_hour' | 'seven_day'): ChartPoint[] {
  return samples.map((s) => ({ atMs: s.atMs, pct: window === 'seven_day' ? s.sevenDayPct : s.fiveHourPct }));
}

/** The value of a step series at `atMs`: the last reading at or before it; null before the first. */
export function valueAt(points: readonly ChartPoint[], atMs: number): number | null {
  let lo = 0;
  let hi = points.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((points[mid] as ChartPoint).atMs <= atMs) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found < 0 ? null : (points[found] as ChartPoint).pct;
}

export interface TimeTick {
  readonly atMs: number;
  readonly label: string;
}

const TICK_STEPS_MS = [HOUR_MS, 3 * HOUR_MS, 6 * HOUR_MS, 12 * HOUR_MS, DAY_MS, 2 * DAY_MS, WEEK_MS, 14 * DAY_MS, 28 * DAY_MS, 56 * DAY_MS];
const DAY_LABEL = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const HOUR_LABEL = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** At most `maxTicks` evenly spaced ticks on whole hours or local midnights inside [fromMs, toMs]. */
export function timeTicks(fromMs: number, toMs: number, maxTicks: number): TimeTick[] {
  const span = toMs - fromMs;
  if (span <= 0 || maxTicks < 1) return [];
  const step = TICK_STEPS_MS.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / DAY_MS) * DAY_MS;
  const ticks: TimeTick[] = [];
  if (step < DAY_MS) {
    for (let at = Math.ceil(fromMs / step) * step; at <= toMs; at += step) ticks.push({ atMs: at, label: HOUR_LABEL.format(at) });
    return ticks;
  }
  // Day steps: local midnights, every (step / day)-th one.
  const first = new Date(fromMs);
  first.setHours(0, 0, 0, 0);
  if (first.getTime() < fromMs) first.setDate(first.getDate() + 1);
  const everyDays = Math.round(step / DAY_MS);
  for (const d = first; d.getTime() <= toMs; d.setDate(d.getDate() + everyDays)) {
    ticks.push({ atMs: d.getTime(), label: DAY_LABEL.format(d) });
  }
  return ticks;
}

/** Where the current pace takes a weekly window by its reset. */
export type Projection =
  | {
      readonly kind: 'full';
      readonly fromMs: number;
      readonly fromPct: number;
      /** When the window reaches 100 % at this pace (now, if it is there already). */
      readonly fullAtMs: number;
      readonly resetsAtMs: number;
      readonly pacePctPerDay: number;
    }
  | {
      readonly kind: 'expires';
      readonly fromMs: number;
      readonly fromPct: number;
      /** Utilization at the reset at this pace. */
      readonly landingPct: number;
      /** `100 − landingPct`: the share that would expire unused. */
      readonly expiredPct: number;
      readonly resetsAtMs: number;
      readonly pacePctPerDay: number;
    };

export interface ProjectionInput {
  readonly nowMs: number;
  /** The window's utilization now (from the live snapshot). */
  readonly currentPct: number | null;
  readonly resetsAtMs: number | null;
  /** The account's recorded 7-day readings. */
  readonly points: readonly ChartPoint[];
  readonly windowMs?: number;
  readonly lookbackMs?: number;
}

/**
 * Projects a window to its reset at the pace of the last `lookbackMs` (or since the window opened,
 * when that is later; a window opens at 0 %). Null when there is no figure or no reset ahead.
 */
export function projectWindow(input: ProjectionInput): Projection | null {
  const { nowMs, currentPct, resetsAtMs, points } = input;
  if (currentPct === null || resetsAtMs === null || resetsAtMs <= nowMs) return null;
  const windowStartMs = resetsAtMs - (input.windowMs ?? WEEK_MS);
  const sinceMs = Math.max(windowStartMs, nowMs - (input.lookbackMs ?? PACE_LOOKBACK_MS));
  let baseMs = windowStartMs;
  let basePct = 0;
  for (const p of points) {
    if (p.atMs > sinceMs) break;
    if (p.atMs >= windowStartMs && p.pct !== null) {
      baseMs = p.atMs;
      basePct = p.pct;
    }
  }
  if (sinceMs > baseMs && baseMs > windowStartMs) baseMs = sinceMs; // the reading held until `sinceMs`
  const elapsedMs = nowMs - baseMs;
  const pacePctPerMs = elapsedMs > 0 ? Math.max(0, (currentPct - basePct) / elapsedMs) : 0;
  const pacePctPerDay = pacePctPerMs * DAY_MS;
  const base = { fromMs: nowMs, fromPct: currentPct, resetsAtMs, pacePctPerDay };
  if (currentPct >= 100) return { kind: 'full', ...base, fullAtMs: nowMs };
  const landingPct = currentPct + pacePctPerMs * (resetsAtMs - nowMs);
  if (landingPct >= 100) return { kind: 'full', ...base, fullAtMs: nowMs + (100 - currentPct) / pacePctPerMs };
  return { kind: 'expires', ...base, landingPct, expiredPct: 100 - landingPct };
}

export interface BurnDownSeries {
  readonly accountId: string;
  /** The account's weekly quota relative to the others (days of a Max 20x week). */
  readonly weight: number;
  readonly points: readonly ChartPoint[];
}

export interface BurnDownBand {
  readonly accountId: string;
  /** Bottom and top of the band at each grid time, in % of the fleet's weekly quota. */
  readonly lower: readonly number[];
  readonly upper: readonly number[];
}

export interface BurnDown {
  readonly timesMs: readonly number[];
  readonly bands: readonly BurnDownBand[];
  /** The fleet's weekly quota left at each grid time (the top of the stack). */
  readonly totalPct: readonly number[];
}

/**
 * Stacks every account's weekly quota left (`100 − 7d %`, weighted by its plan) on a common grid of
 * `steps + 1` times: the top of the stack is the fleet's weekly quota left, in % of all of it. An
 * account with no reading yet at a time adds nothing there.
 */
export function stackBurnDown(series: readonly BurnDownSeries[], fromMs: number, toMs: number, steps: number): BurnDown {
  const n = Math.max(1, Math.floor(steps));
  const timesMs = Array.from({ length: n + 1 }, (_, i) => Math.round(fromMs + ((toMs - fromMs) * i) / n));
  const totalWeight = series.reduce((sum, s) => sum + s.weight, 0) || 1;
  let below = timesMs.map(() => 0);
  const bands = series.map((s) => {
    const upper = timesMs.map((t, i) => {
      const pct = valueAt(s.points, t);
      const left = pct === null ? 0 : Math.min(100, Math.max(0, 100 - pct));
      return (below[i] as number) + (left * s.weight) / totalWeight;
    });
    const band = { accountId: s.accountId, lower: below, upper };
    below = upper;
    return band;
  });
  return { timesMs, bands, totalPct: below };
}

/** A closed SVG area between two lines over the same x positions. */
export function bandPath(xs: readonly number[], lower: readonly number[], upper: readonly number[], y: (pct: number) => number): string {
  if (xs.length === 0) return '';
  const top = xs.map((x, i) => `${i === 0 ? 'M' : 'L'}${r(x)} ${r(y(upper[i] as number))}`).join('');
  const bottom = xs
    .map((x, i) => ({ x, v: lower[i] as number }))
    .reverse()
    .map(({ x, v }) => `L${r(x)} ${r(y(v))}`)
    .join('');
  return `${top}${bottom}Z`;
}

/** At most `maxRows` samples for the table: the last reading of each equal time bucket (the SQL downsampling's rule). */
export function thinSamples(samples: readonly HistorySample[], maxRows: number): HistorySample[] {
  if (samples.length <= maxRows) return [...samples];
  const first = (samples[0] as HistorySample).atMs;
  const last = (samples[samples.length - 1] as HistorySample).atMs;
  const bucketMs = Math.max(1, Math.ceil((last - first + 1) / maxRows));
  const byBucket = new Map<number, HistorySample>();
  for (const s of samples) byBucket.set(Math.floor((s.atMs - first) / bucketMs), s);
  return [...byBucket.values()];
}

/** The chart's inner margins in pixels (room for the axis labels). */
export const FRAME = { top: 10, right: 12, bottom: 24, left: 40 } as const;

/** Where an arrow, Home or End key moves a cursor over `length` items; null for other keys. */
export function moveCursor(index: number | null, length: number, key: string, pageSize = 10): number | null {
  if (length === 0) return null;
  const at = index ?? length - 1;
  const clamp = (i: number) => Math.min(length - 1, Math.max(0, i));
  switch (key) {
    case 'ArrowLeft':
    case 'ArrowDown':
      return clamp(at - 1);
    case 'ArrowRight':
    case 'ArrowUp':
      return clamp(at + 1);
    case 'PageDown':
      return clamp(at - pageSize);
    case 'PageUp':
      return clamp(at + pageSize);
    case 'Home':
      return 0;
    case 'End':
      return length - 1;
    default:
      return null;
  }
}

/** The index of the item whose time is nearest `atMs` (items sorted by time); -1 when empty. */
export function nearestIndex(timesMs: readonly number[], atMs: number): number {
  if (timesMs.length === 0) return -1;
  let best = 0;
  for (let i = 1; i < timesMs.length; i++) {
    if (Math.abs((timesMs[i] as number) - atMs) < Math.abs((timesMs[best] as number) - atMs)) best = i;
  }
  return best;
}

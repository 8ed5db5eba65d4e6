/**
 * Fresh figures win (issue 9 item 1). Within one quota window (the same reset time) utilization
 * only rises, so a reading that is lower than the one it would replace, for the same window, was
 * produced earlier: a statusline run after a poll still carries the figures of the session's last
 * API response. Such a reading is stale and must not reach a decision (it would cancel a pending
 * switch). When both readings say when their figures were produced, the older one is stale too.
 */
import type { UsageCacheEntry } from '../storage/state-schema.js';

/** Two reset times this close belong to the same window (Claude Code rounds to seconds; a new 5-hour window resets hours later). */
export const SAME_WINDOW_TOLERANCE_MS = 5 * 60_000;

type WindowName = 'fiveHour' | 'sevenDay';

export type ReadingFreshness =
  | { readonly kind: 'fresh' }
  | {
      readonly kind: 'stale';
      /** The window whose figure went down, or null when the figures are older by their production time. */
      readonly window: WindowName | null;
      readonly previousPct: number | null;
      readonly readingPct: number | null;
    };

type Window = UsageCacheEntry['fiveHour'];

function sameWindow(a: Window, b: Window): boolean {
  if (!a || !b || a.resetsAtMs === null || b.resetsAtMs === null) return false;
  return Math.abs(a.resetsAtMs - b.resetsAtMs) <= SAME_WINDOW_TOLERANCE_MS;
}

/** When the figures of `entry` were produced, where known (a poll knows; a statusline payload does not say). */
export function figuresProducedAtMs(entry: UsageCacheEntry): number | null {
  return entry.figuresAtMs ?? (entry.source === 'poll' ? entry.readAtMs : null);
}

/**
 * Judges `reading` against `previous` (what the engine holds for the same account). A reading with
 * no previous one is fresh; so is one for a new window (its reset time moved on).
 */
export function judgeReading(previous: UsageCacheEntry | undefined, reading: UsageCacheEntry): ReadingFreshness {
  if (!previous) return { kind: 'fresh' };
  const before = figuresProducedAtMs(previous);
  const now = figuresProducedAtMs(reading);
  if (before !== null && now !== null && now < before) return { kind: 'stale', window: null, previousPct: null, readingPct: null };
  for (const window of ['fiveHour', 'sevenDay'] as const) {
    const a = previous[window];
    const b = reading[window];
    if (!sameWindow(a, b) || a?.utilizationPct == null || b?.utilizationPct == null) continue;
    if (b.utilizationPct < a.utilizationPct) {
      return { kind: 'stale', window, previousPct: a.utilizationPct, readingPct: b.utilizationPct };
    }
  }
  return { kind: 'fresh' };
}

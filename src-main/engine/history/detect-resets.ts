/**
 * Recognises window resets between two consecutive readings of one account. Pure.
 *
 * A window reset is recognised from its `resets_at` moving forward (by more than `minShiftMs`,
 * so the endpoint's jitter is not a reset) together with either the utilization falling or the
 * old `resets_at` having passed. The reset happened at the old `resets_at` (the server's time, so
 * a jump of the local clock does not move it). What expired unused is `100 − ` the last reading
 * before it; that reading's age is kept, and a reading older than `maxAgeMs` at the reset (a gap
 * in readings) makes the figure uncertain rather than guessed. Weekly windows the readings skipped
 * entirely are recorded with an unknown figure.
 */
import type { HistoryWindow } from '../../shared/history-view.js';

/** One window of one reading. */
export interface WindowReading {
  readonly pct: number | null;
  readonly resetsAtMs: number | null;
}

/** A reading as the detector sees it. */
export interface ResetInput {
  /** When it was first read. */
  readonly atMs: number;
  /** When the same figures were last seen again (≥ `atMs`); the age of the last reading counts from here. */
  readonly lastSeenMs: number;
  readonly fiveHour: WindowReading | null;
  readonly sevenDay: WindowReading | null;
}

export interface DetectedReset {
  readonly window: HistoryWindow;
  readonly resetAtMs: number;
  readonly lastPct: number | null;
  readonly lastReadAtMs: number | null;
  readonly uncertain: boolean;
}

export interface ResetRules {
  readonly windowMs: number;
  /** Smallest forward move of `resets_at` that counts as a new window. */
  readonly minShiftMs: number;
  /** A last reading older than this at the reset makes the figure uncertain. */
  readonly maxAgeMs: number;
}

const HOUR_MS = 3_600_000;

/** Default rules: 7d windows (reset time shift ≥ 1 h, last reading ≤ 1 h old), 5h windows (≥ 10 min, ≤ 15 min). */
export const RESET_RULES: Readonly<Record<HistoryWindow, ResetRules>> = {
  seven_day: { windowMs: 7 * 24 * HOUR_MS, minShiftMs: HOUR_MS, maxAgeMs: HOUR_MS },
  five_hour: { windowMs: 5 * HOUR_MS, minShiftMs: 10 * 60_000, maxAgeMs: 15 * 60_000 },
};

/** The resets between `previous` and `next` (oldest first); empty when none. */
export function detectResets(previous: ResetInput, next: ResetInput, rules = RESET_RULES): DetectedReset[] {
  return [
    ...detectWindow('seven_day', previous, previous.sevenDay, next, next.sevenDay, rules.seven_day),
    ...detectWindow('five_hour', previous, previous.fiveHour, next, next.fiveHour, rules.five_hour),
  ];
}

function detectWindow(
  window: HistoryWindow,
  previous: ResetInput,
  before: WindowReading | null,
  next: ResetInput,
  after: WindowReading | null,
  rules: ResetRules,
): DetectedReset[] {
  const oldResetMs = before?.resetsAtMs ?? null;
  if (before === null || oldResetMs === null || after === null) return [];
  const newResetMs = after.resetsAtMs;
  const moved = newResetMs === null || newResetMs - oldResetMs >= rules.minShiftMs;
  if (!moved) return [];
  const fell = before.pct !== null && after.pct !== null && after.pct < before.pct;
  const passed = oldResetMs <= next.atMs;
  if (!fell && !passed) return [];
  const ageMs = oldResetMs - previous.lastSeenMs;
  const first: DetectedReset = {
    window,
    resetAtMs: oldResetMs,
    lastPct: before.pct,
    lastReadAtMs: previous.lastSeenMs,
    // A negative age: the reading is dated after the window ended (a clock ahead of the server's).
    uncertain: before.pct === null || ageMs > rules.maxAgeMs || ageMs < -rules.maxAgeMs,
  };
  const resets = [first];
  // Weekly windows follow each other back to back: whole windows between the two readings went by unseen.
  if (window === 'seven_day' && newResetMs !== null) {
    const skipped = Math.round((newResetMs - oldResetMs) / rules.windowMs) - 1;
    for (let i = 1; i <= Math.min(skipped, 520); i++) {
      resets.push({ window, resetAtMs: oldResetMs + i * rules.windowMs, lastPct: null, lastReadAtMs: null, uncertain: true });
    }
  }
  return resets;
}

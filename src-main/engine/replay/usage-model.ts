/**
 * The quota model of one simulated account, computed analytically from time: no per-second loop,
 * so a multi-week replay costs one step per window reset or exhaustion, not per tick.
 *
 * Model: an account in use accrues usage at constant rates until either window reaches 100%
 * (then requests are refused, so nothing accrues until a reset). The 7-day window resets every
 * 7 days from its reset time. The 5-hour window opens on first use and resets 5 h later; when the
 * account is still in use at that moment, the next window opens at once.
 */

export const FIVE_HOUR_MS = 5 * 3_600_000;
export const SEVEN_DAY_MS = 7 * 24 * 3_600_000;
const HOUR_MS = 3_600_000;

export interface SimWindows {
  /** Percent 0–100. */
  readonly fiveHourPct: number;
  /** Null when no 5-hour window is open. */
  readonly fiveHourResetsAtMs: number | null;
  readonly sevenDayPct: number;
  readonly sevenDayResetsAtMs: number;
}

/** How fast an account in use fills its windows. */
export interface UsageRates {
  readonly fiveHourPctPerHour: number;
  readonly sevenDayPctPerHour: number;
}

/**
 * The windows at `toMs`, given the windows at `fromMs` and whether the account was in use the whole
 * time. Returns the input unchanged when `toMs <= fromMs` (time never runs backwards here).
 */
export function advanceWindows(start: SimWindows, rates: UsageRates, inUse: boolean, fromMs: number, toMs: number): SimWindows {
  let { fiveHourPct, fiveHourResetsAtMs, sevenDayPct, sevenDayResetsAtMs } = start;
  let t = fromMs;
  for (;;) {
    if (sevenDayResetsAtMs <= t) {
      sevenDayPct = 0;
      sevenDayResetsAtMs += SEVEN_DAY_MS * (Math.floor((t - sevenDayResetsAtMs) / SEVEN_DAY_MS) + 1);
    }
    if (fiveHourResetsAtMs !== null && fiveHourResetsAtMs <= t) {
      fiveHourPct = 0;
      fiveHourResetsAtMs = null;
    }
    if (t >= toMs) break;
    const serving = inUse && fiveHourPct < 100 && sevenDayPct < 100;
    if (serving && fiveHourResetsAtMs === null) fiveHourResetsAtMs = t + FIVE_HOUR_MS;
    const fullFiveMs = serving ? timeToFullMs(t, fiveHourPct, rates.fiveHourPctPerHour) : Infinity;
    const fullSevenMs = serving ? timeToFullMs(t, sevenDayPct, rates.sevenDayPctPerHour) : Infinity;
    const next = Math.min(toMs, sevenDayResetsAtMs, fiveHourResetsAtMs ?? Infinity, fullFiveMs, fullSevenMs);
    if (serving) {
      const hours = (next - t) / HOUR_MS;
      // Landing exactly on a "full" event snaps to 100, so float error can never stall the loop.
      fiveHourPct = next === fullFiveMs ? 100 : Math.min(100, fiveHourPct + rates.fiveHourPctPerHour * hours);
      sevenDayPct = next === fullSevenMs ? 100 : Math.min(100, sevenDayPct + rates.sevenDayPctPerHour * hours);
    }
    t = next;
  }
  return { fiveHourPct, fiveHourResetsAtMs, sevenDayPct, sevenDayResetsAtMs };
}

/** When a window at `pct` filling at `pctPerHour` reaches 100 (never before `t`). */
function timeToFullMs(t: number, pct: number, pctPerHour: number): number {
  if (pctPerHour <= 0) return Infinity;
  return Math.max(t, t + ((100 - pct) / pctPerHour) * HOUR_MS);
}

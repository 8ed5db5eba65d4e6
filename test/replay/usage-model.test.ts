import { describe, expect, it } from 'vitest';
import { advanceWindows, FIVE_HOUR_MS, SEVEN_DAY_MS, type SimWindows } from '../../src-main/engine/replay/usage-model.js';

const HOUR_MS = 3_600_000;
const T0 = Date.UTC(2026, 10, 24, 12);
const rates = { fiveHourPctPerHour: 10, sevenDayPctPerHour: 1 };
const fresh: SimWindows = { fiveHourPct: 0, fiveHourResetsAtMs: null, sevenDayPct: 20, sevenDayResetsAtMs: T0 + 3 * 24 * HOUR_MS };

describe('advanceWindows', () => {
  it('leaves an idle account flat', () => {
    expect(advanceWindows(fresh, rates, false, T0, T0 + 2 * HOUR_MS)).toEqual(fresh);
  });

  it('accrues usage on an account in use and opens a 5-hour window at first use', () => {
    const after = advanceWindows(fresh, rates, true, T0, T0 + 2 * HOUR_MS);
    expect(after.fiveHourPct).toBeCloseTo(20);
    expect(after.sevenDayPct).toBeCloseTo(22);
    expect(after.fiveHourResetsAtMs).toBe(T0 + FIVE_HOUR_MS);
  });

  it('opens the next 5-hour window at once when the account is still in use at the reset', () => {
    const after = advanceWindows(fresh, rates, true, T0, T0 + 6 * HOUR_MS);
    expect(after.fiveHourResetsAtMs).toBe(T0 + 2 * FIVE_HOUR_MS);
    expect(after.fiveHourPct).toBeCloseTo(10);
  });

  it('closes the 5-hour window at its reset when the account is idle', () => {
    const open = { ...fresh, fiveHourPct: 50, fiveHourResetsAtMs: T0 + HOUR_MS };
    expect(advanceWindows(open, rates, false, T0, T0 + 2 * HOUR_MS)).toMatchObject({ fiveHourPct: 0, fiveHourResetsAtMs: null });
  });

  it('resets the 7-day window to zero and schedules the next reset a week later', () => {
    const after = advanceWindows(fresh, rates, false, T0, fresh.sevenDayResetsAtMs + HOUR_MS);
    expect(after).toMatchObject({ sevenDayPct: 0, sevenDayResetsAtMs: fresh.sevenDayResetsAtMs + SEVEN_DAY_MS });
  });

  it('skips several missed weekly resets in one step', () => {
    const after = advanceWindows(fresh, rates, false, T0, fresh.sevenDayResetsAtMs + 3 * SEVEN_DAY_MS + HOUR_MS);
    expect(after.sevenDayResetsAtMs).toBe(fresh.sevenDayResetsAtMs + 4 * SEVEN_DAY_MS);
  });

  it('stops at 100% of the 5-hour window and accrues nothing on the 7-day window meanwhile', () => {
    const fast = { fiveHourPctPerHour: 50, sevenDayPctPerHour: 1 };
    const after = advanceWindows(fresh, fast, true, T0, T0 + 4 * HOUR_MS);
    expect(after.fiveHourPct).toBe(100);
    expect(after.sevenDayPct).toBeCloseTo(22);
  });

  it('stops at 100% of the 7-day window until it resets', () => {
    const nearly = { ...fresh, sevenDayPct: 99 };
    const after = advanceWindows(nearly, rates, true, T0, T0 + 10 * HOUR_MS);
    expect(after.sevenDayPct).toBe(100);
  });

  it('gives the same state for many small steps as for one big step', () => {
    const end = T0 + 5 * SEVEN_DAY_MS + 17 * HOUR_MS;
    const oneJump = advanceWindows(fresh, rates, true, T0, end);
    let stepped = fresh;
    for (let t = T0; t < end; t = Math.min(end, t + 3 * 60_000))
      stepped = advanceWindows(stepped, rates, true, t, Math.min(end, t + 3 * 60_000));
    expect(stepped.sevenDayResetsAtMs).toBe(oneJump.sevenDayResetsAtMs);
    expect(stepped.fiveHourResetsAtMs).toBe(oneJump.fiveHourResetsAtMs);
    expect(stepped.sevenDayPct).toBeCloseTo(oneJump.sevenDayPct, 6);
    expect(stepped.fiveHourPct).toBeCloseTo(oneJump.fiveHourPct, 6);
  });

  it('ignores time running backwards', () => {
    expect(advanceWindows(fresh, rates, true, T0, T0 - HOUR_MS)).toEqual(fresh);
  });
});

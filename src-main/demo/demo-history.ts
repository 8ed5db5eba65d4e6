/**
 * Fills a demo history with a few weeks of simulated use, so the dashboard's charts and figures
 * are never empty in `--demo`: working hours on weekdays (and some weekend afternoons), the
 * demo's usage model per account, a simple "burn in reset order, step aside at 90 %" rotation,
 * and readings at the monitor's cadence (the active account every 5 min, the others every 20).
 */
import type { HistoryRecorder } from '../engine/index.js';
import { createRng } from './seeded-random.js';
import { advanceWindows, SEVEN_DAY_MS, type SimWindows, type UsageRates } from '../engine/index.js';

const MIN_MS = 60_000;
const HOUR_MS = 60 * MIN_MS;
const DAY_MS = 24 * HOUR_MS;
const STEP_MS = 5 * MIN_MS;

export interface DemoHistoryAccount {
  readonly id: string;
  readonly plan: string | null;
}

/** Fill rates at full load by plan (a Max 5x account fills four times faster than a Max 20x one). */
const RATES: Readonly<Record<string, UsageRates>> = {
  'Max 20x': { fiveHourPctPerHour: 30, sevenDayPctPerHour: 4.5 },
  'Max 5x': { fiveHourPctPerHour: 120, sevenDayPctPerHour: 18 },
};

/** True when simulated sessions are working at `ms` (UTC hours). */
function working(ms: number, weekendDay: (day: number) => boolean): boolean {
  const date = new Date(ms);
  const hour = date.getUTCHours() + date.getUTCMinutes() / 60;
  const weekday = (date.getUTCDay() + 6) % 7;
  if (weekday < 5) return (hour >= 8.5 && hour < 12.5) || (hour >= 13.5 && hour < 18.5);
  return weekendDay(Math.floor(ms / DAY_MS)) && hour >= 11 && hour < 15;
}

/** Records `days` of simulated history ending at `nowMs`. Deterministic for a seed. */
export function fillDemoHistory(
  recorder: HistoryRecorder,
  accounts: readonly DemoHistoryAccount[],
  nowMs: number,
  days = 21,
  seed = 7,
): void {
  if (accounts.length === 0) return;
  const rng = createRng(seed);
  const startMs = Math.floor((nowMs - days * DAY_MS) / STEP_MS) * STEP_MS;
  const weekends = new Map<number, boolean>();
  const weekendDay = (day: number) => {
    if (!weekends.has(day)) weekends.set(day, rng() < 0.4);
    return weekends.get(day) ?? false;
  };
  const rates = accounts.map((a) => RATES[a.plan ?? ''] ?? RATES['Max 20x'] ?? { fiveHourPctPerHour: 20, sevenDayPctPerHour: 3 });
  let windows: SimWindows[] = accounts.map((_, i) => ({
    fiveHourPct: 0,
    fiveHourResetsAtMs: null,
    sevenDayPct: 30 * rng(),
    sevenDayResetsAtMs: startMs + Math.round(((i + 0.5) / accounts.length) * SEVEN_DAY_MS),
  }));
  let active = 0;
  let waitingSinceMs: number | null = null;
  recorder.setActive(accounts[0]?.id ?? null, startMs);
  const usable = (w: SimWindows) => w.fiveHourPct < 90 && w.sevenDayPct < 97;

  for (let t = startMs, step = 0; t < nowMs; t += STEP_MS, step++) {
    const busy = working(t, weekendDay);
    windows = windows.map((w, i) => advanceWindows(w, rates[i] as UsageRates, busy && i === active, t, t + STEP_MS));
    const at = t + STEP_MS;
    windows.forEach((w, i) => {
      if (i !== active && step % 4 !== i % 4) return;
      recorder.recordReading(accounts[i]?.id ?? '', {
        atMs: at,
        source: i === active && busy ? 'statusline' : 'poll',
        fiveHour: { pct: Math.round(w.fiveHourPct), resetsAtMs: w.fiveHourResetsAtMs },
        sevenDay: { pct: Math.round(w.sevenDayPct), resetsAtMs: w.sevenDayResetsAtMs },
      });
    });
    if (usable(windows[active] as SimWindows)) continue;
    const next = windows
      .map((w, i) => ({ w, i }))
      .filter(({ w, i }) => i !== active && usable(w))
      .sort((a, b) => a.w.sevenDayResetsAtMs - b.w.sevenDayResetsAtMs)[0];
    if (!next) continue;
    // Now and then a tool call holds the switch back for a few seconds to a few minutes.
    waitingSinceMs ??= rng() < 0.5 ? at - Math.round(rng() * 4 * MIN_MS) : at;
    const trigger = (windows[active] as SimWindows).sevenDayPct >= 97 ? 'exhaustion' : 'breach';
    recorder.recordSwitch({
      atMs: at,
      fromId: accounts[active]?.id ?? null,
      toId: accounts[next.i]?.id ?? '',
      trigger,
      deferralWaitMs: at - waitingSinceMs,
    });
    waitingSinceMs = null;
    active = next.i;
    recorder.setActive(accounts[active]?.id ?? null, at);
  }
}

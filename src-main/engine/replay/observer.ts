/**
 * What the monitor knows of the fleet, as readings would arrive: the statusline reports the active
 * account every step while a session is alive; every account is also polled on its own jittered
 * schedule (parked accounts every ~12 min, the active one every ~5 min when no statusline flows).
 * Readings are whole percents, rounded down. Every reading is kept as a velocity sample.
 */
import type { UsageWindow } from '../anthropic/api-types.js';
import type { PolicyAccount, UsageSample } from '../rotation/rotation-types.js';
import { SETTINGS_DEFAULTS } from '../storage/state-schema.js';
import type { Rng } from './sim-rng.js';
import type { SimWindows } from './usage-model.js';
import type { SimAccount } from './sim-inputs.js';

/** The reading cadence (defaults: the product's poll settings). */
export interface ReadingCadence {
  readonly parkedPollIntervalMs: number;
  readonly activePollIntervalMs: number;
  readonly pollJitterRatio: number;
  /** Samples older than this are dropped (the policy looks back 30 min). */
  readonly sampleKeepMs: number;
}

export const DEFAULT_CADENCE: ReadingCadence = {
  parkedPollIntervalMs: SETTINGS_DEFAULTS.parkedPollIntervalMs,
  activePollIntervalMs: SETTINGS_DEFAULTS.activePollIntervalMs,
  pollJitterRatio: SETTINGS_DEFAULTS.pollJitterRatio,
  sampleKeepMs: 40 * 60_000,
};

interface Known {
  sevenDay: UsageWindow | null;
  fiveHour: UsageWindow | null;
  samples: UsageSample[];
  nextPollAtMs: number;
}

export interface Observer {
  /**
   * Takes the readings due at `nowMs` from the true windows (index-aligned with the fleet):
   * the statusline for the active account when `statusline` is true, and every poll that is due.
   */
  observe(nowMs: number, truth: readonly SimWindows[], activeIndex: number, statusline: boolean): void;
  /** The fleet as the policy sees it, in the user's account order. */
  policyAccounts(): PolicyAccount[];
  /** Readings taken so far. */
  readonly counts: { statusline: number; polls: number };
}

/** Creates the observer; first polls are spread over one parked interval. */
export function createObserver(
  fleet: readonly SimAccount[],
  startMs: number,
  rng: Rng,
  cadence: ReadingCadence = DEFAULT_CADENCE,
): Observer {
  const known: Known[] = fleet.map(() => ({
    sevenDay: null,
    fiveHour: null,
    samples: [],
    nextPollAtMs: startMs + Math.floor(rng() * cadence.parkedPollIntervalMs),
  }));
  const counts = { statusline: 0, polls: 0 };

  function record(k: Known, nowMs: number, w: SimWindows): void {
    k.sevenDay = { utilizationPct: wholePct(w.sevenDayPct), resetsAtMs: w.sevenDayResetsAtMs };
    k.fiveHour =
      w.fiveHourResetsAtMs === null
        ? { utilizationPct: 0, resetsAtMs: null }
        : { utilizationPct: wholePct(w.fiveHourPct), resetsAtMs: w.fiveHourResetsAtMs };
    k.samples.push({ atMs: nowMs, sevenDayPct: k.sevenDay.utilizationPct, fiveHourPct: k.fiveHour.utilizationPct });
    while ((k.samples[0]?.atMs ?? nowMs) < nowMs - cadence.sampleKeepMs) k.samples.shift();
  }

  return {
    counts,
    observe(nowMs, truth, activeIndex, statusline) {
      known.forEach((k, i) => {
        const w = truth[i];
        if (!w) throw new Error(`no true windows for account ${i}`);
        const isActive = i === activeIndex;
        if (isActive && statusline) {
          record(k, nowMs, w);
          counts.statusline++;
        }
        if (k.nextPollAtMs > nowMs) return;
        // The active account is not polled while the statusline reports it for free.
        if (!(isActive && statusline)) {
          record(k, nowMs, w);
          counts.polls++;
        }
        const intervalMs = isActive ? cadence.activePollIntervalMs : cadence.parkedPollIntervalMs;
        k.nextPollAtMs = nowMs + intervalMs * (1 + cadence.pollJitterRatio * (2 * rng() - 1));
      });
    },
    policyAccounts() {
      return fleet.map((account, i) => {
        const k = known[i] as Known;
        return {
          id: account.id,
          email: account.email,
          enabled: true,
          tokenUsable: true,
          sevenDay: k.sevenDay,
          fiveHour: k.fiveHour,
          hasReading: k.sevenDay !== null,
          lastErrorKind: null,
          samples: k.samples,
        };
      });
    },
  };
}

/** A reading in whole percents, rounded down (a hair of float error never drops a point). */
function wholePct(pct: number): number {
  return Math.floor(pct + 1e-9);
}

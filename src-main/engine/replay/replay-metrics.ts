/** What the rotation replay measures, against the true windows (never the readings). */
import { SEVEN_DAY_MS, type SimWindows } from './usage-model.js';
import type { Demand, SimAccount } from './sim-inputs.js';
import type { StrategyMove } from './strategy-types.js';

/** One switch carried out. */
export interface SwitchRecord {
  readonly atMs: number;
  readonly fromId: string;
  readonly toId: string;
  readonly label: string;
  readonly forced: boolean;
  /** True when any session was inside a tool call at that instant. */
  readonly duringToolCall: boolean;
  /** True when the account left read 100 % of a window at that instant. */
  readonly fromReadFull: boolean;
  /**
   * True when the account left was truly at 100 % of a window at that instant (a wall): its next
   * request would fail anyway, so a switch then cannot break a session's next request.
   */
  readonly fromTrueFull: boolean;
}

/** True utilizations of one account, to one decimal. */
export interface TruePct {
  readonly sevenDayPct: number;
  readonly fiveHourPct: number;
}

/** Demand refused during a step: the first refusal of the step. */
export interface HitRecord {
  readonly atMs: number;
  readonly activeId: string;
  /** The strategy's decision in force. */
  readonly label: string;
  /** True when another account was below 100 % of both windows. */
  readonly avoidable: boolean;
  /** Every account's true windows, in fleet order. */
  readonly truth: readonly TruePct[];
}

/** A 7d window that reset during the replay. */
export interface ClosedWindow {
  readonly accountId: string;
  readonly resetMs: number;
  /** True utilization when it reset. */
  readonly sevenDayPct: number;
  /** False for an account's first window, which opened before the replay began. */
  readonly measured: boolean;
}

export interface ReplayResult {
  readonly strategy: string;
  /** 7d windows that reset inside the replay, each account's first (already running) window included. */
  readonly measuredWindows: number;
  /**
   * The quota those windows offered inside the replay: a whole week's capacity for a window that
   * opened inside it; for an account's first window, what it had left when the replay began.
   */
  readonly measuredCapacityLoadHours: number;
  /** Capacity left unused when those windows reset. */
  readonly expiredLoadHours: number;
  /** `expiredLoadHours` as a share of `measuredCapacityLoadHours`. */
  readonly expiredUnusedPct: number;
  /**
   * The same share over the windows that opened inside the replay only (the bench's measure before
   * issue 12's sweep): it leaves out the first windows, so quota a strategy saved from expiring in
   * them is not credited, and the demand it served from them is missing from the windows counted.
   */
  readonly expiredUnusedOpenedInsidePct: number;
  /**
   * Steps in which demand was refused because the active account was at 100 % of a window (reached
   * before or during the step) while another account was below 100 % of both.
   */
  readonly avoidableHitSteps: number;
  /** Runs of consecutive avoidable-hit demand steps. */
  readonly avoidableHitEpisodes: number;
  /** Steps in which demand was refused while every account was at 100 % of a window. */
  readonly unavoidableHitSteps: number;
  /** Avoidable hits by the strategy's decision at that step (e.g. `stay:no-eligible-target`). */
  readonly avoidableHitsByLabel: Readonly<Record<string, number>>;
  readonly switches: number;
  /** Switches while some session was inside a tool call, whatever the account left. */
  readonly switchesDuringToolCall: number;
  /**
   * Of those, switches away from an account below 100 % of both windows (true figures): the ones
   * that could break a session's next request. The rest left an account at a wall.
   */
  readonly breakingSwitchesDuringToolCall: number;
  readonly wallSwitchesDuringToolCall: number;
  readonly forcedSwitches: number;
  readonly switchesByLabel: Readonly<Record<string, number>>;
  /** Times a switch was deferred (a run of `wait` decisions counts once). */
  readonly deferrals: number;
  readonly longestDeferralMs: number;
  readonly demandLoadHours: number;
  readonly servedLoadHours: number;
  readonly readings: { readonly statusline: number; readonly polls: number };
  readonly switchLog: readonly SwitchRecord[];
  readonly closedWindows: readonly ClosedWindow[];
  /** One record per step with an avoidable hit (for investigation). */
  readonly avoidableHitLog: readonly HitRecord[];
}

export interface Metrics {
  /** Account `index`'s 7d window reset at `resetMs` holding `sevenDayPct`. */
  windowClosed(index: number, resetMs: number, sevenDayPct: number): void;
  decided(nowMs: number, move: StrategyMove): void;
  switched(record: SwitchRecord): void;
  /** Demand was refused during the current step: the active account was at 100 % of a window while under load. */
  refused(hit: HitRecord): void;
  /** Closes step `step`: counts it once as an avoidable or unavoidable hit, if any refusal happened. */
  stepEnded(step: number): void;
  result(truth: readonly SimWindows[], readings: ReplayResult['readings']): ReplayResult;
}

export function createMetrics(fleet: readonly SimAccount[], demand: Demand, strategy: string): Metrics {
  let measuredWindows = 0;
  let measuredCapacityLoadHours = 0;
  let expiredLoadHours = 0;
  const openedInside = { capacityLoadHours: 0, expiredLoadHours: 0 };
  // Usage from before the replay (the initial windows) is not demand the replay served.
  let usedLoadHours = -fleet.reduce((sum, a) => sum + (Math.min(100, a.initialWindows.sevenDayPct) / 100) * a.weeklyCapacityLoadHours, 0);
  let avoidableHitSteps = 0;
  let avoidableHitEpisodes = 0;
  let unavoidableHitSteps = 0;
  let inAvoidableRun = false;
  let stepHit = false;
  let stepAvoidable = false;
  let stepLabel = '';
  const avoidableHitsByLabel: Record<string, number> = {};
  const switchLog: SwitchRecord[] = [];
  const avoidableHitLog: HitRecord[] = [];
  const closedWindows: ClosedWindow[] = [];
  let deferrals = 0;
  let waitingSinceMs: number | null = null;
  let longestDeferralMs = 0;
  const capacityOf = (i: number) => fleet[i]?.weeklyCapacityLoadHours ?? 0;

  return {
    windowClosed(index, resetMs, sevenDayPct) {
      const pct = Math.min(100, sevenDayPct);
      usedLoadHours += (pct / 100) * capacityOf(index);
      const measured = resetMs - SEVEN_DAY_MS >= demand.startMs;
      closedWindows.push({ accountId: fleet[index]?.id ?? '', resetMs, sevenDayPct: pct, measured });
      const expiredLh = ((100 - pct) / 100) * capacityOf(index);
      measuredWindows++;
      expiredLoadHours += expiredLh;
      if (!measured) {
        // The first window opened before the replay: only what it had left then was there to use.
        const initialPct = Math.min(100, fleet[index]?.initialWindows.sevenDayPct ?? 0);
        measuredCapacityLoadHours += ((100 - initialPct) / 100) * capacityOf(index);
        return;
      }
      measuredCapacityLoadHours += capacityOf(index);
      openedInside.capacityLoadHours += capacityOf(index);
      openedInside.expiredLoadHours += expiredLh;
    },
    decided(nowMs, move) {
      if (move.kind === 'wait') {
        if (waitingSinceMs === null) deferrals++;
        waitingSinceMs ??= nowMs;
        longestDeferralMs = Math.max(longestDeferralMs, nowMs - waitingSinceMs);
      } else {
        waitingSinceMs = null;
      }
    },
    switched(record) {
      switchLog.push(record);
    },
    refused(hit) {
      stepHit = true;
      if (hit.avoidable && !stepAvoidable) {
        stepAvoidable = true;
        stepLabel = hit.label;
        avoidableHitLog.push(hit);
      }
    },
    stepEnded(step) {
      if (stepHit && stepAvoidable) {
        avoidableHitSteps++;
        avoidableHitsByLabel[stepLabel] = (avoidableHitsByLabel[stepLabel] ?? 0) + 1;
        if (!inAvoidableRun) avoidableHitEpisodes++;
        inAvoidableRun = true;
      } else if (stepHit) {
        unavoidableHitSteps++;
        inAvoidableRun = false;
      } else if ((demand.loadPerStep[step] ?? 0) > 0) {
        inAvoidableRun = false;
      }
      stepHit = false;
      stepAvoidable = false;
      stepLabel = '';
    },
    result(truth, readings) {
      const openLoadHours = truth.reduce((sum, w, i) => sum + (Math.min(100, w.sevenDayPct) / 100) * capacityOf(i), 0);
      const switchesByLabel: Record<string, number> = {};
      for (const s of switchLog) switchesByLabel[s.label] = (switchesByLabel[s.label] ?? 0) + 1;
      return {
        strategy,
        measuredWindows,
        measuredCapacityLoadHours,
        expiredLoadHours,
        expiredUnusedPct: measuredCapacityLoadHours > 0 ? (100 * expiredLoadHours) / measuredCapacityLoadHours : 0,
        expiredUnusedOpenedInsidePct:
          openedInside.capacityLoadHours > 0 ? (100 * openedInside.expiredLoadHours) / openedInside.capacityLoadHours : 0,
        avoidableHitSteps,
        avoidableHitEpisodes,
        unavoidableHitSteps,
        avoidableHitsByLabel,
        switches: switchLog.length,
        switchesDuringToolCall: switchLog.filter((s) => s.duringToolCall).length,
        breakingSwitchesDuringToolCall: switchLog.filter((s) => s.duringToolCall && !s.fromTrueFull).length,
        wallSwitchesDuringToolCall: switchLog.filter((s) => s.duringToolCall && s.fromTrueFull).length,
        forcedSwitches: switchLog.filter((s) => s.forced).length,
        switchesByLabel,
        deferrals,
        longestDeferralMs,
        demandLoadHours: demand.loadHours,
        servedLoadHours: usedLoadHours + openLoadHours,
        readings,
        switchLog,
        closedWindows,
        avoidableHitLog,
      };
    },
  };
}

/** True when the window state cannot serve a request: 100 % of either window. */
export function isFull(w: SimWindows): boolean {
  return w.sevenDayPct >= 100 || w.fiveHourPct >= 100;
}

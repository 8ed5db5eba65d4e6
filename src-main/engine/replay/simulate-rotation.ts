/**
 * The rotation simulator (pure: no I/O, no clock but the simulated one), shared by
 * `npm run bench:rotation` (a seeded synthetic fleet and demand) and the what-if replay of the
 * user's own history (`ccmax-monitor replay`). It steps a fleet through the demand on a simulated
 * clock, feeds the strategy the readings the monitor would have, carries out its switches (a
 * deferred one the moment a tool call ends) and measures the outcome against the true windows.
 *
 * Ground truth is the usage model (`advanceWindows`, ./usage-model.ts): the 5h window opens on first
 * use and resets 5 h later, the 7d window resets every 7 days, usage accrues only on the account in
 * use at the step's load, and an account at 100 % of either window serves nothing.
 */
import { createRng } from './sim-rng.js';
import { advanceWindows, type SimWindows } from './usage-model.js';
import type { BlockingSession } from '../sessions/session-states.js';
import { rememberToolCall } from '../rotation/tool-calls.js';
import { scaleRates, type Demand, type SimAccount, type ToolCall } from './sim-inputs.js';

import { createObserver, DEFAULT_CADENCE, type ReadingCadence } from './observer.js';
import { readsFull, type Strategy, type StrategyMove } from './strategy-types.js';
import { createMetrics, isFull, type ReplayResult, type TruePct } from './replay-metrics.js';

export type { ClosedWindow, HitRecord, ReplayResult, SwitchRecord, TruePct } from './replay-metrics.js';

export interface ReplayOptions {
  readonly fleet: readonly SimAccount[];
  readonly demand: Demand;
  readonly strategy: Strategy;
  /** Seeds the poll schedule; the same seed gives every strategy the same schedule to start from. */
  readonly seed: number;
  readonly cadence?: ReadingCadence;
  /** The account Claude Code uses at the start; default the first of the fleet. */
  readonly initialActiveId?: string;
}

/** A replay that runs step by step, so a long one can yield to the event loop between slices. */
export interface ReplayRun {
  /** Runs up to `maxSteps` more steps; true once the whole demand is replayed. */
  advance(maxSteps: number): boolean;
  /** The figures (call once `advance` returned true). */
  result(): ReplayResult;
}

/** Replays the whole demand under one strategy. Deterministic for the same options. */
export function replayRotation(options: ReplayOptions): ReplayResult {
  const run = startRotationReplay(options);
  while (!run.advance(Infinity));
  return run.result();
}

/** Starts a replay; nothing runs until `advance`. */
export function startRotationReplay(options: ReplayOptions): ReplayRun {
  const { fleet, demand, strategy } = options;
  const observer = createObserver(fleet, demand.startMs, createRng(options.seed), options.cadence ?? DEFAULT_CADENCE);
  const metrics = createMetrics(fleet, demand, strategy.name);
  const truth: SimWindows[] = fleet.map((a) => a.initialWindows);
  let activeIndex = Math.max(
    0,
    fleet.findIndex((a) => a.id === (options.initialActiveId ?? fleet[0]?.id)),
  );
  let clockMs = demand.startMs;
  let step = 0;
  const openTools: ToolCall[] = [];
  let nextTool = 0;
  let lastLabel = '';
  /** Lengths of the last tool calls that ended (what the heartbeats have told the engine so far). */
  const endedToolCallMs: number[] = [];

  /**
   * Brings the true windows to `toMs` under the current step's load and active account, and reports
   * refused demand: the active account under load at 100 % of a window at either end of the span.
   */
  function advanceTo(toMs: number): void {
    const load = demand.loadPerStep[step] ?? 0;
    const activeFullBefore = isFull(truth[activeIndex] as SimWindows);
    fleet.forEach((account, i) => {
      const inUse = i === activeIndex && load > 0;
      const rates = scaleRates(account.rates, load);
      let w = truth[i] as SimWindows;
      let fromMs = clockMs;
      // Stop just short of each weekly reset to see what the window held when it expired.
      while (w.sevenDayResetsAtMs <= toMs) {
        const resetMs = w.sevenDayResetsAtMs;
        const before = advanceWindows(w, rates, inUse, fromMs, resetMs - 1);
        metrics.windowClosed(i, resetMs, before.sevenDayPct);
        w = advanceWindows(before, rates, inUse, resetMs - 1, resetMs);
        fromMs = resetMs;
      }
      truth[i] = advanceWindows(w, rates, inUse, fromMs, toMs);
    });
    clockMs = toMs;
    if (load > 0 && (activeFullBefore || isFull(truth[activeIndex] as SimWindows))) {
      const avoidable = truth.some((w, i) => i !== activeIndex && !isFull(w));
      metrics.refused({ atMs: toMs, activeId: fleet[activeIndex]?.id ?? '', label: lastLabel, avoidable, truth: truth.map(toTruePct) });
    }
  }

  function syncTools(nowMs: number): void {
    for (let call = demand.toolCalls[nextTool]; call && call.startMs <= nowMs; call = demand.toolCalls[++nextTool]) openTools.push(call);
    for (let i = openTools.length - 1; i >= 0; i--) {
      const call = openTools[i];
      if (!call || call.endMs > nowMs) continue;
      openTools.splice(i, 1);
      rememberToolCall(endedToolCallMs, call.endMs - call.startMs);
    }
  }

  function blocking(): BlockingSession[] {
    return [...openTools]
      .sort((a, b) => a.startMs - b.startMs)
      .map((t) => ({ sessionId: t.sessionId, state: { kind: 'tool', toolName: t.toolName, sinceMs: t.startMs }, sinceMs: t.startMs }));
  }

  /** Asks the strategy and carries out a switch at once. */
  function ask(nowMs: number): StrategyMove {
    const accounts = observer.policyAccounts();
    const active = fleet[activeIndex] as SimAccount;
    const move = strategy.decide({
      nowMs,
      activeId: active.id,
      accounts,
      blocking: blocking(),
      recentToolCallMs: endedToolCallMs,
      ...(strategy.seesTruth ? { truth } : {}),
    });
    metrics.decided(nowMs, move);
    lastLabel = move.label;
    if (move.kind !== 'switch') return move;
    const toIndex = fleet.findIndex((a) => a.id === move.to);
    if (toIndex < 0 || toIndex === activeIndex) throw new Error(`${strategy.name} switched to ${move.to} from ${active.id}`);
    const fromReading = accounts[activeIndex];
    metrics.switched({
      atMs: nowMs,
      fromId: active.id,
      toId: move.to,
      label: move.label,
      forced: move.forced,
      duringToolCall: openTools.length > 0,
      fromReadFull: fromReading ? readsFull(fromReading, nowMs) : false,
      fromTrueFull: isFull(truth[activeIndex] as SimWindows),
    });
    activeIndex = toIndex;
    return move;
  }

  function runStep(): void {
    const tickMs = demand.startMs + step * demand.stepMs;
    const endMs = tickMs + demand.stepMs;
    syncTools(tickMs);
    observer.observe(tickMs, truth, activeIndex, demand.aliveSteps[step] === 1);
    let move = ask(tickMs);
    // A deferred switch is carried out the moment a blocking tool call ends, not at the next tick.
    while (move.kind === 'wait') {
      const nextEndMs = Math.min(...openTools.map((t) => t.endMs));
      if (!(nextEndMs < endMs)) break;
      advanceTo(nextEndMs);
      syncTools(nextEndMs);
      move = ask(nextEndMs);
    }
    advanceTo(endMs);
    metrics.stepEnded(step);
  }

  return {
    advance(maxSteps) {
      const until = Math.min(demand.stepCount, step + maxSteps);
      for (; step < until; step++) runStep();
      return step >= demand.stepCount;
    },
    result: () => metrics.result(truth, observer.counts),
  };
}

function toTruePct(w: SimWindows): TruePct {
  return { sevenDayPct: Math.round(w.sevenDayPct * 10) / 10, fiveHourPct: Math.round(w.fiveHourPct * 10) / 10 };
}

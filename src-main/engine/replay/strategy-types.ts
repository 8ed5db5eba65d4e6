/** The contract every strategy in the rotation benchmark meets: the real policy and the baselines. */
import type { PolicyAccount } from '../rotation/rotation-types.js';
import type { BlockingSession } from '../sessions/session-states.js';
import { toEffectiveWindow } from '../usage/effective-window.js';
import type { SimWindows } from './usage-model.js';

/** What a strategy sees when asked: only readings (never the true windows) and live tool calls. */
export interface StrategyView {
  readonly nowMs: number;
  readonly activeId: string;
  /** The fleet as read so far, in the user's (fixed) account order. */
  readonly accounts: readonly PolicyAccount[];
  /** Sessions inside a tool call right now, oldest first. */
  readonly blocking: readonly BlockingSession[];
  /**
   * Lengths of the most recent tool calls that have ended, oldest first: what the engine learns from
   * the `PreToolUse`/`PostToolUse` heartbeats (never a tool call that is still running).
   */
  readonly recentToolCallMs: readonly number[];
  /** The true windows, fleet order; given only to a strategy with `seesTruth` (the oracle). */
  readonly truth?: readonly SimWindows[];
}

/**
 * What a strategy wants now. `switch` is carried out at once; `wait` means a switch is deferred
 * until a tool call ends (the replay asks again the moment one does). `label` names the rule that
 * decided, for the report (e.g. `switch:breach`, `stay:no-eligible-target`).
 */
export type StrategyMove =
  | { readonly kind: 'stay'; readonly label: string }
  | { readonly kind: 'switch'; readonly to: string; readonly label: string; readonly forced: boolean }
  | { readonly kind: 'wait'; readonly label: string };

export interface Strategy {
  readonly name: string;
  /** One or two sentences that define the strategy precisely, printed with the table. */
  readonly definition: string;
  decide(view: StrategyView): StrategyMove;
  /** True for a reference strategy that reads the true windows (the oracle); never for a real one. */
  readonly seesTruth?: boolean;
}

/** True when the account's reading shows 100 % of either window (a passed reset counts as reset). */
export function readsFull(account: PolicyAccount, nowMs: number): boolean {
  const sevenDay = toEffectiveWindow(account.sevenDay, nowMs)?.utilizationPct ?? 0;
  const fiveHour = toEffectiveWindow(account.fiveHour, nowMs)?.utilizationPct ?? 0;
  return sevenDay >= 100 || fiveHour >= 100;
}

/**
 * What the rotation loop remembers between decisions: the policy's memory (step-aside, pending
 * deferral, pin, last switch, samples, tool-call lengths), what it said last, and its persisted part
 * (pause, pin, last switch). Mutable, owned by one loop.
 */
import type { RotationView } from '../../shared/view-model.js';
import type { StateStore } from '../storage/store-port.js';
import type { GuardHold } from './guard-hold.js';
import { toLastSwitch, type LastSwitch, type PendingDeferral, type UsageSample } from './rotation-types.js';

/** A deferral the loop is waiting on, with the session and tool that hold it (for the dashboard). */
export type PendingSwitch = PendingDeferral & { readonly blockedBySessionId: string | null; readonly blockedByTool: string | null };

export interface LoopState {
  paused: boolean;
  pinned: string | null;
  lastSwitch: LastSwitch | null;
  preferredId: string | null;
  pending: PendingSwitch | null;
  allExhausted: RotationView['allExhausted'];
  lastDecisionText: string | null;
  /** The last switch failure said (target and reason), so it is said once. */
  failureKey: string | null;
  readonly samples: Map<string, UsageSample[]>;
  /** Lengths of the most recent tool calls that ended, oldest first. */
  readonly recentToolCallMs: number[];
  /** Switches held by Claude Code's session-owner guard (`guard-hold.ts`). */
  readonly guardHold: GuardHold;
}

/** The state at start: the persisted part from the store, the rest empty. */
export function createLoopState(store: StateStore, guardHold: GuardHold): LoopState {
  const persisted = store.read().rotation;
  return {
    paused: persisted.paused,
    pinned: persisted.pinnedAccountId,
    lastSwitch: toLastSwitch(persisted.lastSwitch),
    preferredId: null,
    pending: null,
    allExhausted: null,
    lastDecisionText: null,
    failureKey: null,
    samples: new Map(),
    recentToolCallMs: [],
    guardHold,
  };
}

/** Saves pause, pin and last switch. */
export function persistLoopState(store: StateStore, state: LoopState): void {
  const stored = store.read();
  store.write({ ...stored, rotation: { paused: state.paused, pinnedAccountId: state.pinned, lastSwitch: state.lastSwitch } });
}

/** Samples older than this are dropped (velocity looks back 30 min). */
const SAMPLE_KEEP_MS = 60 * 60_000;

/** Records one usage reading for velocity, dropping old ones and any from after it (the clock went back). */
export function recordLoopSample(state: LoopState, accountId: string, sample: UsageSample): void {
  const list = (state.samples.get(accountId) ?? []).filter((s) => s.atMs > sample.atMs - SAMPLE_KEEP_MS && s.atMs <= sample.atMs);
  list.push(sample);
  state.samples.set(accountId, list);
}

/** The dashboard's view of the loop. */
export function toRotationView(state: LoopState): RotationView {
  const pending = state.pending;
  return {
    pinnedAccountId: state.pinned,
    pendingSwitch: pending
      ? {
          toId: pending.to,
          trigger: pending.trigger,
          sinceMs: pending.sinceMs,
          blockedBySessionId: pending.blockedBySessionId,
          blockedByTool: pending.blockedByTool,
        }
      : null,
    allExhausted: state.allExhausted,
    lastDecision: state.paused ? 'paused' : state.lastDecisionText,
    guardHold: state.guardHold.view(),
  };
}

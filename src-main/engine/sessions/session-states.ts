/**
 * The `SessionStates` port: what the switcher needs to know about live Claude Code sessions to
 * defer a switch while a tool call (or a turn) is running, and to run it the moment one ends.
 */
import type { SessionState } from '../../shared/view-model.js';

/** Which session states hold back a switch (the `deferralMode` setting). */
export type DeferralMode = 'tool' | 'turn' | 'never';

/** A session that currently holds back a switch. */
export interface BlockingSession {
  readonly sessionId: string;
  readonly state: SessionState;
  /** When the blocking state began (epoch ms). */
  readonly sinceMs: number;
}

/** Why a session's state changed. */
export type TransitionCause = 'message' | 'ceiling' | 'ended' | 'pruned';

/** One state change; `to` is null when the session is gone (ended or pruned). */
export interface SessionTransition {
  readonly sessionId: string;
  /** Null when the session just appeared. */
  readonly from: SessionState | null;
  readonly to: SessionState | null;
  readonly atMs: number;
  readonly cause: TransitionCause;
}

export interface SessionStates {
  /**
   * Sessions that block a switch under `mode`: `tool` → sessions inside a tool call; `turn` →
   * sessions in a turn or a tool call; `never` → none. Oldest first.
   */
  blockingSessions(mode: DeferralMode): readonly BlockingSession[];
  /** True while any session is known (not ended, not pruned). */
  anyAlive(): boolean;
  /**
   * Live sessions a swap reaches: every known session but those whose login an environment
   * variable or an `apiKeyHelper` sets (unrotatable; the session-owner guard does not hold for them).
   */
  rotatableAliveCount(): number;
  /**
   * Called synchronously on every state change (not on pulses), before the message that caused it
   * is acknowledged. Returns an unsubscribe function. Listener errors are caught and logged.
   */
  onTransition(listener: (transition: SessionTransition) => void): () => void;
}

/** True when `state` holds back a switch under `mode`. */
export function isBlocking(state: SessionState, mode: DeferralMode): boolean {
  if (mode === 'never') return false;
  if (state.kind === 'tool') return true;
  return mode === 'turn' && state.kind === 'in-turn';
}

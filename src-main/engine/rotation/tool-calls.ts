/**
 * What the policy learns from the lengths of recent tool calls (the `PreToolUse`/`PostToolUse`
 * heartbeats of every live session): how far ahead a switch should be taken at a safe moment, and
 * how long a running tool call is still likely to hold a deferred switch. Pure.
 */
import type { BlockingSession, SessionTransition } from '../sessions/session-states.js';

/** Tool calls observed before the figures below are trusted; fewer fall back to the defaults. */
export const MIN_TOOL_CALLS_OBSERVED = 10;
/** The switch-ahead margin before enough tool calls were observed. */
export const DEFAULT_TOOL_CALL_MARGIN_MS = 60_000;
/** Bounds of the switch-ahead margin. */
export const TOOL_CALL_MARGIN_BOUNDS_MS = { min: 15_000, max: 5 * 60_000 } as const;
/** The share of observed tool calls the switch-ahead margin outlasts. */
export const TOOL_CALL_MARGIN_QUANTILE = 0.9;

/** The share of the tool calls still running at this length that are expected to have ended within the likely hold. */
export const HOLD_QUANTILE = 0.5;

/**
 * How far ahead of a projected breach a switch is taken at a safe moment: the 90th percentile of the
 * observed tool-call lengths (bounded), so a tool call that starts now most likely ends before the
 * breach — and a switch that waited for the threshold would not have to wait for a tool on top.
 */
export function toolCallMarginMs(recentToolCallMs: readonly number[]): number {
  if (recentToolCallMs.length < MIN_TOOL_CALLS_OBSERVED) return DEFAULT_TOOL_CALL_MARGIN_MS;
  const p90 = quantile(recentToolCallMs, TOOL_CALL_MARGIN_QUANTILE);
  return Math.min(TOOL_CALL_MARGIN_BOUNDS_MS.max, Math.max(TOOL_CALL_MARGIN_BOUNDS_MS.min, p90));
}

/**
 * How long the blocking sessions are likely to hold a switch: for each, the 90th percentile of how
 * much longer the observed tool calls that lasted at least as long ran on; without three such
 * calls, as long again as it has run (at least the switch-ahead margin). The longest of them.
 */
export function likelyHoldMs(blocking: readonly BlockingSession[], nowMs: number, recentToolCallMs: readonly number[]): number {
  let holdMs = 0;
  for (const session of blocking) {
    const elapsedMs = Math.max(0, nowMs - session.sinceMs);
    const longer = recentToolCallMs.filter((ms) => ms > elapsedMs).map((ms) => ms - elapsedMs);
    const remainingMs =
      longer.length >= 3 && recentToolCallMs.length >= MIN_TOOL_CALLS_OBSERVED
        ? quantile(longer, HOLD_QUANTILE)
        : Math.max(elapsedMs, toolCallMarginMs(recentToolCallMs));
    holdMs = Math.max(holdMs, remainingMs);
  }
  return holdMs;
}

/** The q-quantile (0–1) by nearest rank; NaN for no values. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] ?? NaN;
}

/** How many ended tool calls the rotation loop remembers. */
export const RECENT_TOOL_CALLS = 200;

/**
 * The length of the tool call a session transition ends, from the heartbeats: a session that was
 * inside a tool call and reported its next state. Null for any other transition, and for a tool
 * call cut short by the state ceiling, the session ending or being pruned (no true length).
 */
export function toolCallLengthMs(transition: SessionTransition): number | null {
  const from = transition.from;
  if (from?.kind !== 'tool' || transition.cause !== 'message') return null;
  const lengthMs = transition.atMs - from.sinceMs;
  return Number.isFinite(lengthMs) && lengthMs >= 0 ? lengthMs : null;
}

/** Appends one length, keeping the last {@link RECENT_TOOL_CALLS}. */
export function rememberToolCall(recent: number[], lengthMs: number): void {
  recent.push(lengthMs);
  if (recent.length > RECENT_TOOL_CALLS) recent.splice(0, recent.length - RECENT_TOOL_CALLS);
}

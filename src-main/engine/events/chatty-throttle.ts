/**
 * Keeps chatty events from crowding out the ones a user needs later. Session lifecycle events are
 * driven by whoever talks to the heartbeat socket; a flood of them (a buggy script, a hostile local
 * client) must not push switch and token history out of the rotated event files or the in-memory
 * window. Within each window of `windowMs`, at most `budget` chatty events pass; the rest are counted
 * and reported by one `events-suppressed` event when the window has passed (at the next event, or
 * when the log closes).
 */
import type { EngineEvent, EventKind } from '../../shared/event-types.js';

/** Kinds whose rate a client outside the engine controls. */
export const CHATTY_KINDS: ReadonlySet<EventKind> = new Set<EventKind>([
  'session-started',
  'session-ended',
  'session-state-expired',
  'session-account-mismatch',
]);

export interface ChattyThrottleOptions {
  /** Chatty events let through per window; default 60. */
  readonly budget?: number;
  /** Default 60 s. */
  readonly windowMs?: number;
}

export interface ChattyThrottle {
  /** The events to record for `event`, in order: none (suppressed), the event, or a summary then the event. */
  admit(event: EngineEvent): EngineEvent[];
  /** The summary of what is suppressed so far (at `atMs` or the last suppressed event's time), once; null when nothing is. */
  flush(atMs: number): EngineEvent | null;
}

export function createChattyThrottle(options: ChattyThrottleOptions = {}): ChattyThrottle {
  const budget = options.budget ?? 60;
  const windowMs = options.windowMs ?? 60_000;
  let windowStartMs = Number.NEGATIVE_INFINITY;
  let passed = 0;
  let suppressed = 0;
  let suppressedSinceMs = 0;
  let lastSuppressedAtMs = 0;

  const summary = (atMs: number): EngineEvent | null => {
    if (suppressed === 0) return null;
    const event: EngineEvent = {
      atMs: Math.max(atMs, lastSuppressedAtMs),
      kind: 'events-suppressed',
      level: 'warn',
      message:
        `${suppressed} more session event${suppressed === 1 ? ' was' : 's were'} not logged (over ${budget} a minute); ` +
        'switch and token history is kept.',
      data: { suppressed, sinceMs: suppressedSinceMs, budgetPerWindow: budget, windowMs },
    };
    suppressed = 0;
    return event;
  };
  const roll = (atMs: number): EngineEvent | null => {
    if (atMs - windowStartMs < windowMs && atMs >= windowStartMs) return null;
    const closed = summary(atMs);
    windowStartMs = atMs;
    passed = 0;
    return closed;
  };

  return {
    admit(event) {
      const closed = roll(event.atMs);
      const out = closed ? [closed] : [];
      if (!CHATTY_KINDS.has(event.kind)) return [...out, event];
      if (passed < budget) {
        passed += 1;
        return [...out, event];
      }
      if (suppressed === 0) suppressedSinceMs = event.atMs;
      suppressed += 1;
      lastSuppressedAtMs = event.atMs;
      return out;
    },
    flush: (atMs) => summary(atMs),
  };
}

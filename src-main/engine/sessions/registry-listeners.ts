/**
 * The registry's listeners: change (throttled, so a flood of session messages rebuilds the snapshot
 * a few times a second, not per message), statusline readings, limit hits and state transitions.
 * A listener that throws is logged and never stops the others.
 */
import type { Clock, Logger, TimerHandle } from '../ports.js';
import type { SessionTransition } from './session-states.js';
import type { LimitHit, StatuslineReading } from './session-signals.js';

export interface RegistryListeners {
  readonly change: Set<() => void>;
  readonly statusline: Set<(reading: StatuslineReading) => void>;
  readonly limitHit: Set<(hit: LimitHit) => void>;
  readonly transition: Set<(t: SessionTransition) => void>;
  /** Calls every listener in `listeners` with `arg`; `what` names them in the log. */
  call<T>(listeners: Set<(arg: T) => void>, arg: T, what: string): void;
  transitioned(t: SessionTransition): void;
  /** The first change of a burst is told at once, the rest together `notifyEveryMs` after the last telling. */
  changed(): void;
  /** Stops the pending change timer and drops every listener. */
  dispose(): void;
}

/** Creates the listener sets of one registry. */
export function createRegistryListeners(clock: Clock, logger: Logger, notifyEveryMs: number): RegistryListeners {
  let disposed = false;
  let lastNotifiedAtMs = Number.NEGATIVE_INFINITY;
  let notifyTimer: TimerHandle | null = null;
  const listeners: RegistryListeners = {
    change: new Set(),
    statusline: new Set(),
    limitHit: new Set(),
    transition: new Set(),
    call(set, arg, what) {
      for (const listener of [...set]) {
        try {
          listener(arg);
        } catch (error) {
          logger.error(`session ${what} listener failed`, { error: String(error) });
        }
      }
    },
    transitioned: (t) => listeners.call(listeners.transition, t, 'transition'),
    changed() {
      if (notifyTimer !== null || disposed) return;
      const waitMs = lastNotifiedAtMs + notifyEveryMs - clock.now();
      if (waitMs <= 0) return notify();
      notifyTimer = clock.setTimeout(() => {
        notifyTimer = null;
        if (!disposed) notify();
      }, waitMs);
    },
    dispose() {
      disposed = true;
      if (notifyTimer !== null) clock.clearTimeout(notifyTimer);
      for (const set of [listeners.change, listeners.statusline, listeners.limitHit, listeners.transition]) set.clear();
    },
  };
  const notify = (): void => {
    lastNotifiedAtMs = clock.now();
    listeners.call(listeners.change, undefined, 'change');
  };
  return listeners;
}

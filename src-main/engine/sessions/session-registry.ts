/**
 * The live-session registry: applies heartbeat messages, keeps one record per Claude Code session,
 * prunes sessions a fixed time after their last pulse with a sweeper that runs whether or not
 * traffic arrives, and expires tool calls whose `PostToolUse` never came.
 */
import type { SessionView } from '../../shared/view-model.js';
import type { ActiveAccountPort, Clock, EventSink, Logger } from '../ports.js';
import type { ClientMessage } from '../../shared/heartbeat-protocol.js';
import { isRotatable, toSessionState, toSessionView } from './session-record.js';
import { isBlocking, type BlockingSession, type DeferralMode, type SessionStates } from './session-states.js';
import { createSessionEvents } from './session-events.js';
import type { LimitHit, StatuslineReading } from './session-signals.js';
import type { ApplyOutcome, RegistryState } from './registry-state.js';
import { createSessionTable } from './session-table.js';
import { createRegistryListeners } from './registry-listeners.js';
import { applySessionMessage } from './registry-apply.js';
import { startSweeper, sweepSessions } from './registry-sweep.js';

export { LIMIT_HIT_ERROR, type LimitHit, type StatuslineReading } from './session-signals.js';
export type { ApplyOutcome } from './registry-state.js';

export interface SessionRegistryOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: EventSink;
  /** The account Claude Code uses now; recorded on each session message. */
  readonly activeAccount: ActiveAccountPort;
  /** Prune a session this long after its last pulse; default 60 s. */
  readonly pruneAfterMs?: number;
  /** Longest gap between sweeps; default 5 s (sooner when a prune deadline is nearer). */
  readonly sweepEveryMs?: number;
  /** A tool call (or a turn without hook activity) older than this stops blocking; default 30 min. */
  readonly toolCeilingMs?: number;
  /**
   * Memory bounds: live sessions in all and per peer (the address a heartbeat connection comes from;
   * every session on this machine is one peer). A new session beyond a bound evicts that scope's
   * longest-silent idle session; when none is idle it is refused. Defaults 1,000 and 200.
   */
  readonly maxSessions?: number;
  readonly maxSessionsPerPeer?: number;
  /**
   * Change listeners (the snapshot) hear of session churn at most this often: the first change at
   * once, the rest of a burst together at the end of the interval. State transitions are not delayed.
   * Default 250 ms.
   */
  readonly notifyEveryMs?: number;
}

export interface SessionRegistry extends SessionStates {
  /** Applies one validated message from `peer` (default 'local'). Never throws. */
  apply(message: ClientMessage, peer?: string): ApplyOutcome;
  /** Live sessions, oldest first. */
  sessions(): SessionView[];
  activeSessionCount(): number;
  /** Called after any session appears, changes state, ends or is pruned (not on mere pulses). */
  subscribe(onChange: () => void): () => void;
  /** Called for statusline messages that carry `rate_limits` (a reading without them is liveness only). */
  onStatusline(listener: (reading: StatuslineReading) => void): () => void;
  /** Called, before the message is acknowledged, when a session's turn ended on a usage limit. */
  onLimitHit(listener: (hit: LimitHit) => void): () => void;
  /** Runs one sweep now (the sweeper also runs at least every `sweepEveryMs`). */
  sweep(): void;
  /** Stops the sweeper and drops listeners. Idempotent. */
  dispose(): void;
}

/** Creates a registry and starts its sweeper on `clock`. */
export function createSessionRegistry(options: SessionRegistryOptions): SessionRegistry {
  const { clock, logger } = options;
  const state: RegistryState = {
    clock,
    logger,
    activeAccount: options.activeAccount,
    timings: {
      pruneAfterMs: options.pruneAfterMs ?? 60_000,
      sweepEveryMs: options.sweepEveryMs ?? 5_000,
      toolCeilingMs: options.toolCeilingMs ?? 30 * 60_000,
    },
    table: createSessionTable(options.maxSessions ?? 1_000, options.maxSessionsPerPeer ?? 200),
    listeners: createRegistryListeners(clock, logger, options.notifyEveryMs ?? 250),
    events: createSessionEvents(options.events, logger),
    disposed: false,
  };
  const { table, listeners } = state;
  const sweeper = startSweeper(state);
  const subscribeTo = <T>(set: Set<T>, listener: T): (() => void) => {
    set.add(listener);
    return () => void set.delete(listener);
  };

  return {
    apply: (message, peer = 'local') => {
      try {
        return applySessionMessage(state, message, peer);
      } catch (error) {
        logger.error('session message failed', { error: String(error), type: message.type });
        return 'ignored';
      }
    },
    sessions: () => [...table.values()].sort((a, b) => a.startedAtMs - b.startedAtMs).map(toSessionView),
    activeSessionCount: () => table.size(),
    subscribe: (listener) => subscribeTo(listeners.change, listener),
    onStatusline: (listener) => subscribeTo(listeners.statusline, listener),
    onLimitHit: (listener) => subscribeTo(listeners.limitHit, listener),
    onTransition: (listener) => subscribeTo(listeners.transition, listener),
    blockingSessions: (mode: DeferralMode): readonly BlockingSession[] => {
      const blocking: BlockingSession[] = [];
      for (const record of table.values()) {
        // A swap does not reach a session whose login an override sets: its tool calls hold back nothing.
        if (!isRotatable(record)) continue;
        const sessionState = toSessionState(record);
        if (sessionState.kind !== 'idle' && isBlocking(sessionState, mode)) {
          blocking.push({ sessionId: record.id, state: sessionState, sinceMs: sessionState.sinceMs });
        }
      }
      return blocking.sort((a, b) => a.sinceMs - b.sinceMs);
    },
    anyAlive: () => table.size() > 0,
    rotatableAliveCount: () => [...table.values()].filter(isRotatable).length,
    sweep: () => void sweepSessions(state),
    dispose: () => {
      if (state.disposed) return;
      state.disposed = true;
      sweeper.stop();
      listeners.dispose();
    },
  };
}

/**
 * The live-session registry: applies heartbeat messages, keeps one record per Claude Code session,
 * prunes sessions a fixed time after their last pulse with a sweeper that runs whether or not
 * traffic arrives, and expires tool calls whose `PostToolUse` never came.
 */
import type { SessionView } from '../../shared/view-model.js';
import type { ActiveAccountPort, Clock, EventSink, Logger, TimerHandle } from '../ports.js';
import type { ClientMessage } from '../../shared/heartbeat-protocol.js';
import {
  applyMessage,
  expireStale,
  newSessionRecord,
  sameState,
  toSessionState,
  toSessionView,
  type SessionRecord,
} from './session-record.js';
import { isBlocking, type BlockingSession, type DeferralMode, type SessionStates, type SessionTransition } from './session-states.js';
import { createSessionEvents } from './session-events.js';
import { LIMIT_HIT_ERROR, toReading, type LimitHit, type StatuslineReading } from './session-signals.js';

export { LIMIT_HIT_ERROR, type LimitHit, type StatuslineReading } from './session-signals.js';

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

/** What applying a message did; `full` means a new session was refused. */
export type ApplyOutcome = 'applied' | 'ignored' | 'full';

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
  const pruneAfterMs = options.pruneAfterMs ?? 60_000;
  const sweepEveryMs = options.sweepEveryMs ?? 5_000;
  const toolCeilingMs = options.toolCeilingMs ?? 30 * 60_000;
  const maxSessions = options.maxSessions ?? 1_000;
  const maxSessionsPerPeer = options.maxSessionsPerPeer ?? 200;
  const notifyEveryMs = options.notifyEveryMs ?? 250;
  const records = new Map<string, SessionRecord>();
  /** The peer each live session's messages come from. */
  const peerOf = new Map<string, string>();
  const perPeer = new Map<string, number>();
  /** Sessions that ended lately, so a pulse already in flight does not bring them back. */
  const tombstones = new Map<string, number>();
  const changeListeners = new Set<() => void>();
  const statuslineListeners = new Set<(reading: StatuslineReading) => void>();
  const limitHitListeners = new Set<(hit: LimitHit) => void>();
  const transitionListeners = new Set<(t: SessionTransition) => void>();
  const events = createSessionEvents(options.events, logger);
  let timer: TimerHandle | null = null;
  let disposed = false;
  let lastNotifiedAtMs = Number.NEGATIVE_INFINITY;
  let notifyTimer: TimerHandle | null = null;

  const call = <T>(listeners: Set<(arg: T) => void>, arg: T, what: string): void => {
    for (const listener of [...listeners]) {
      try {
        listener(arg);
      } catch (error) {
        logger.error(`session ${what} listener failed`, { error: String(error) });
      }
    }
  };
  const notify = (): void => {
    lastNotifiedAtMs = clock.now();
    call(changeListeners, undefined, 'change');
  };
  /** Throttled: a flood of session messages rebuilds the snapshot a few times a second, not per message. */
  const changed = (): void => {
    if (notifyTimer !== null || disposed) return;
    const waitMs = lastNotifiedAtMs + notifyEveryMs - clock.now();
    if (waitMs <= 0) return notify();
    notifyTimer = clock.setTimeout(() => {
      notifyTimer = null;
      if (!disposed) notify();
    }, waitMs);
  };
  const forget = (id: string): void => {
    records.delete(id);
    const peer = peerOf.get(id);
    peerOf.delete(id);
    if (peer === undefined) return;
    const left = (perPeer.get(peer) ?? 1) - 1;
    if (left <= 0) perPeer.delete(peer);
    else perPeer.set(peer, left);
  };
  /** Makes room for one new session of `peer`: evicts the longest-silent idle session in the full scope; false when none is idle. */
  const makeRoom = (peer: string, nowMs: number): boolean => {
    const peerFull = (perPeer.get(peer) ?? 0) >= maxSessionsPerPeer;
    if (!peerFull && records.size < maxSessions) return true;
    let victim: SessionRecord | null = null;
    for (const record of records.values()) {
      if (peerFull && peerOf.get(record.id) !== peer) continue;
      if (toSessionState(record).kind !== 'idle') continue;
      if (!victim || record.lastPulseAtMs < victim.lastPulseAtMs) victim = record;
    }
    if (!victim) return false;
    forget(victim.id);
    events.ended(victim, 'evicted: too many live sessions', nowMs);
    transition({ sessionId: victim.id, from: toSessionState(victim), to: null, atMs: nowMs, cause: 'pruned' });
    return true;
  };
  const transition = (t: SessionTransition): void => call(transitionListeners, t, 'transition');
  const accountNow = (): string | null => {
    try {
      return options.activeAccount.accountId();
    } catch (error) {
      logger.warn('activeAccount failed', { error: String(error) });
      return null;
    }
  };

  const apply = (message: ClientMessage, peer: string): ApplyOutcome => {
    if (disposed) return 'ignored';
    const nowMs = clock.now();
    const existing = records.get(message.sessionId);
    if (message.type === 'session-ended') {
      if (!existing) return 'ignored';
      forget(message.sessionId);
      if (tombstones.size >= maxSessions) tombstones.clear();
      tombstones.set(message.sessionId, nowMs);
      events.ended(existing, message.reason, nowMs);
      transition({ sessionId: existing.id, from: toSessionState(existing), to: null, atMs: nowMs, cause: 'ended' });
      changed();
      return 'applied';
    }
    if (!existing && (message.type === 'alive' || message.type === 'statusline')) {
      const endedAtMs = tombstones.get(message.sessionId);
      if (endedAtMs !== undefined && nowMs - endedAtMs < pruneAfterMs) return 'ignored';
    }
    if (!existing && !makeRoom(peer, nowMs)) return 'full';
    const accountId = accountNow();
    const before = existing ?? newSessionRecord(message, nowMs, accountId);
    const after = applyMessage(before, message, nowMs, accountId);
    records.set(after.id, after);
    if (!existing) {
      peerOf.set(after.id, peer);
      perPeer.set(peer, (perPeer.get(peer) ?? 0) + 1);
      events.started(after, message.type === 'session-started', nowMs);
      transition({ sessionId: after.id, from: null, to: toSessionState(after), atMs: nowMs, cause: 'message' });
      changed();
    } else {
      const from = toSessionState(existing);
      const to = toSessionState(after);
      if (!sameState(from, to)) {
        transition({ sessionId: after.id, from, to, atMs: nowMs, cause: 'message' });
        changed();
      }
    }
    if (message.type === 'statusline' && (message.fiveHour || message.sevenDay)) {
      call(statuslineListeners, toReading(message, after.host, nowMs), 'statusline');
    }
    if (message.type === 'turn-ended' && message.error === LIMIT_HIT_ERROR) {
      call(limitHitListeners, { sessionId: after.id, host: after.host, atMs: nowMs }, 'limit-hit');
    }
    return 'applied';
  };

  /** Runs one sweep; returns the earliest prune deadline still ahead (Infinity when none). */
  const sweep = (): number => {
    const nowMs = clock.now();
    let any = false;
    let nextDeadlineMs = Number.POSITIVE_INFINITY;
    for (const [id, endedAtMs] of tombstones) if (nowMs - endedAtMs >= pruneAfterMs) tombstones.delete(id);
    for (const record of [...records.values()]) {
      if (nowMs - record.lastPulseAtMs >= pruneAfterMs) {
        forget(record.id);
        events.pruned(record, nowMs, pruneAfterMs);
        transition({ sessionId: record.id, from: toSessionState(record), to: null, atMs: nowMs, cause: 'pruned' });
        any = true;
        continue;
      }
      nextDeadlineMs = Math.min(nextDeadlineMs, record.lastPulseAtMs + pruneAfterMs);
      const { record: next, expired } = expireStale(record, nowMs, toolCeilingMs);
      if (expired.length === 0) continue;
      records.set(next.id, next);
      events.expired(record, expired, nowMs, toolCeilingMs);
      transition({ sessionId: next.id, from: toSessionState(record), to: toSessionState(next), atMs: nowMs, cause: 'ceiling' });
      any = true;
    }
    if (any) changed();
    return nextDeadlineMs;
  };

  // Every `sweepEveryMs` whatever the traffic, and sooner when a prune deadline falls before that
  // (but never more often than every `sweepEveryMs / 5`), so a session is dropped close to
  // `pruneAfterMs` after its last pulse rather than up to a whole period late.
  const minGapMs = Math.max(1, Math.floor(sweepEveryMs / 5));
  const schedule = (delayMs: number): void => {
    timer = clock.setTimeout(() => {
      let nextDelayMs = sweepEveryMs;
      try {
        const deadlineMs = sweep();
        nextDelayMs = Math.min(sweepEveryMs, Math.max(minGapMs, deadlineMs - clock.now()));
      } catch (error) {
        logger.error('session sweep failed', { error: String(error) });
      } finally {
        if (!disposed) schedule(nextDelayMs);
      }
    }, delayMs);
  };
  schedule(sweepEveryMs);

  const subscribeTo = <T>(set: Set<T>, listener: T): (() => void) => {
    set.add(listener);
    return () => void set.delete(listener);
  };

  return {
    apply: (message, peer = 'local') => {
      try {
        return apply(message, peer);
      } catch (error) {
        logger.error('session message failed', { error: String(error), type: message.type });
        return 'ignored';
      }
    },
    sessions: () => [...records.values()].sort((a, b) => a.startedAtMs - b.startedAtMs).map(toSessionView),
    activeSessionCount: () => records.size,
    subscribe: (listener) => subscribeTo(changeListeners, listener),
    onStatusline: (listener) => subscribeTo(statuslineListeners, listener),
    onLimitHit: (listener) => subscribeTo(limitHitListeners, listener),
    onTransition: (listener) => subscribeTo(transitionListeners, listener),
    blockingSessions: (mode: DeferralMode): readonly BlockingSession[] => {
      const blocking: BlockingSession[] = [];
      for (const record of records.values()) {
        const state = toSessionState(record);
        if (state.kind !== 'idle' && isBlocking(state, mode)) blocking.push({ sessionId: record.id, state, sinceMs: state.sinceMs });
      }
      return blocking.sort((a, b) => a.sinceMs - b.sinceMs);
    },
    anyAlive: () => records.size > 0,
    sweep: () => void sweep(),
    dispose: () => {
      if (disposed) return;
      disposed = true;
      if (timer !== null) clock.clearTimeout(timer);
      if (notifyTimer !== null) clock.clearTimeout(notifyTimer);
      changeListeners.clear();
      statuslineListeners.clear();
      limitHitListeners.clear();
      transitionListeners.clear();
    },
  };
}

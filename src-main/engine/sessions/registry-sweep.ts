/**
 * The registry's sweep: prunes sessions `pruneAfterMs` after their last pulse and expires tool calls
 * older than the ceiling, on a timer that runs whether or not traffic arrives.
 */
import type { TimerHandle } from '../ports.js';
import { expireStale, toSessionState } from './session-record.js';
import type { RegistryState } from './registry-state.js';

/** Runs one sweep; returns the earliest prune deadline still ahead (Infinity when none). */
export function sweepSessions(state: RegistryState): number {
  const { table, listeners, events } = state;
  const { pruneAfterMs, toolCeilingMs } = state.timings;
  const nowMs = state.clock.now();
  let any = false;
  let nextDeadlineMs = Number.POSITIVE_INFINITY;
  table.dropTombstones(nowMs, pruneAfterMs);
  for (const record of [...table.values()]) {
    if (nowMs - record.lastPulseAtMs >= pruneAfterMs) {
      table.forget(record.id);
      events.pruned(record, nowMs, pruneAfterMs);
      listeners.transitioned({ sessionId: record.id, from: toSessionState(record), to: null, atMs: nowMs, cause: 'pruned' });
      any = true;
      continue;
    }
    nextDeadlineMs = Math.min(nextDeadlineMs, record.lastPulseAtMs + pruneAfterMs);
    const { record: next, expired } = expireStale(record, nowMs, toolCeilingMs);
    if (expired.length === 0) continue;
    table.update(next);
    events.expired(record, expired, nowMs, toolCeilingMs);
    listeners.transitioned({ sessionId: next.id, from: toSessionState(record), to: toSessionState(next), atMs: nowMs, cause: 'ceiling' });
    any = true;
  }
  if (any) listeners.changed();
  return nextDeadlineMs;
}

/**
 * Sweeps every `sweepEveryMs` whatever the traffic, and sooner when a prune deadline falls before
 * that (but never more often than every `sweepEveryMs / 5`), so a session is dropped close to
 * `pruneAfterMs` after its last pulse rather than up to a whole period late. Stops once the registry
 * is disposed; `stop()` cancels the pending sweep.
 */
export function startSweeper(state: RegistryState): { stop(): void } {
  const { clock, logger } = state;
  const { sweepEveryMs } = state.timings;
  const minGapMs = Math.max(1, Math.floor(sweepEveryMs / 5));
  let timer: TimerHandle | null = null;
  const schedule = (delayMs: number): void => {
    timer = clock.setTimeout(() => {
      let nextDelayMs = sweepEveryMs;
      try {
        const deadlineMs = sweepSessions(state);
        nextDelayMs = Math.min(sweepEveryMs, Math.max(minGapMs, deadlineMs - clock.now()));
      } catch (error) {
        logger.error('session sweep failed', { error: String(error) });
      } finally {
        if (!state.disposed) schedule(nextDelayMs);
      }
    }, delayMs);
  };
  schedule(sweepEveryMs);
  return { stop: () => void (timer !== null && clock.clearTimeout(timer)) };
}

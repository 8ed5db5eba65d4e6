/** The registry's message step: one validated heartbeat message in, the table, events and listeners updated. */
import type { ClientMessage } from '../../shared/heartbeat-protocol.js';
import { applyMessage, machineOfPeer, newSessionRecord, sameState, toSessionState, type SessionRecord } from './session-record.js';
import { LIMIT_HIT_ERROR, toReading } from './session-signals.js';
import type { ApplyOutcome, RegistryState } from './registry-state.js';

/** Applies `message` from `peer`. Throws only on a bug (the registry catches and logs). */
export function applySessionMessage(state: RegistryState, message: ClientMessage, peer: string): ApplyOutcome {
  if (state.disposed) return 'ignored';
  const { table, listeners } = state;
  const nowMs = state.clock.now();
  const existing = table.get(message.sessionId);
  if (message.type === 'session-ended') return existing ? endSession(state, existing, message.reason, nowMs) : 'ignored';
  if (!existing && (message.type === 'alive' || message.type === 'statusline')) {
    if (table.endedWithin(message.sessionId, nowMs, state.timings.pruneAfterMs)) return 'ignored';
  }
  if (!existing && !makeRoom(state, peer, nowMs)) return 'full';
  const accountId = accountNow(state);
  const after = applyMessage(existing ?? newSessionRecord(message, nowMs, accountId, machineOfPeer(peer)), message, nowMs, accountId);
  if (!existing) {
    table.add(after, peer);
    state.events.started(after, message.type === 'session-started', nowMs);
    listeners.transitioned({ sessionId: after.id, from: null, to: toSessionState(after), atMs: nowMs, cause: 'message' });
    listeners.changed();
  } else {
    table.update(after);
    const from = toSessionState(existing);
    const to = toSessionState(after);
    if (!sameState(from, to)) {
      listeners.transitioned({ sessionId: after.id, from, to, atMs: nowMs, cause: 'message' });
      listeners.changed();
    } else if (after.loginOverrides.join() !== existing.loginOverrides.join()) {
      listeners.changed();
    }
  }
  if (message.type === 'statusline' && (message.fiveHour || message.sevenDay)) {
    listeners.call(listeners.statusline, toReading(message, after.host, nowMs), 'statusline');
  }
  if (message.type === 'turn-ended' && message.error === LIMIT_HIT_ERROR) {
    listeners.call(listeners.limitHit, { sessionId: after.id, host: after.host, atMs: nowMs }, 'limit-hit');
  }
  return 'applied';
}

/** A session said it ended: forget it, keep a tombstone, tell. */
function endSession(state: RegistryState, existing: SessionRecord, reason: string, nowMs: number): ApplyOutcome {
  state.table.forget(existing.id);
  state.table.bury(existing.id, nowMs);
  state.events.ended(existing, reason, nowMs);
  state.listeners.transitioned({ sessionId: existing.id, from: toSessionState(existing), to: null, atMs: nowMs, cause: 'ended' });
  state.listeners.changed();
  return 'applied';
}

/** Makes room for one new session of `peer`: evicts the longest-silent idle session in the full scope; false when none is idle. */
function makeRoom(state: RegistryState, peer: string, nowMs: number): boolean {
  const victim = state.table.evictee(peer);
  if (victim === 'room') return true;
  if (!victim) return false;
  state.table.forget(victim.id);
  state.events.ended(victim, 'evicted: too many live sessions', nowMs);
  state.listeners.transitioned({ sessionId: victim.id, from: toSessionState(victim), to: null, atMs: nowMs, cause: 'pruned' });
  return true;
}

/** The account Claude Code uses now; null when the port fails (logged). */
function accountNow(state: RegistryState): string | null {
  try {
    return state.activeAccount.accountId();
  } catch (error) {
    state.logger.warn('activeAccount failed', { error: String(error) });
    return null;
  }
}

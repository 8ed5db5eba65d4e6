/** Turns session lifecycle changes into event-log entries (secret-free, one sentence each). */
import type { EngineEvent } from '../events/event-types.js';
import type { EventSink, Logger } from '../ports.js';
import type { SessionRecord } from './session-record.js';

/** The first 8 characters of a session id, as the dashboard shows it. */
export function shortSessionId(id: string): string {
  return id.slice(0, 8);
}

function where(record: SessionRecord): string {
  const host = record.host ? ` on ${record.host}` : '';
  const cwd = record.cwd ? ` in ${record.cwd}` : '';
  return `${host}${cwd}`;
}

/** Event writers for the registry; a failing sink is logged, never thrown into the registry. */
export function createSessionEvents(sink: EventSink, logger: Logger) {
  const append = (event: EngineEvent): void => {
    try {
      sink.append(event);
    } catch (error) {
      logger.error('session event could not be appended', { error: String(error), kind: event.kind });
    }
  };
  const base = (record: SessionRecord) => ({ sessionId: record.id, host: record.host, cwd: record.cwd });
  return {
    started(record: SessionRecord, announced: boolean, atMs: number): void {
      append({
        atMs,
        kind: 'session-started',
        level: 'info',
        message: announced
          ? `Claude Code session ${shortSessionId(record.id)} started${where(record)}.`
          : `Claude Code session ${shortSessionId(record.id)} is running${where(record)} (first heard mid-session).`,
        ...(record.accountId ? { accountId: record.accountId } : {}),
        data: { ...base(record), claudeVersion: record.claudeVersion, midSession: !announced },
      });
    },
    ended(record: SessionRecord, reason: string, atMs: number): void {
      append({
        atMs,
        kind: 'session-ended',
        level: 'info',
        message: `Claude Code session ${shortSessionId(record.id)} ended (${reason}).`,
        ...(record.accountId ? { accountId: record.accountId } : {}),
        data: { ...base(record), reason, durationMs: atMs - record.startedAtMs },
      });
    },
    pruned(record: SessionRecord, atMs: number, pruneAfterMs: number): void {
      append({
        atMs,
        kind: 'session-ended',
        level: 'warn',
        message:
          `Claude Code session ${shortSessionId(record.id)} went silent; ` +
          `dropped ${Math.round(pruneAfterMs / 1000)} s after its last heartbeat.`,
        ...(record.accountId ? { accountId: record.accountId } : {}),
        data: { ...base(record), reason: 'pruned', lastPulseAtMs: record.lastPulseAtMs, durationMs: atMs - record.startedAtMs },
      });
    },
    expired(record: SessionRecord, states: readonly string[], atMs: number, ceilingMs: number): void {
      append({
        atMs,
        kind: 'session-state-expired',
        level: 'warn',
        message:
          `Session ${shortSessionId(record.id)}: ${states.join(', ')} had no closing hook for ${Math.round(ceilingMs / 60_000)} min; ` +
          'no longer holding back switches.',
        ...(record.accountId ? { accountId: record.accountId } : {}),
        data: { ...base(record), expired: states.join(', '), ceilingMs },
      });
    },
  };
}

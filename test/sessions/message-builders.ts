/** Builders for heartbeat messages in tests. */
import type { ClientMessage } from '../../src-main/shared/heartbeat-protocol.js';
import type { EngineEvent } from '../../src-main/engine/events/event-types.js';
import type { EventSink } from '../../src-main/engine/ports.js';

const at = { v: 1 as const, host: 'devbox', cwd: '/home/dev/project' };

export const msg = {
  started: (sessionId: string, extra: Partial<ClientMessage> = {}): ClientMessage =>
    ({ ...at, type: 'session-started', sessionId, pid: 4242, claudeVersion: '2.1.331', source: 'startup', ...extra }) as ClientMessage,
  turn: (sessionId: string): ClientMessage => ({ ...at, type: 'turn-started', sessionId }),
  toolStart: (sessionId: string, toolName = 'Bash', toolUseId: string | null = 'toolu_1'): ClientMessage => ({
    ...at,
    type: 'tool-started',
    sessionId,
    toolName,
    toolUseId,
  }),
  toolEnd: (sessionId: string, toolName = 'Bash', toolUseId: string | null = 'toolu_1'): ClientMessage => ({
    ...at,
    type: 'tool-ended',
    sessionId,
    toolName,
    toolUseId,
    failed: false,
  }),
  turnEnd: (sessionId: string): ClientMessage => ({ ...at, type: 'turn-ended', sessionId, failed: false }),
  ended: (sessionId: string, reason = 'other'): ClientMessage => ({ ...at, type: 'session-ended', sessionId, reason }),
  alive: (sessionId: string): ClientMessage => ({ ...at, type: 'alive', sessionId, pid: 4242 }),
  statusline: (sessionId: string, withLimits = true): ClientMessage => ({
    ...at,
    type: 'statusline',
    sessionId,
    model: 'claude-opus-4-8[1m]',
    claudeVersion: '2.1.331',
    fiveHour: withLimits ? { usedPct: 42, resetsAtS: 1795554139 } : null,
    sevenDay: withLimits ? { usedPct: 13, resetsAtS: 1795809739 } : null,
  }),
};

/** An event sink that keeps what it gets. */
export class RecordingSink implements EventSink {
  readonly events: EngineEvent[] = [];
  append(event: EngineEvent): void {
    this.events.push(event);
  }
  kinds(): string[] {
    return this.events.map((e) => e.kind);
  }
}

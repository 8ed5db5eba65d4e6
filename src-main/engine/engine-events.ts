/** A tiny helper that stamps and appends engine events. */
import type { EngineEvent, EventKind, EventLevel } from './events/event-types.js';
import type { Clock, EventSink } from './ports.js';

export interface EngineEvents {
  emit(kind: EventKind, level: EventLevel, message: string, accountId?: string, data?: EngineEvent['data']): void;
}

export function createEngineEvents(deps: { readonly clock: Clock; readonly sink: EventSink }): EngineEvents {
  return {
    emit(kind, level, message, accountId, data) {
      deps.sink.append({
        atMs: deps.clock.now(),
        kind,
        level,
        message,
        ...(accountId !== undefined ? { accountId } : {}),
        ...(data !== undefined ? { data } : {}),
      });
    },
  };
}

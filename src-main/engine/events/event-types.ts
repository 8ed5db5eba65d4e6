/**
 * Engine events. The kinds and the event shape live in `src-main/shared/event-types.ts` because the
 * dashboard shows them too; add new kinds there.
 */
export { EVENT_KINDS, type EngineEvent, type EventKind, type EventLevel } from '../../shared/event-types.js';
import type { EngineEvent, EventKind } from '../../shared/event-types.js';

/** Which events `EventLog.query` (and `Engine.events`) return. */
export interface EventQuery {
  /** Only events at or after this time (epoch ms). */
  readonly sinceMs?: number;
  readonly kinds?: readonly EventKind[];
  readonly accountId?: string;
  /** Newest first; default 200, at most 1000. */
  readonly limit?: number;
}

/** The persisted event log (JSONL, size-rotated) with an in-memory index for queries. */
export interface EventLog {
  append(event: EngineEvent): void;
  /** Newest first. */
  query(query?: EventQuery): readonly EngineEvent[];
  /** Subscribe to appended events; returns unsubscribe. */
  subscribe(listener: (event: EngineEvent) => void): () => void;
  /** Flushes pending writes. */
  close(): Promise<void>;
}

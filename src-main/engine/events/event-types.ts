/**
 * Engine events. The kinds and the event shape live in `src-main/shared/event-types.ts` because the
 * dashboard shows them too; add new kinds there.
 */
export { EVENT_KINDS, type EngineEvent, type EventKind, type EventLevel } from '../../shared/event-types.js';
import type { EngineEvent } from '../../shared/event-types.js';

/** The persisted event log (JSONL, size-rotated) with an in-memory index for queries. */
export interface EventLog {
  append(event: EngineEvent): void;
  /** Newest first. See `EventQuery` in engine-types.ts. */
  query(query?: import('../engine-types.js').EventQuery): readonly EngineEvent[];
  /** Subscribe to appended events; returns unsubscribe. */
  subscribe(listener: (event: EngineEvent) => void): () => void;
  /** Flushes pending writes. */
  close(): Promise<void>;
}

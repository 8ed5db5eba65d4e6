/**
 * The in-memory side of the event log: a bounded list of recent events, queries over it, and live
 * listeners. Shared by the file-backed log and the memory-only log.
 */
import type { Logger } from '../ports.js';
import type { EngineEvent, EventQuery } from './event-types.js';

export const DEFAULT_QUERY_LIMIT = 200;
export const MAX_QUERY_LIMIT = 1000;

export interface EventRing {
  /** Keeps the event (dropping the oldest beyond the limit) and tells every listener. */
  push(event: EngineEvent): void;
  query(query?: EventQuery): readonly EngineEvent[];
  subscribe(listener: (event: EngineEvent) => void): () => void;
}

/** Creates a ring holding at most `memoryLimit` events, seeded with `initial` (oldest first). */
export function createEventRing(memoryLimit: number, logger: Logger, initial: readonly EngineEvent[] = []): EventRing {
  const events: EngineEvent[] = initial.slice(-memoryLimit);
  const listeners = new Set<(event: EngineEvent) => void>();
  return {
    push(event) {
      events.push(event);
      if (events.length > memoryLimit) events.splice(0, events.length - memoryLimit);
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          logger.error('event listener failed', { kind: event.kind, error: (error as Error).message });
        }
      }
    },
    query: (query) => queryEvents(events, query),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * Events matching `query`, newest first (by append order). `sinceMs` is inclusive; `limit`
 * defaults to 200 and is clamped to 1…1000.
 */
export function queryEvents(eventsOldestFirst: readonly EngineEvent[], query: EventQuery = {}): readonly EngineEvent[] {
  const limit = clampLimit(query.limit);
  const kinds = query.kinds && query.kinds.length > 0 ? new Set(query.kinds) : null;
  const out: EngineEvent[] = [];
  for (let i = eventsOldestFirst.length - 1; i >= 0 && out.length < limit; i--) {
    const e = eventsOldestFirst[i]!;
    if (query.sinceMs !== undefined && e.atMs < query.sinceMs) continue;
    if (kinds && !kinds.has(e.kind)) continue;
    if (query.accountId !== undefined && e.accountId !== query.accountId) continue;
    out.push(e);
  }
  return out;
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_QUERY_LIMIT;
  return Math.min(MAX_QUERY_LIMIT, Math.max(1, Math.floor(limit)));
}

/** An {@link EventLog} that keeps events in memory only: for tests and short-lived CLI commands. */
import type { Logger } from '../ports.js';
import { silentLogger } from '../ports.js';
import { redactEvent } from './event-redaction.js';
import { createEventRing } from './event-ring.js';
import type { EventLog } from './event-types.js';

export interface MemoryEventLogOptions {
  /** Events kept; default 2000. */
  readonly memoryLimit?: number;
  readonly logger?: Logger;
}

/** Creates a memory-only event log with the same redaction, query and subscribe behaviour as the file log. */
export function createMemoryEventLog(options: MemoryEventLogOptions = {}): EventLog {
  const logger = options.logger ?? silentLogger;
  const ring = createEventRing(options.memoryLimit ?? 2000, logger);
  return {
    append(event) {
      const { event: safe, redacted } = redactEvent(event);
      if (redacted) logger.warn('an event looked like it carried a token; it was redacted', { kind: event.kind });
      ring.push(safe);
    },
    query: (query) => ring.query(query),
    subscribe: (listener) => ring.subscribe(listener),
    close: async () => undefined,
  };
}

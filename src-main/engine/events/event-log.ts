/**
 * The persisted event log: JSONL in `<dir>/events.jsonl`, rotated by size, with the newest events
 * in memory for queries (reloaded from disk at start) and live subscribers.
 */
import type { Logger } from '../ports.js';
import { eventFilePath } from './event-files.js';
import { createChattyThrottle, type ChattyThrottleOptions } from './chatty-throttle.js';
import { loadRecentEvents } from './event-log-loader.js';
import { redactEvent } from './event-redaction.js';
import { createEventRing } from './event-ring.js';
import type { EngineEvent, EventLog } from './event-types.js';
import { createJsonlWriter } from './jsonl-writer.js';

export interface EventLogOptions {
  /** Folder of the log files; created (mode 0700) when missing. */
  readonly dir: string;
  readonly logger: Logger;
  /** Size at which the current file is rotated; default 2 MiB. */
  readonly maxFileBytes?: number;
  /** Files kept, the current one included; default 5 (`events.jsonl` + `events.1…4.jsonl`). */
  readonly maxFiles?: number;
  /** Events kept in memory for queries; default 2000. */
  readonly memoryLimit?: number;
  /** How many session events a minute are recorded (a flood must not evict real history); see chatty-throttle.ts. */
  readonly chatty?: ChattyThrottleOptions;
}

/** The file-backed log, with the path of its current file for messages. */
export interface FileEventLog extends EventLog {
  readonly path: string;
}

/**
 * Opens the log: loads the newest `memoryLimit` events from disk (synchronously, once), then
 * appends in the background. `append` never throws; `close()` waits for pending writes, and the
 * log stays usable afterwards (a later append is written and a later `close()` flushes it).
 */
export function createEventLog(options: EventLogOptions): FileEventLog {
  const { dir, logger } = options;
  const maxFileBytes = options.maxFileBytes ?? 2 * 1024 * 1024;
  const maxFiles = Math.max(1, options.maxFiles ?? 5);
  const memoryLimit = options.memoryLimit ?? 2000;

  const initial = loadRecentEvents({ dir, maxFiles, limit: memoryLimit, logger });
  const ring = createEventRing(memoryLimit, logger, initial);
  const writer = createJsonlWriter({ dir, maxFileBytes, maxFiles, logger });
  const throttle = createChattyThrottle(options.chatty);
  const record = (event: EngineEvent): void => {
    const { event: safe, redacted } = redactEvent(event);
    if (redacted) logger.warn('an event looked like it carried a token; it was redacted', { kind: event.kind });
    writer.write(JSON.stringify(safe));
    ring.push(safe);
  };

  return {
    path: eventFilePath(dir, 0),
    append(event) {
      try {
        for (const admitted of throttle.admit(event)) record(admitted);
      } catch (error) {
        logger.error('event log: could not append an event', { kind: event.kind, error: (error as Error).message });
      }
    },
    query: (query) => ring.query(query),
    subscribe: (listener) => ring.subscribe(listener),
    close: () => {
      const last = ring.query({ limit: 1 })[0];
      const pending = throttle.flush(last?.atMs ?? 0);
      if (pending) record(pending);
      return writer.flush();
    },
  };
}

/**
 * Reads the newest events back from the log files at start-up, so queries work across restarts.
 * Unreadable lines (torn writes, hand edits, unknown kinds) are skipped with one warning per file.
 */
import fs from 'node:fs';
import type { Logger } from '../ports.js';
import { eventFilePath } from './event-files.js';
import { redactEvent } from './event-redaction.js';
import { parseEventLine } from './event-schema.js';
import type { EngineEvent } from './event-types.js';

export interface LoadEventsOptions {
  readonly dir: string;
  readonly maxFiles: number;
  /** At most this many events, the newest ones. */
  readonly limit: number;
  readonly logger: Logger;
}

/** The newest `limit` events across the log files, oldest first. Never throws. */
export function loadRecentEvents(options: LoadEventsOptions): EngineEvent[] {
  const { dir, maxFiles, limit, logger } = options;
  const perFileNewestFirst: EngineEvent[][] = [];
  let count = 0;
  for (let n = 0; n < maxFiles && count < limit; n++) {
    const file = eventFilePath(dir, n);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // ENOTDIR: the folder itself is missing or not a folder; the writer reports that once.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        logger.warn('event log: could not read an old log file; skipping it', { file, error: (error as Error).message });
      }
      continue;
    }
    const lines = text.split('\n');
    const events: EngineEvent[] = [];
    let bad = 0;
    for (let i = lines.length - 1; i >= 0 && count + events.length < limit; i--) {
      const line = lines[i]!.trim();
      if (line === '') continue;
      const event = parseEventLine(line);
      if (event) events.push(redactEvent(event).event);
      else bad++;
    }
    if (bad > 0) logger.warn('event log: skipped unreadable lines', { file, count: bad });
    perFileNewestFirst.push(events);
    count += events.length;
  }
  return perFileNewestFirst.flat().reverse();
}

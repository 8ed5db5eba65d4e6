/**
 * Appends lines to `events.jsonl` in batches (one append per event-loop turn), one batch at a time,
 * rotating by size: the current file becomes `events.1.jsonl`, `.1` becomes `.2`, …, and the file
 * past `maxFiles - 1` is dropped. Write failures are logged, never thrown.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import type { Logger } from '../ports.js';
import { eventFilePath } from './event-files.js';

export interface JsonlWriterOptions {
  readonly dir: string;
  readonly maxFileBytes: number;
  /** Files kept in all, the current one included (≥ 1). */
  readonly maxFiles: number;
  readonly logger: Logger;
}

export interface JsonlWriter {
  /** Queues one line (without its newline). */
  write(line: string): void;
  /** Resolves when every line queued so far is on disk (or its failure was logged). */
  flush(): Promise<void>;
}

/** Creates the writer; reads the current file's size synchronously once. */
export function createJsonlWriter(options: JsonlWriterOptions): JsonlWriter {
  const { dir, maxFileBytes, maxFiles, logger } = options;
  const current = eventFilePath(dir, 0);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    // Not fatal: events stay in memory and each failed write is logged.
    logger.error('event log: could not create the log folder', { dir, error: (error as Error).message });
  }
  let sizeBytes = 0;
  // A crash can leave a torn last line; start on a fresh line so the next event stays readable.
  let needsNewline = false;
  try {
    sizeBytes = fs.statSync(current).size;
    needsNewline = sizeBytes > 0 && lastByte(current) !== 0x0a;
  } catch {
    // No file yet.
  }
  let pending: string[] = [];
  let scheduled = false;
  let chain: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    scheduled = false;
    const lines = pending;
    pending = [];
    if (lines.length > 0) {
      chain = chain
        .then(() => writeLines(lines))
        .catch((error: unknown) => {
          logger.error('event log: could not write events to disk', { count: lines.length, error: (error as Error).message });
        });
    }
    return chain;
  }

  async function writeLines(lines: readonly string[]): Promise<void> {
    let chunk = '';
    let chunkBytes = 0;
    for (const line of lines) {
      const text = `${line}\n`;
      const bytes = Buffer.byteLength(text);
      if (sizeBytes + chunkBytes > 0 && sizeBytes + chunkBytes + bytes > maxFileBytes) {
        await append(chunk, chunkBytes);
        chunk = '';
        chunkBytes = 0;
        await rotate();
      }
      chunk += text;
      chunkBytes += bytes;
    }
    await append(chunk, chunkBytes);
  }

  async function append(chunk: string, chunkBytes: number): Promise<void> {
    if (chunk === '') return;
    const data = needsNewline ? `\n${chunk}` : chunk;
    await fsp.appendFile(current, data, { mode: 0o600 });
    sizeBytes += chunkBytes + (needsNewline ? 1 : 0);
    needsNewline = false;
  }

  async function rotate(): Promise<void> {
    await fsp.rm(eventFilePath(dir, maxFiles - 1), { force: true });
    for (let n = maxFiles - 2; n >= 0; n--) {
      await fsp.rename(eventFilePath(dir, n), eventFilePath(dir, n + 1)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    }
    sizeBytes = 0;
    needsNewline = false;
  }

  return {
    write(line) {
      pending.push(line);
      if (scheduled) return;
      scheduled = true;
      setImmediate(() => void flush());
    },
    flush,
  };
}

function lastByte(file: string): number | undefined {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1);
    const size = fs.fstatSync(fd).size;
    fs.readSync(fd, buf, 0, 1, size - 1);
    return buf[0];
  } finally {
    fs.closeSync(fd);
  }
}

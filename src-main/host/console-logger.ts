/** A Logger writing one line per message to stderr, token-shaped text redacted. */
import { type Logger, redactSecrets } from '../engine/index.js';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof LEVELS;

export function isLogLevel(value: string): value is LogLevel {
  return Object.hasOwn(LEVELS, value);
}

/** Creates the logger; `write` defaults to stderr, `now` to the wall clock. */
export function createConsoleLogger(
  options: {
    readonly level?: LogLevel;
    readonly write?: (line: string) => void;
    readonly now?: () => number;
  } = {},
): Logger {
  const min = LEVELS[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const now = options.now ?? Date.now;
  const log = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < min) return;
    const extra = fields && Object.keys(fields).length > 0 ? ` ${safeJson(fields)}` : '';
    write(redactSecrets(`${new Date(now()).toISOString()} ${level.toUpperCase().padEnd(5)} ${message}${extra}\n`));
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (v instanceof Error ? { name: v.name, message: v.message } : v));
  } catch {
    return '[unserialisable fields]';
  }
}

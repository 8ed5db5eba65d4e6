/** The schema a persisted event line must pass to be loaded back (the log file is untrusted input). */
import { z } from 'zod';
import { EVENT_KINDS, type EngineEvent } from './event-types.js';

export const EngineEventSchema = z.object({
  atMs: z.number(),
  kind: z.enum(EVENT_KINDS),
  level: z.enum(['info', 'warn', 'error']),
  message: z.string(),
  accountId: z.string().optional(),
  data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});

/** One JSONL line as an event, or null when it is not valid JSON or not a known event. */
export function parseEventLine(line: string): EngineEvent | null {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return null;
  }
  const parsed = EngineEventSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

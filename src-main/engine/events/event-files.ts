/** Names of the event log files: `events.jsonl` (current), then `events.1.jsonl` … (older). */
import path from 'node:path';

/** The file of generation `n`: 0 is the current file, higher is older. */
export function eventFilePath(dir: string, n: number): string {
  return path.join(dir, n === 0 ? 'events.jsonl' : `events.${n}.jsonl`);
}

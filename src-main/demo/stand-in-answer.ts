/** How the stand-in writes an answer, and the delays a fault adds (cancelled when it closes). */
import type { ServerResponse } from 'node:http';
import type { StandInResponse } from './stand-in-oauth.js';

/** Writes `answer` (JSON unless it carries a raw body) with a request id like the real API's. */
export function sendAnswer(res: ServerResponse, answer: StandInResponse): void {
  if (res.destroyed) return;
  const body = answer.body ?? (answer.json === undefined ? '' : JSON.stringify(answer.json));
  const contentType = answer.json === undefined ? 'text/plain' : 'application/json';
  res.writeHead(answer.status, {
    'content-type': contentType,
    'request-id': `req_standin_${Math.random().toString(36).slice(2, 12)}`,
    ...answer.headers,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** The first half of `answer`'s body, as a connection cut mid-answer would leave it. */
export function truncatedAnswer(answer: StandInResponse): StandInResponse {
  const full = answer.body ?? JSON.stringify(answer.json ?? null);
  return {
    status: answer.status,
    headers: { 'content-type': 'application/json', ...answer.headers },
    body: full.slice(0, Math.floor(full.length / 2)),
  };
}

export interface Delays {
  /** Resolves true after `ms`, or false when the delays are cancelled first. */
  sleep(ms: number): Promise<boolean>;
  /** Ends every pending delay with false. */
  cancelAll(): void;
}

export function createDelays(): Delays {
  const delays = new Set<{ timer: NodeJS.Timeout; done: () => void }>();
  return {
    sleep(ms) {
      return new Promise((resolve) => {
        const entry = {
          timer: setTimeout(() => {
            delays.delete(entry);
            resolve(true);
          }, ms),
          done: () => resolve(false),
        };
        delays.add(entry);
      });
    },
    cancelAll() {
      for (const entry of delays) {
        clearTimeout(entry.timer);
        entry.done();
      }
      delays.clear();
    },
  };
}

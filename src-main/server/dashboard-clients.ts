/** The dashboard socket's clients: keep-alive pings, a bounded close of them all, their text frames. */
import type { RawData, WebSocket } from 'ws';
import { CloseCode } from './close-codes.js';

/** A client is alive while it answered the last ping (or sent anything since). */
export interface LivenessState {
  alive: boolean;
}

/** Terminates every client that did not answer the previous ping and pings the rest. */
export function pingClients(clients: ReadonlyMap<WebSocket, LivenessState>): void {
  for (const [ws, state] of clients) {
    if (!state.alive) {
      ws.terminate();
      continue;
    }
    state.alive = false;
    ws.ping();
  }
}

/** Closes every client with 1001 and waits for them, terminating whoever is left after `graceMs`. */
export async function closeClients(clients: ReadonlyMap<WebSocket, unknown>, graceMs: number): Promise<void> {
  const closed = [...clients.keys()].map(
    (ws) =>
      new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close(CloseCode.GoingAway, 'server shutting down');
      }),
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceMs);
    timer.unref();
  });
  await Promise.race([Promise.all(closed), timeout]);
  clearTimeout(timer);
  for (const ws of clients.keys()) ws.terminate();
}

/** A text frame's characters, however `ws` delivered it. */
export function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

/**
 * The dashboard socket's snapshot pushing: the engine's latest snapshot (serialised once per change,
 * whatever the number of clients), sent to each client at most once per `coalesceMs` — always the
 * latest — and held back while a slow reader still has more than `maxBufferedBytes` queued.
 */
import { WebSocket } from 'ws';
import type { Logger } from '../engine/index.js';
import type { FleetSnapshot } from '../shared/view-model.js';
import type { DashboardServerMessage } from './socket-protocol.js';

/** What the push knows of one client. */
export interface PushClient {
  lastSentAtMs: number;
  /** The snapshot version the client has; -1 before the first. */
  sentVersion: number;
  timer: NodeJS.Timeout | null;
}

export interface SnapshotPushOptions {
  readonly logger: Logger;
  readonly coalesceMs: number;
  readonly maxBufferedBytes: number;
  /** Runs `fn`, logging (never throwing) a failure of `what`. */
  readonly guard: (what: string, fn: () => void) => void;
}

export interface SnapshotPush {
  /** The engine produced `snapshot`: it is what every client gets next. */
  setLatest(snapshot: FleetSnapshot): void;
  /** Sends the latest snapshot to `ws` now, unless it has it already (or is a slow reader: then later). */
  sendLatest(ws: WebSocket, client: PushClient): void;
  /** Sends the latest snapshot to `ws` as soon as its coalescing gap allows. */
  schedule(ws: WebSocket, client: PushClient): void;
}

/** Creates the push with no snapshot yet. */
export function createSnapshotPush(options: SnapshotPushOptions): SnapshotPush {
  const { logger, coalesceMs, maxBufferedBytes, guard } = options;
  let latest: FleetSnapshot | null = null;
  let latestJson: string | null = null;
  let version = 0;

  const sendLatest = (ws: WebSocket, client: PushClient): void => {
    client.timer = null;
    if (ws.readyState !== WebSocket.OPEN || latest === null || client.sentVersion === version) return;
    if (ws.bufferedAmount > maxBufferedBytes) {
      // A slow reader: skip this one, try again later with whatever is latest then.
      client.timer = setTimeout(() => guard('retrying a send', () => sendLatest(ws, client)), coalesceMs);
      client.timer.unref();
      return;
    }
    latestJson ??= JSON.stringify({ type: 'snapshot', snapshot: latest } satisfies DashboardServerMessage);
    client.lastSentAtMs = Date.now();
    client.sentVersion = version;
    ws.send(latestJson, (error) => {
      if (error) logger.warn('snapshot socket: a send failed', { error: error.message });
    });
  };

  return {
    setLatest(snapshot) {
      latest = snapshot;
      latestJson = null;
      version++;
    },
    sendLatest,
    schedule(ws, client) {
      if (client.timer !== null) return; // already due: it will send the latest snapshot
      const waitMs = coalesceMs - (Date.now() - client.lastSentAtMs);
      if (waitMs <= 0) return sendLatest(ws, client);
      client.timer = setTimeout(() => guard('sending a snapshot', () => sendLatest(ws, client)), waitMs);
      client.timer.unref();
    },
  };
}

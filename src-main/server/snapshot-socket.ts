/**
 * `/api/ws`: the dashboard socket. Pushes `{type:'snapshot', snapshot}` to every client — once on
 * connect, then on each engine change, coalesced per client (at most one send per `coalesceMs`,
 * always the latest) — and runs contract calls `{type:'call', id, name, args}`, answering
 * `{type:'result', id, result}` (see `socket-session.ts` for limits and errors). `{"type":"ping"}`
 * is answered with `{"type":"pong"}`; a malformed message closes with 4400. Pushing is in
 * `snapshot-push.ts`, keep-alive and closing in `dashboard-clients.ts`.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { createCommandHandlers, type Engine, type Logger } from '../engine/index.js';
import type { CommandHandlers } from '../shared/contract.js';
import { DEFAULT_CALL_LIMITS, type CallLimits } from './call-limiter.js';
import { CloseCode } from './close-codes.js';
import { closeClients, pingClients, rawText, type LivenessState } from './dashboard-clients.js';
import { httpError } from './http-io.js';
import { MAX_CLIENT_MESSAGE_BYTES, type DashboardServerMessage } from './socket-protocol.js';
import { createSocketSession, type SocketSession } from './socket-session.js';
import { createSnapshotPush, type PushClient } from './snapshot-push.js';
import { rejectUpgrade } from './upgrades.js';

export { MAX_CLIENT_MESSAGE_BYTES } from './socket-protocol.js';

export interface SnapshotSocketOptions {
  readonly engine: Engine;
  readonly logger: Logger;
  /** Ping interval; a client that did not answer the previous ping is terminated. Default 30 s. */
  readonly keepAliveMs?: number;
  /** Minimum gap between two snapshot sends to one client. Default 100 ms. */
  readonly coalesceMs?: number;
  /** Sends are skipped (and retried later) while a client has more than this queued. Default 1 MiB. */
  readonly maxBufferedBytes?: number;
  /** What calls run; default `createCommandHandlers(engine, logger)`. */
  readonly handlers?: CommandHandlers;
  /** Per-connection call limits; each field defaults to {@link DEFAULT_CALL_LIMITS}. */
  readonly callLimits?: Partial<CallLimits>;
  /** Dashboards connected at once; an upgrade beyond it is refused with 503. Default 32. */
  readonly maxClients?: number;
}

export interface SnapshotSocket {
  /** Completes an upgrade that already passed the access checks. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  readonly clientCount: number;
  /** Closes every client with 1001, terminating stragglers after `graceMs`; stops listening to the engine. */
  close(graceMs: number): Promise<void>;
}

interface ClientState extends PushClient, LivenessState {
  readonly session: SocketSession;
}

/** Creates the snapshot push socket and subscribes it to the engine. */
export function createSnapshotSocket(options: SnapshotSocketOptions): SnapshotSocket {
  const { engine, logger } = options;
  const keepAliveMs = options.keepAliveMs ?? 30_000;
  const handlers = options.handlers ?? createCommandHandlers(engine, logger);
  const callLimits: CallLimits = { ...DEFAULT_CALL_LIMITS, ...options.callLimits };
  const maxClients = options.maxClients ?? 32;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_CLIENT_MESSAGE_BYTES,
    perMessageDeflate: false,
    clientTracking: false,
  });
  const clients = new Map<WebSocket, ClientState>();

  const guard = (what: string, fn: () => void): void => {
    try {
      fn();
    } catch (error) {
      logger.error(`snapshot socket: ${what} failed`, { error: error instanceof Error ? error.message : String(error) });
    }
  };
  const push = createSnapshotPush({
    logger,
    coalesceMs: options.coalesceMs ?? 100,
    maxBufferedBytes: options.maxBufferedBytes ?? 1024 * 1024,
    guard,
  });

  const unsubscribe = engine.subscribe((snapshot) =>
    guard('handling an engine change', () => {
      push.setLatest(snapshot);
      for (const [ws, state] of clients) push.schedule(ws, state);
    }),
  );
  const onMessage = (ws: WebSocket, state: ClientState, data: RawData, isBinary: boolean): void => {
    state.alive = true;
    if (ws.readyState !== WebSocket.OPEN) return; // closing: whatever still arrives is dropped
    if (isBinary) return ws.close(CloseCode.BadRequest, 'binary messages are not accepted');
    state.session.receive(rawText(data));
  };

  const sendMessage = (ws: WebSocket, message: DashboardServerMessage): void => {
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.send(JSON.stringify(message), (error) => {
      if (error) logger.warn('snapshot socket: a send failed', { error: error.message });
    });
  };

  const onConnection = (ws: WebSocket): void => {
    const session = createSocketSession({
      handlers,
      limits: callLimits,
      logger,
      now: Date.now,
      send: (message) => guard('sending a message', () => sendMessage(ws, message)),
      close: (code, reason) => ws.close(code, reason),
    });
    const state: ClientState = { alive: true, lastSentAtMs: 0, sentVersion: -1, timer: null, session };
    clients.set(ws, state);
    ws.on('pong', () => {
      state.alive = true;
    });
    ws.on('message', (data, isBinary) => guard('handling a client message', () => onMessage(ws, state, data, isBinary)));
    ws.on('error', (error) => logger.warn('snapshot socket: client error', { error: error.message }));
    ws.on('close', () => {
      if (state.timer !== null) clearTimeout(state.timer);
      clients.delete(ws);
    });
    try {
      push.setLatest(engine.snapshot());
    } catch (error) {
      logger.error('snapshot socket: the engine could not produce a snapshot', {
        error: error instanceof Error ? error.message : String(error),
      });
      ws.close(CloseCode.InternalError, 'the snapshot is unavailable; try again');
      return;
    }
    push.sendLatest(ws, state);
  };

  const keepAlive = setInterval(() => guard('keep-alive', () => pingClients(clients)), keepAliveMs);
  keepAlive.unref();

  return {
    handleUpgrade(req, socket, head) {
      if (clients.size >= maxClients) {
        logger.warn('dashboard socket full; refusing a client', { clients: clients.size });
        return rejectUpgrade(
          socket,
          httpError(503, 'too-many-clients', `${clients.size} dashboards are connected already; close one (a tab or window) and reload.`),
        );
      }
      wss.handleUpgrade(req, socket, head, (ws) => guard('accepting a client', () => onConnection(ws)));
    },
    get clientCount() {
      return clients.size;
    },
    async close(graceMs) {
      clearInterval(keepAlive);
      unsubscribe();
      await closeClients(clients, graceMs);
      wss.close();
    },
  };
}

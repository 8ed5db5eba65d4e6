/**
 * The `ws` transport for the engine's heartbeat core, beside the dashboard socket: mounts on the
 * HTTP server's upgrade (`handleUpgrade`, for `attachUpgrade('/heartbeat', …)`; see
 * mount-heartbeat.ts) or listens on its own loopback `http.Server` (tests, bench). Either way the
 * server's one access decider (`decideAccess`, access.ts) rules on every upgrade; a refusal is
 * said in the protocol (Forbidden / Unauthorized close codes). Caps frame size and connection
 * count, and terminates peers that stop answering pings (`heartbeat-connections.ts`; its own
 * server is in `heartbeat-own-server.ts`).
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { type Clock, type HeartbeatCore, type Logger, systemClock } from '../engine/index.js';
import type { AccessDecision } from './access.js';
import { acceptHeartbeat, startPinging, type AcceptOptions } from './heartbeat-connections.js';
import { listenOwnServer } from './heartbeat-own-server.js';

export interface HeartbeatListenerOptions {
  /** The token peers beyond loopback must send when listening on its own server (`listen`); null lets only loopback peers in. */
  readonly token: string | null;
  readonly core: HeartbeatCore;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Largest accepted frame; bigger ones are closed with `MessageTooBig` (1009). Default 16 KiB. */
  readonly maxPayloadBytes?: number;
  /** Ping period; a peer that did not pong since the last ping is terminated. Default 30 s. */
  readonly pingIntervalMs?: number;
  /** Connections beyond this are closed with `TryAgainLater`. Default 4,096. */
  readonly maxConnections?: number;
  /** The peer's address on its own server (`listen`); default the socket's remote address (tests inject a remote one). */
  readonly peerAddressOf?: (req: IncomingMessage) => string | undefined;
}

export interface HeartbeatListener {
  /** An upgrade handler for `attachUpgrade(HEARTBEAT_PATH, …, { refusesInProtocol: true })`; `access` is the server's decision. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, access: AccessDecision): void;
  /** Listens on its own HTTP server (default 127.0.0.1, port 0) and returns its ws:// URL. */
  listen(options?: { host?: string; port?: number }): Promise<{ url: string; port: number; server: Server }>;
  connectionCount(): number;
  /** Closes all sockets (`GoingAway`), the core and the own HTTP server if any. Idempotent. */
  dispose(): Promise<void>;
}

/** Creates the listener around a protocol core. */
export function createHeartbeatListener(options: HeartbeatListenerOptions): HeartbeatListener {
  const { core, logger } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes ?? 16 * 1024, perMessageDeflate: false });
  const answered = new WeakMap<WebSocket, boolean>();
  let ownServer: Server | null = null;
  let disposed = false;
  const pinger = startPinging({
    wss,
    answered,
    clock: options.clock ?? systemClock,
    logger,
    pingIntervalMs: options.pingIntervalMs ?? 30_000,
    stopped: () => disposed,
  });
  const peerAddress = (req: IncomingMessage): string | undefined =>
    options.peerAddressOf ? options.peerAddressOf(req) : req.socket.remoteAddress;
  const acceptOptions: AcceptOptions = { core, logger, wss, maxConnections: options.maxConnections ?? 4_096, answered, peerAddress };

  const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer, access: AccessDecision): void => {
    if (disposed) {
      socket.destroy();
      return;
    }
    try {
      wss.handleUpgrade(req, socket, head, (ws) => acceptHeartbeat(acceptOptions, ws, req, access));
    } catch (error) {
      logger.warn('heartbeat upgrade failed', { error: String(error) });
      socket.destroy();
    }
  };

  return {
    handleUpgrade,
    async listen({ host = '127.0.0.1', port = 0 } = {}) {
      const listening = await listenOwnServer({ host, port, token: options.token, peerAddress, handleUpgrade });
      ownServer = listening.server;
      return listening;
    },
    connectionCount: () => wss.clients.size,
    async dispose() {
      if (disposed) return;
      disposed = true;
      pinger.stop();
      core.dispose();
      // Give peers a moment to see the GoingAway close frame, then cut whoever is left.
      const deadline = Date.now() + 500;
      while (wss.clients.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      if (ownServer) {
        const server = ownServer;
        server.closeAllConnections?.();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}

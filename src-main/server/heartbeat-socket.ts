/**
 * The `ws` transport for the engine's heartbeat core, beside the dashboard socket: mounts on the
 * HTTP server's upgrade (`handleUpgrade`, for `attachUpgrade('/heartbeat', …)`; see
 * mount-heartbeat.ts) or listens on its own loopback `http.Server` (tests, bench). Either way the
 * server's one access decider (`decideAccess`, access.ts) rules on every upgrade; a refusal is
 * said in the protocol (Forbidden / Unauthorized close codes). Caps frame size and connection
 * count, and terminates peers that stop answering pings.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { type Clock, type HeartbeatCore, type Logger, systemClock, type TimerHandle } from '../engine/index.js';
import { CloseCode, HEARTBEAT_PATH } from '../shared/heartbeat-protocol.js';
import { decideAccess, isLoopbackHost, loopbackHostSet, type AccessDecision } from './access.js';
import { splitTarget } from './routes.js';

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
  const clock = options.clock ?? systemClock;
  const pingIntervalMs = options.pingIntervalMs ?? 30_000;
  const maxConnections = options.maxConnections ?? 4_096;
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes ?? 16 * 1024, perMessageDeflate: false });
  const answered = new WeakMap<WebSocket, boolean>();
  let ownServer: Server | null = null;
  let pingTimer: TimerHandle | null = null;
  let disposed = false;

  const pingAll = (): void => {
    for (const ws of wss.clients) {
      if (answered.get(ws) === false) {
        ws.terminate();
        continue;
      }
      answered.set(ws, false);
      try {
        ws.ping();
      } catch (error) {
        logger.debug('heartbeat ping failed', { error: String(error) });
      }
    }
  };
  const schedulePing = (): void => {
    pingTimer = clock.setTimeout(() => {
      try {
        pingAll();
      } catch (error) {
        logger.error('heartbeat ping sweep failed', { error: String(error) });
      } finally {
        if (!disposed) schedulePing();
      }
    }, pingIntervalMs);
  };
  schedulePing();

  const peerAddress = (req: IncomingMessage): string | undefined =>
    options.peerAddressOf ? options.peerAddressOf(req) : req.socket.remoteAddress;

  const accept = (ws: WebSocket, req: IncomingMessage, access: AccessDecision): void => {
    const address = peerAddress(req);
    ws.on('error', (error) => logger.debug('heartbeat socket error', { error: error.message }));
    if (wss.clients.size > maxConnections) {
      ws.close(CloseCode.TryAgainLater, 'too many connections');
      return;
    }
    answered.set(ws, true);
    ws.on('pong', () => answered.set(ws, true));
    let handler: ((data: string) => void) | null = null;
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        ws.close(CloseCode.BadMessage, 'binary frames are not accepted');
        return;
      }
      const text = Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Array.isArray(data)
          ? Buffer.concat(data).toString('utf8')
          : Buffer.from(data).toString('utf8');
      handler?.(text);
    });
    const closed = core.opened(
      {
        send: (text) => ws.send(text),
        close: (code, reason) => ws.close(code, reason),
        onMessage: (h) => {
          handler = h;
        },
      },
      // 403: Host or Origin refused (another site, or a name rebound to this machine); 401: no valid token.
      { authorized: access.ok || access.status !== 401, originAllowed: access.ok || access.status !== 403, peer: address ?? 'unknown' },
    );
    ws.on('close', (code, reason) => closed(code, reason.toString('utf8')));
  };

  const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer, access: AccessDecision): void => {
    if (disposed) {
      socket.destroy();
      return;
    }
    try {
      wss.handleUpgrade(req, socket, head, (ws) => accept(ws, req, access));
    } catch (error) {
      logger.warn('heartbeat upgrade failed', { error: String(error) });
      socket.destroy();
    }
  };

  return {
    handleUpgrade,
    async listen({ host = '127.0.0.1', port = 0 } = {}) {
      const server = createServer((_req, res) => {
        res.writeHead(426, { 'content-type': 'text/plain' }).end('Upgrade to WebSocket at /heartbeat\n');
      });
      let bound = port;
      const loopback = isLoopbackHost(host);
      server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        const [path, search] = splitTarget(req.url);
        if (path !== HEARTBEAT_PATH) {
          socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
          return;
        }
        const policy = {
          token: options.token,
          allowedHosts: loopback ? loopbackHostSet(host, bound) : null,
          loopbackHosts: loopbackHostSet(loopback ? host : '127.0.0.1', bound),
        };
        handleUpgrade(req, socket, head, decideAccess(req.headers, new URLSearchParams(search), policy, { address: peerAddress(req) }));
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
      });
      ownServer = server;
      const address = server.address();
      bound = typeof address === 'object' && address ? address.port : port;
      return { url: `ws://${host.includes(':') ? `[${host}]` : host}:${bound}${HEARTBEAT_PATH}`, port: bound, server };
    },
    connectionCount: () => wss.clients.size,
    async dispose() {
      if (disposed) return;
      disposed = true;
      if (pingTimer !== null) clock.clearTimeout(pingTimer);
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

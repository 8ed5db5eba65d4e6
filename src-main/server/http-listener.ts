/**
 * The Node HTTP server under ccmax-monitor's: timeouts against slow clients, a log line per request,
 * a 500 for a handler that failed, the open sockets (so `close()` can end them), listen and a
 * bounded close.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Server as NetServer, Socket } from 'node:net';
import type { Logger } from '../engine/index.js';
import { errorText } from './api-routes.js';
import { httpError, sendError } from './http-io.js';
import { splitTarget } from './routes.js';

export interface ListenerTimeouts {
  /** A client must send its headers within this (slow-loris bound). */
  readonly headersTimeoutMs: number;
  /** A client must send its whole request within this. */
  readonly requestTimeoutMs: number;
}

export interface Listener {
  readonly server: Server;
  /** Every open connection, so a close can destroy what outlives its grace period. */
  readonly sockets: ReadonlySet<Socket>;
}

/** Creates the Node server around `handleRequest` (not yet listening). */
export function createListener(
  timeouts: ListenerTimeouts,
  handleRequest: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  logger: Logger,
): Listener {
  const { headersTimeoutMs } = timeouts;
  const serverOptions = {
    headersTimeout: headersTimeoutMs,
    requestTimeout: Math.max(headersTimeoutMs, timeouts.requestTimeoutMs),
    keepAliveTimeout: 5_000,
    // Node checks the two timeouts above only this often (default 30 s, which would defeat them).
    connectionsCheckingInterval: Math.min(1_000, Math.ceil(headersTimeoutMs / 3)),
  };
  const server = createServer(serverOptions, (req, res) => {
    const startedMs = Date.now();
    const path = splitTarget(req.url)[0];
    res.on('finish', () =>
      logger.debug('http request', { method: req.method, path, status: res.statusCode, durationMs: Date.now() - startedMs }),
    );
    handleRequest(req, res).catch((error: unknown) => {
      logger.error('http handler failed', { method: req.method, path, error: errorText(error) });
      if (res.headersSent) return void res.destroy();
      sendError(res, httpError(500, 'internal', 'Something went wrong inside ccmax-monitor; the server log has the details.'));
    });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return { server, sockets };
}

/** Listens on `host:port`; rejects when the address is taken. Returns the port bound. */
export async function listen(server: NetServer, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : port;
}

/**
 * Stops accepting and ends keep-alive connections; `closeClients(graceMs)` closes the WebSockets.
 * Bounded: whatever is still open when `closeGraceMs` ends is destroyed.
 */
export async function closeListener(
  listener: Listener,
  closeGraceMs: number,
  closeClients: (graceMs: number) => Promise<void>,
): Promise<void> {
  const { server, sockets } = listener;
  const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const deadline = setTimeout(() => {
    for (const socket of sockets) socket.destroy();
  }, closeGraceMs);
  deadline.unref();
  await closeClients(closeGraceMs);
  server.closeIdleConnections();
  await stopped;
  clearTimeout(deadline);
}

/**
 * The headless server: HTTP API + dashboard files + WebSocket upgrades, behind one set of access
 * checks (Host, Origin, token). Binds 127.0.0.1 by default; any other address needs a token.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createCommandHandlers, type Engine, type HistoryReader, type Logger } from '../engine/index.js';
import type { VaultView } from '../shared/view-model.js';
import { decideAccess, isLoopbackHost, loopbackHostSet, toHostHeader, tokenCookie, type AccessPolicy } from './access.js';
import { createApiRoutes, errorText } from './api-routes.js';
import type { CallLimits } from './call-limiter.js';
import { applySecurityHeaders, httpError, readJsonBody, sendError, sendJson } from './http-io.js';
import { findRoute, splitTarget, type Reply, type Route } from './routes.js';
import { createSnapshotSocket } from './snapshot-socket.js';
import { createStaticFiles } from './static-files.js';
import { createUpgradeRouter, type UpgradeHandler, type UpgradeMountOptions } from './upgrades.js';

export type { UpgradeHandler, UpgradeMountOptions } from './upgrades.js';

export interface HttpServerOptions {
  readonly engine: Engine;
  /** The recorded history (`/api/history`, `/api/insights`, the socket's getHistory/getInsights); null: none. */
  readonly history?: HistoryReader | null;
  /** Listening address; default `127.0.0.1`. Anything but loopback requires `token`. */
  readonly host?: string;
  /** Default 0 (an ephemeral port; read it from the handle). */
  readonly port?: number;
  /** Shared secret for every request and upgrade; printable ASCII, no spaces. */
  readonly token?: string;
  /** The renderer build served for every non-API GET. */
  readonly rendererDir: string;
  readonly demo: boolean;
  readonly version: string;
  readonly logger: Logger;
  /** Largest request body; default 64 KiB. */
  readonly maxBodyBytes?: number;
  /** Where credentials live; logged at start so the operator sees it (the snapshot carries it too). */
  readonly vault: VaultView;
  /** WebSocket ping interval; default 30 s (tests shorten it). */
  readonly wsKeepAliveMs?: number;
  /** Per-connection call limits of `/api/ws`; defaults in `DEFAULT_CALL_LIMITS` (call-limiter.ts). */
  readonly wsCallLimits?: Partial<CallLimits>;
  /** Dashboards connected to `/api/ws` at once; default 32. */
  readonly wsMaxClients?: number;
  /** How long `close()` waits for clients before destroying them; default 3 s. */
  readonly closeGraceMs?: number;
  /** A client must send its headers within this; default 10 s (slow-loris bound). */
  readonly headersTimeoutMs?: number;
  /** A client must send its whole request within this; default 30 s. */
  readonly requestTimeoutMs?: number;
  /** Routes beyond the API's own (the hub's `/api/machines`), behind the same access checks. */
  readonly extraRoutes?: readonly Route[];
}

export interface HttpServerHandle {
  /** Base URL to open, e.g. `http://127.0.0.1:47821` (loopback when bound to all interfaces). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Stops accepting, closes WebSockets with 1001, ends keep-alive sockets; resolves when done. */
  close(): Promise<void>;
  /** Mounts a WebSocket endpoint at `path`; the handler runs only after the access checks passed. */
  attachUpgrade(path: string, handler: UpgradeHandler, options?: UpgradeMountOptions): void;
}

const PAGE_PATHS = /(^\/$|\.html$|^\/docs$)/;

/** Starts the server; rejects when the address is taken, throws on a misconfiguration. */
export async function createHttpServer(options: HttpServerOptions): Promise<HttpServerHandle> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? null;
  const loopback = isLoopbackHost(host);
  if (token !== null && !/^[\x21-\x7e]+$/.test(token)) {
    throw new Error('The server token must be printable ASCII without spaces; pick another --token or CCMAX_TOKEN.');
  }
  if (!loopback && token === null) {
    throw new Error(`listening on ${host} needs a token: pass --token or set CCMAX_TOKEN`);
  }
  const { engine, logger } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
  const closeGraceMs = options.closeGraceMs ?? 3_000;
  const handlers = createCommandHandlers(engine, logger, { history: options.history ?? null });
  const routes: Route[] = createApiRoutes({
    engine,
    handlers,
    logger,
    version: options.version,
    demo: options.demo,
    startedAtMs: Date.now(),
  });
  routes.push(...(options.extraRoutes ?? []));
  const staticFiles = createStaticFiles(options.rendererDir, logger);
  const snapshots = createSnapshotSocket({
    engine,
    logger,
    handlers,
    ...(options.wsKeepAliveMs ? { keepAliveMs: options.wsKeepAliveMs } : {}),
    ...(options.wsCallLimits ? { callLimits: options.wsCallLimits } : {}),
    ...(options.wsMaxClients ? { maxClients: options.wsMaxClients } : {}),
  });
  const sockets = new Set<Socket>();
  let policy: AccessPolicy = { token, allowedHosts: null };
  let closing: Promise<void> | null = null;
  const upgrades = createUpgradeRouter({ logger, policy: () => policy, isClosing: () => closing !== null });
  upgrades.attach('/api/ws', (req, socket, head) => snapshots.handleUpgrade(req, socket, head));

  const handleRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    applySecurityHeaders(res);
    if (closing) res.setHeader('Connection', 'close');
    const [pathname, search] = splitTarget(req.url);
    if (!pathname.startsWith('/'))
      return sendError(res, httpError(400, 'bad-request', 'The request target must be a path like /api/state.'));
    const query = new URLSearchParams(search);
    const access = decideAccess(req.headers, query, policy);
    if (!access.ok) {
      const headers = access.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="ccmax-monitor"' } : undefined;
      return sendError(res, httpError(access.status, access.code, access.message, headers));
    }
    if (access.tokenSource === 'query' && token !== null && req.method === 'GET' && PAGE_PATHS.test(pathname)) {
      // Keep the token for the page's own requests, and out of the address bar and history.
      query.delete('token');
      const rest = query.toString();
      res.setHeader('Set-Cookie', tokenCookie(token));
      res.setHeader('Location', rest ? `${pathname}?${rest}` : pathname);
      res.setHeader('Cache-Control', 'no-store');
      res.statusCode = 303;
      res.end();
      return;
    }
    const match = findRoute(routes, req.method ?? 'GET', pathname);
    if (match.kind === 'wrong-method') {
      return sendError(
        res,
        httpError(405, 'method-not-allowed', `Use ${match.allow.join(' or ')} for ${pathname}.`, { Allow: match.allow.join(', ') }),
      );
    }
    if (match.kind === 'found') {
      const reply = await match.route.handle({
        req,
        params: match.params,
        query,
        readBody: ({ allowEmpty }) => readJsonBody(req, { maxBytes: maxBodyBytes, allowEmpty }),
      });
      return sendReply(req, res, reply);
    }
    if (pathname === '/api' || pathname.startsWith('/api/')) {
      return sendError(res, httpError(404, 'not-found', `There is no API at ${pathname}; see /docs for the list.`));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendError(res, httpError(405, 'method-not-allowed', 'Dashboard files are read-only: use GET.', { Allow: 'GET, HEAD' }));
    }
    return staticFiles.serve(req, res, pathname);
  };

  const headersTimeoutMs = options.headersTimeoutMs ?? 10_000;
  const serverOptions = {
    headersTimeout: headersTimeoutMs,
    requestTimeout: Math.max(headersTimeoutMs, options.requestTimeoutMs ?? 30_000),
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

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  server.on('upgrade', (req, socket, head) => upgrades.handle(req, socket, head));

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await snapshots.close(0); // drop the engine subscription and the keep-alive timer
    throw error;
  }
  server.on('error', (error) => logger.error('http server error', { error: error.message }));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 0);
  policy = {
    token,
    allowedHosts: loopback ? loopbackHostSet(host, port) : null,
    loopbackHosts: loopbackHostSet(loopback ? host : '127.0.0.1', port),
  };
  logger.info('server listening', { host, port, tokenRequired: token !== null, vault: options.vault.kind });

  const close = async (): Promise<void> => {
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // Bounded: whatever is still open when the grace period ends is destroyed.
    const deadline = setTimeout(() => {
      for (const socket of sockets) socket.destroy();
    }, closeGraceMs);
    deadline.unref();
    await snapshots.close(closeGraceMs);
    server.closeIdleConnections();
    await stopped;
    clearTimeout(deadline);
    logger.info('server closed', { port });
  };

  return {
    url: `http://${toHostHeader(urlHost(host), port)}`,
    host,
    port,
    close: () => (closing ??= close()),
    attachUpgrade: (path: string, handler: UpgradeHandler, options?: UpgradeMountOptions) => upgrades.attach(path, handler, options),
  };
}

function sendReply(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  if ('error' in reply) return sendError(res, reply.error);
  if ('json' in reply) return sendJson(res, reply.status, reply.json, reply.headers);
  if ('text' in reply) {
    res.statusCode = reply.status;
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    res.setHeader('Content-Type', reply.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Length', Buffer.byteLength(reply.text));
    res.end(req.method === 'HEAD' ? undefined : reply.text);
    return;
  }
  res.statusCode = reply.status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Content-Security-Policy', reply.csp);
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('Content-Length', Buffer.byteLength(reply.html));
  res.end(req.method === 'HEAD' ? undefined : reply.html);
}

/** The host to put in the URL users open: wildcard binds are reachable on loopback. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '::1';
  return host;
}

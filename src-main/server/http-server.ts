/**
 * The headless server: HTTP API + dashboard files + WebSocket upgrades, behind one set of access
 * checks (Host, Origin, token). Binds 127.0.0.1 by default; any other address needs a token.
 * A request's path is in `http-requests.ts`, the Node server's timeouts, listen and close in
 * `http-listener.ts`.
 */
import { createCommandHandlers, type Engine, type HistoryReader, type Logger } from '../engine/index.js';
import type { VaultView } from '../shared/view-model.js';
import { isLoopbackHost, loopbackHostSet, toHostHeader, type AccessPolicy } from './access.js';
import { createApiRoutes } from './api-routes.js';
import type { CallLimits } from './call-limiter.js';
import { closeListener, createListener, listen } from './http-listener.js';
import { closeFront, createTlsFront, type TlsFiles } from './tls-front.js';
import { createRequestHandler } from './http-requests.js';
import type { Route } from './routes.js';
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
  /** Serve HTTPS (and WSS) on the same port; plain HTTP then only from loopback (tls-front.ts). */
  readonly tls?: TlsFiles;
}

export interface HttpServerHandle {
  /** Base URL to open, e.g. `http://127.0.0.1:47821` (loopback when bound to all interfaces). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** True when the port also speaks TLS (`--tls-cert/--tls-key`); other machines use `https://`. */
  readonly tls: boolean;
  /** Stops accepting, closes WebSockets with 1001, ends keep-alive sockets; resolves when done. */
  close(): Promise<void>;
  /** Mounts a WebSocket endpoint at `path`; the handler runs only after the access checks passed. */
  attachUpgrade(path: string, handler: UpgradeHandler, options?: UpgradeMountOptions): void;
}

/** Throws when the token is malformed, or missing for an address beyond loopback. */
function checkBinding(host: string, token: string | null): void {
  if (token !== null && !/^[\x21-\x7e]+$/.test(token)) {
    throw new Error('The server token must be printable ASCII without spaces; pick another --token or CCMAX_TOKEN.');
  }
  if (!isLoopbackHost(host) && token === null) {
    throw new Error(`listening on ${host} needs a token: pass --token or set CCMAX_TOKEN`);
  }
}

/** Starts the server; rejects when the address is taken, throws on a misconfiguration. */
export async function createHttpServer(options: HttpServerOptions): Promise<HttpServerHandle> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? null;
  const loopback = isLoopbackHost(host);
  checkBinding(host, token);
  const { engine, logger } = options;
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
  const snapshots = createSnapshotSocket({
    engine,
    logger,
    handlers,
    ...(options.wsKeepAliveMs ? { keepAliveMs: options.wsKeepAliveMs } : {}),
    ...(options.wsCallLimits ? { callLimits: options.wsCallLimits } : {}),
    ...(options.wsMaxClients ? { maxClients: options.wsMaxClients } : {}),
  });
  let policy: AccessPolicy = { token, allowedHosts: null };
  let closing: Promise<void> | null = null;
  const upgrades = createUpgradeRouter({ logger, policy: () => policy, isClosing: () => closing !== null });
  upgrades.attach('/api/ws', (req, socket, head) => snapshots.handleUpgrade(req, socket, head));
  const handleRequest = createRequestHandler({
    routes,
    staticFiles: createStaticFiles(options.rendererDir, logger),
    policy: () => policy,
    token,
    isClosing: () => closing !== null,
    maxBodyBytes: options.maxBodyBytes ?? 64 * 1024,
  });
  const headersTimeoutMs = options.headersTimeoutMs ?? 10_000;
  const listener = createListener({ headersTimeoutMs, requestTimeoutMs: options.requestTimeoutMs ?? 30_000 }, handleRequest, logger);
  const { server } = listener;
  server.on('upgrade', (req, socket, head) => upgrades.handle(req, socket, head));
  // With TLS the front listens and hands each connection (decrypted, or plain from loopback) to `server`.
  const front = options.tls ? createTlsFront(server, options.tls, logger) : null;

  let port: number;
  try {
    port = await listen(front ?? server, options.port ?? 0, host);
  } catch (error) {
    await snapshots.close(0); // drop the engine subscription and the keep-alive timer
    throw error;
  }
  (front ?? server).on('error', (error) => logger.error('http server error', { error: error.message }));
  policy = {
    token,
    allowedHosts: loopback ? loopbackHostSet(host, port) : null,
    loopbackHosts: loopbackHostSet(loopback ? host : '127.0.0.1', port),
  };
  logger.info('server listening', { host, port, tls: front !== null, tokenRequired: token !== null, vault: options.vault.kind });

  const close = async (): Promise<void> => {
    await closeListener(listener, closeGraceMs, (graceMs) => snapshots.close(graceMs));
    if (front) await closeFront(front);
    logger.info('server closed', { port });
  };

  return {
    url: `http://${toHostHeader(urlHost(host), port)}`,
    host,
    port,
    tls: front !== null,
    close: () => (closing ??= close()),
    attachUpgrade: (path: string, handler: UpgradeHandler, options?: UpgradeMountOptions) => upgrades.attach(path, handler, options),
  };
}

/** The host to put in the URL users open: wildcard binds are reachable on loopback. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '::1';
  return host;
}

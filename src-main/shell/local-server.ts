/**
 * The tray app's local server: the same HTTP API, browser dashboard and `/heartbeat` WebSocket as
 * `ccmax-monitor serve`, plus the discovery file hook clients use to find it. When another
 * ccmax-monitor already serves (found through the discovery file, or answering on our port), the
 * tray app runs no server of its own and says so: its status is `deferring`.
 */
import { isIP } from 'node:net';
import { readDiscovery, removeDiscovery, writeDiscovery } from '../cli/discovery.js';
import type { Engine } from '../engine/engine-types.js';
import type { Clock, FetchFn, Logger } from '../engine/ports.js';
import type { SessionRegistry } from '../engine/sessions/session-registry.js';
import { PRODUCT_VERSION } from '../engine/version.js';
import { createHttpServer, type HttpServerHandle } from '../server/http-server.js';
import { mountHeartbeat } from '../server/mount-heartbeat.js';
import type { VaultView } from '../shared/view-model.js';
import { isMonitorAt } from '../cli/monitor-probe.js';

/** What the local server is doing; `toServerNotice` turns the unhappy ones into words. */
export type LocalServerStatus =
  /** Ours: API, dashboard and heartbeat at `url`, advertised in the discovery file. */
  | { readonly kind: 'serving'; readonly url: string }
  /** Another ccmax-monitor serves at `url`: live sessions report to it, and it runs the fleet. */
  | { readonly kind: 'deferring'; readonly url: string }
  /** Some other program holds `address` (`host:port`). */
  | { readonly kind: 'port-taken'; readonly address: string }
  /** The server refused to start (e.g. a non-loopback address without a token); `message` says why. */
  | { readonly kind: 'refused'; readonly message: string };

export interface LocalServer {
  readonly status: LocalServerStatus;
  /** Disposes the heartbeat, closes the server and removes our discovery file. Idempotent; never rejects. */
  close(): Promise<void>;
}

export interface LocalServerOptions {
  readonly engine: Engine;
  /** Feeds live sessions; null leaves `/heartbeat` unmounted. */
  readonly registry: SessionRegistry | null;
  /** Where the discovery file is read and written. */
  readonly dataDir: string;
  readonly host: string;
  /** 0 picks a free port (demo mode). */
  readonly port: number;
  /** `CCMAX_TOKEN`; required by the server for any non-loopback host. */
  readonly token: string | null;
  readonly rendererDir: string;
  readonly demo: boolean;
  readonly vault: VaultView;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Written into the discovery file; default `process.pid`. */
  readonly pid?: number;
  /** How long to wait for another monitor's `/api/health`; default 1 s. */
  readonly probeTimeoutMs?: number;
  readonly fetch?: FetchFn;
}

/** Starts the local server, or finds another monitor to defer to. Expected failures are statuses; never throws for them. */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const { logger } = options;
  const probe = (url: string) =>
    isMonitorAt(url, {
      token: options.token,
      ...(options.probeTimeoutMs !== undefined ? { timeoutMs: options.probeTimeoutMs } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  const idle = (status: LocalServerStatus): LocalServer => ({ status, close: async () => {} });

  const advertised = await readDiscovery(options.dataDir);
  if (advertised && (await probe(advertised.url))) {
    logger.warn('another ccmax-monitor is serving; this app defers to it', { url: advertised.url, pid: advertised.pid });
    return idle({ kind: 'deferring', url: advertised.url });
  }

  let server: HttpServerHandle;
  try {
    server = await createHttpServer({
      engine: options.engine,
      host: options.host,
      port: options.port,
      ...(options.token ? { token: options.token } : {}),
      rendererDir: options.rendererDir,
      demo: options.demo,
      version: PRODUCT_VERSION,
      logger,
      vault: options.vault,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    const message = error instanceof Error ? error.message : String(error);
    if (code !== 'EADDRINUSE') {
      logger.error('the local server did not start', { host: options.host, port: options.port, error: message });
      return idle({ kind: 'refused', message });
    }
    // A monitor with another data dir (`serve --data-dir`) writes no discovery file we can see.
    const own = `http://${hostPort(options.host, options.port)}`;
    if (await probe(own)) {
      logger.warn('another ccmax-monitor is serving on our port; this app defers to it', { url: own });
      return idle({ kind: 'deferring', url: own });
    }
    logger.error('the local server port is taken by another program', { host: options.host, port: options.port });
    return idle({ kind: 'port-taken', address: hostPort(options.host, options.port) });
  }

  const heartbeat = options.registry
    ? mountHeartbeat({ server, engine: options.engine, registry: options.registry, clock: options.clock, logger, token: options.token })
    : null;
  const pid = options.pid ?? process.pid;
  let advertising = false;
  try {
    await writeDiscovery(options.dataDir, {
      version: 1,
      url: server.url,
      pid,
      startedAtMs: options.clock.now(),
      demo: options.demo,
      productVersion: PRODUCT_VERSION,
    });
    advertising = true;
  } catch (error) {
    // Still serving: hooks given CCMAX_PORT or CCMAX_URL reach us; the rest cannot find us.
    logger.error('could not write the discovery file; hooks without CCMAX_PORT will not find this app', { error: String(error) });
  }

  let closing: Promise<void> | null = null;
  const close = async (): Promise<void> => {
    await heartbeat?.dispose().catch((e: unknown) => logger.error('heartbeat close failed', { error: String(e) }));
    await server.close().catch((e: unknown) => logger.error('server close failed', { error: String(e) }));
    if (advertising)
      await removeDiscovery(options.dataDir, pid).catch((e: unknown) =>
        logger.warn('could not remove the discovery file', { error: String(e) }),
      );
  };
  return { status: { kind: 'serving', url: server.url }, close: () => (closing ??= close()) };
}

/** `host:port` as a URL authority; wildcard binds are reached on loopback. */
function hostPort(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' || host === '[::]' ? '::1' : host;
  const bare = reachable.replace(/^\[|\]$/g, '');
  return isIP(bare) === 6 ? `[${bare}]:${port}` : `${bare}:${port}`;
}

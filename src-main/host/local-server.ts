/**
 * The monitor's local server: the HTTP API, browser dashboard and `/heartbeat` WebSocket, plus the
 * discovery file hook clients and the CLI use to find it. Another ccmax-monitor already serving
 * (found through the discovery file, or answering on our port) is either a reason to refuse (the
 * headless `serve`) or to defer to it and run no server of our own (the tray app): see `OtherMonitorPolicy`.
 */
import { isIP } from 'node:net';
import { readDiscovery, removeDiscovery, writeDiscovery } from './discovery.js';
import { registerRunning, unregisterRunning } from './running-monitors.js';
import {
  type Clock,
  type Engine,
  type FetchFn,
  type HistoryReader,
  type Logger,
  PRODUCT_VERSION,
  type SessionRegistry,
} from '../engine/index.js';
import { createHttpServer, type HttpServerHandle } from '../server/http-server.js';
import { mountHeartbeat } from '../server/mount-heartbeat.js';
import { createMachineRoutes } from '../server/machine-routes.js';
import type { MachinesHub } from '../server/machines-hub.js';
import type { TlsFiles } from '../server/tls-front.js';
import { AGENT_PATH } from '../shared/machines-protocol.js';
import type { VaultView } from '../shared/view-model.js';
import { isMonitorAt } from './monitor-probe.js';

/** What the local server is doing; the tray app's `toServerNotice` turns the unhappy ones into words. */
export type LocalServerStatus =
  /** Ours: API, dashboard and heartbeat at `url`, advertised in the discovery file. */
  | { readonly kind: 'serving'; readonly url: string; readonly tls?: boolean }
  /** Another ccmax-monitor serves at `url`: live sessions report to it, and it runs the fleet. */
  | { readonly kind: 'deferring'; readonly url: string }
  /** Some other program holds `address` (`host:port`). */
  | { readonly kind: 'port-taken'; readonly address: string }
  /** The server refused to start (e.g. a non-loopback address without a token); `message` says why. */
  | { readonly kind: 'refused'; readonly message: string };

/**
 * `defer`: a monitor already serving, a taken port or a refused start are statuses (the tray app
 * keeps running and says so). `refuse`: they are errors thrown to the caller (`serve` exits 1).
 */
export type OtherMonitorPolicy = 'defer' | 'refuse';

export interface LocalServer {
  readonly status: LocalServerStatus;
  /** Disposes the heartbeat, closes the server and removes our discovery file. Idempotent; never rejects. */
  close(): Promise<void>;
}

export interface LocalServerOptions {
  readonly engine: Engine;
  /** The recorded history behind `/api/history`, `/api/insights` and the dashboard's charts; null: none. */
  readonly history?: HistoryReader | null;
  /** Feeds live sessions; null leaves `/heartbeat` unmounted. */
  readonly registry: SessionRegistry | null;
  /** Where the discovery file is written. */
  readonly dataDir: string;
  readonly host: string;
  /** 0 picks a free port (demo mode). */
  readonly port: number;
  /** `CCMAX_TOKEN`; required by the server for any non-loopback host. */
  readonly token: string | null;
  /** Certificate and key for HTTPS/WSS on the same port (`serve --tls-cert/--tls-key`). */
  readonly tls?: TlsFiles;
  readonly rendererDir: string;
  readonly demo: boolean;
  readonly vault: VaultView;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly otherMonitor: OtherMonitorPolicy;
  /** Asks whether a ccmax-monitor answers at a URL (see `monitorProbe`). */
  readonly probe: (url: string) => Promise<boolean>;
  /** Written into the discovery file; default `process.pid`. */
  readonly pid?: number;
  /** The hub for agents on other machines (`/agent`, `/api/machines`); null when this server runs without a token. */
  readonly machines?: MachinesHub | null;
}

/** `isMonitorAt` with the caller's token, timeout and fetch. */
export function monitorProbe(options: {
  readonly token: string | null;
  readonly timeoutMs?: number;
  readonly fetch?: FetchFn;
}): (url: string) => Promise<boolean> {
  return (url) =>
    isMonitorAt(url, {
      token: options.token,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
}

/** The ccmax-monitor the data dir's discovery file names, when it answers; null otherwise. */
export async function findAdvertisedMonitor(
  dataDir: string,
  probe: (url: string) => Promise<boolean>,
): Promise<{ readonly url: string; readonly pid: number } | null> {
  const advertised = await readDiscovery(dataDir);
  return advertised && (await probe(advertised.url)) ? { url: advertised.url, pid: advertised.pid } : null;
}

/**
 * Starts the local server. Under `defer`, expected failures are statuses and it never throws for
 * them; under `refuse`, they reject (the address in use, a misconfiguration).
 */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const { logger } = options;
  const idle = (status: LocalServerStatus): LocalServer => ({ status, close: async () => {} });

  let server: HttpServerHandle;
  try {
    server = await createHttpServer({
      engine: options.engine,
      history: options.history ?? null,
      host: options.host,
      port: options.port,
      ...(options.token ? { token: options.token } : {}),
      ...(options.tls ? { tls: options.tls } : {}),
      rendererDir: options.rendererDir,
      demo: options.demo,
      version: PRODUCT_VERSION,
      logger,
      vault: options.vault,
      ...(options.machines ? { extraRoutes: createMachineRoutes(options.machines) } : {}),
    });
  } catch (error) {
    if (options.otherMonitor === 'refuse') throw error;
    const code = (error as NodeJS.ErrnoException | null)?.code;
    const message = error instanceof Error ? error.message : String(error);
    if (code !== 'EADDRINUSE') {
      logger.error('the local server did not start', { host: options.host, port: options.port, error: message });
      return idle({ kind: 'refused', message });
    }
    // A monitor with another data dir (`serve --data-dir`) writes no discovery file we can see.
    const own = `http://${hostPort(options.host, options.port)}`;
    if (await options.probe(own)) {
      logger.warn('another ccmax-monitor is serving on our port; this app defers to it', { url: own });
      return idle({ kind: 'deferring', url: own });
    }
    logger.error('the local server port is taken by another program', { host: options.host, port: options.port });
    return idle({ kind: 'port-taken', address: hostPort(options.host, options.port) });
  }

  const machines = options.machines ?? null;
  const heartbeat = options.registry
    ? mountHeartbeat({
        server,
        engine: options.engine,
        registry: options.registry,
        clock: options.clock,
        logger,
        token: options.token,
        ...(machines ? { afterSettle: () => machines.settle() } : {}),
      })
    : null;
  // Hooks on the agents' machines report through their agent into this server's heartbeat core.
  if (machines && heartbeat) machines.relayHeartbeats(heartbeat.core);
  // Agents always need the token (the hub refuses a connection without one, in the protocol's words).
  if (machines)
    server.attachUpgrade(AGENT_PATH, (req, socket, head, access) => machines.handleUpgrade(req, socket, head, access), {
      refusesInProtocol: true,
    });
  const pid = options.pid ?? process.pid;
  let advertising = false;
  try {
    const info = {
      version: 1,
      url: server.url,
      pid,
      startedAtMs: options.clock.now(),
      demo: options.demo,
      productVersion: PRODUCT_VERSION,
    } as const;
    await writeDiscovery(options.dataDir, info);
    advertising = true;
    // Also in the per-user list, so a CLI using another data dir (or none) finds this monitor.
    await registerRunning(process.env, { ...info, dataDir: options.dataDir }).catch((e: unknown) =>
      logger.warn('could not list this monitor among the running ones', { error: String(e) }),
    );
  } catch (error) {
    // Still serving: hooks given CCMAX_PORT or CCMAX_URL reach us; the rest cannot find us.
    logger.error('could not write the discovery file; hooks without CCMAX_PORT will not find this app', { error: String(error) });
  }

  let closing: Promise<void> | null = null;
  const close = async (): Promise<void> => {
    await heartbeat?.dispose().catch((e: unknown) => logger.error('heartbeat close failed', { error: String(e) }));
    await machines?.dispose().catch((e: unknown) => logger.error('machines hub close failed', { error: String(e) }));
    await server.close().catch((e: unknown) => logger.error('server close failed', { error: String(e) }));
    if (advertising) {
      await removeDiscovery(options.dataDir, pid).catch((e: unknown) =>
        logger.warn('could not remove the discovery file', { error: String(e) }),
      );
      await unregisterRunning(process.env, pid).catch(() => undefined);
    }
  };
  return { status: { kind: 'serving', url: server.url, tls: server.tls }, close: () => (closing ??= close()) };
}

/** `host:port` as a URL authority; wildcard binds are reached on loopback. */
function hostPort(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' || host === '[::]' ? '::1' : host;
  const bare = reachable.replace(/^\[|\]$/g, '');
  return isIP(bare) === 6 ? `[${bare}]:${port}` : `${bare}:${port}`;
}

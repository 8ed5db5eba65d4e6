/**
 * The monitor a Node process runs — `ccmax-monitor serve` and the tray app alike: the engine opened
 * on its stores and vault (or on a demo sandbox), its local server (HTTP API, dashboard, dashboard
 * and heartbeat sockets, discovery file), and the decision to observe when another ccmax-monitor
 * already runs the fleet. Composed here once; the faces add only what is theirs (signals and
 * console output, or Electron's windows, tray and sleep/wake).
 *
 * Observing: another monitor serves this data dir (or our port), so this one loads the saved state
 * but starts no timer — no polling, token refreshing or rotation — and its command handlers refuse
 * changes. Two engines rotating one Claude Code login, or spending one single-use refresh token,
 * would fight. Nothing is persisted: the next start decides again.
 */
import {
  type Clock,
  createCommandHandlers,
  type Engine,
  type FetchFn,
  type Logger,
  type StoreAdapterFactory,
  systemClock,
  type VaultKind,
} from '../engine/index.js';
import type { CommandHandlers } from '../shared/contract.js';
import { startDemoSandbox, type DemoSandbox } from './demo-mode.js';
import {
  findAdvertisedMonitor,
  monitorProbe,
  startLocalServer,
  type LocalServer,
  type LocalServerStatus,
  type OtherMonitorPolicy,
} from './local-server.js';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';
import { toObserverHandlers } from './observer-handlers.js';
import { openEngine, type OpenedEngine } from './open-engine.js';
import { openHistory, type OpenedHistory } from './open-history.js';
import { planMachines } from './machines-hub-wiring.js';
import type { MachinesHub } from '../server/machines-hub.js';
import type { TlsFiles } from '../server/tls-front.js';

export interface StartMonitorOptions {
  /** The data dir; null only in demo mode, meaning the sandbox's own. */
  readonly dataDir: string | null;
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform;
  readonly homeDir: string;
  /** Ignored in demo mode (the sandbox uses the file vault). */
  readonly vaultKind: VaultKind;
  readonly logger: Logger;
  /** The simulated fleet behind a loopback stand-in, in a sandbox deleted on close. */
  readonly demo: boolean;
  /** Listening address; default the settings' `listenHost`. */
  readonly host?: string;
  /** Default the settings' `listenPort` (0, a free port, in demo mode). */
  readonly port?: number;
  /** Required by the server for any non-loopback host; sent when probing another monitor. */
  readonly token: string | null;
  /** Certificate and key: the port also speaks HTTPS/WSS, plain HTTP then only from loopback. */
  readonly tls?: TlsFiles;
  /** The renderer build the server hands to browsers. */
  readonly rendererDir: string;
  /** What another ccmax-monitor already serving means: see `OtherMonitorPolicy`. */
  readonly otherMonitor: OtherMonitorPolicy;
  readonly clock?: Clock;
  /** The tray app hands in electron-store here. */
  readonly createStoreAdapter?: StoreAdapterFactory;
  /** How long to wait for another monitor's `/api/health`; default 1 s. */
  readonly probeTimeoutMs?: number;
  readonly fetch?: FetchFn;
}

export interface Monitor {
  readonly engine: Engine;
  /** The contract's command handlers; refusing changes while observing. */
  readonly handlers: CommandHandlers;
  /** The data dir in use (the sandbox's in demo mode without one given). */
  readonly dataDir: string;
  readonly vault: OpenedEngine['vault'];
  /** The local server's state; `deferring` makes this monitor an observer (see the file comment). */
  readonly server: LocalServerStatus;
  /** Starts the engine's timers, or only loads the saved state when observing. Safe to call again after `engine.stop()`. */
  start(): Promise<void>;
  /** Closes the server (heartbeat, HTTP, discovery file), stops the engine, flushes the event log, removes a demo sandbox. Idempotent. */
  close(): Promise<void>;
}

/** Thrown under `otherMonitor: 'refuse'` when another ccmax-monitor already serves the data dir. */
export class MonitorAlreadyRunning extends Error {
  constructor(
    readonly dataDir: string,
    readonly url: string,
    readonly pid: number | null,
  ) {
    super(
      `another ccmax-monitor is already running for ${dataDir} at ${url}${pid ? ` (pid ${pid})` : ''}. ` +
        `Stop it first (or use it: 'ccmax-monitor status'), or give this one its own --data-dir.`,
    );
    this.name = 'MonitorAlreadyRunning';
  }
}

/**
 * Opens the engine (not started: see `start()`) and its local server on `host`/`port`. Throws on a
 * misconfiguration, with how to fix it; under `refuse`, also when the server cannot start.
 */
export async function startMonitor(options: StartMonitorOptions): Promise<Monitor> {
  const { logger, demo } = options;
  const clock = options.clock ?? systemClock;
  const probe = monitorProbe({
    token: options.token,
    ...(options.probeTimeoutMs !== undefined ? { timeoutMs: options.probeTimeoutMs } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  let deferTo: string | null = null;
  let dataDirLock: DataDirLock | null = null;
  if (!demo) {
    if (options.dataDir === null) throw new Error('startMonitor: a data dir is required outside demo mode');
    // Two engines rotating the same Claude Code login would fight over it: one monitor per data dir,
    // decided by a lock taken before anything opens (the discovery file is written only later).
    const locked = await lockDataDir(options.dataDir, logger);
    if (locked.kind === 'held') {
      const running = await waitForAdvertisedMonitor(options.dataDir, probe, options.otherMonitor === 'defer' ? 5_000 : 0);
      if (!running || options.otherMonitor === 'refuse') {
        throw new MonitorAlreadyRunning(
          options.dataDir,
          running?.url ?? locked.holder.url ?? '(starting, no URL yet)',
          running?.pid ?? locked.holder.pid,
        );
      }
      logger.warn('another ccmax-monitor is serving; this app defers to it', { url: running.url, pid: running.pid });
      deferTo = running.url;
    } else {
      dataDirLock = locked.lock;
    }
  }
  const sandbox: DemoSandbox | null = demo ? await startDemoSandbox({ clock, logger }) : null;
  let opened: OpenedEngine | null = null;
  let server: LocalServer | null = null;
  let history: OpenedHistory | null = null;
  let machines: MachinesHub | null = null;
  const dataDir = options.dataDir ?? sandbox?.dataDir ?? '';
  // A hub's machines (or the demo's) reach the snapshot through a port made before the engine (the hub is opened after it).
  const machinesPlan = planMachines({ hub: !deferTo && options.token !== null, demo: sandbox?.simulator ?? null, clock });
  const closeAll = async (): Promise<void> => {
    machinesPlan.dispose();
    await server?.close();
    await opened?.close().catch((e: unknown) => logger.error('engine stop failed', { reason: String(e) }));
    history?.close();
    await sandbox?.close().catch(() => undefined);
    await dataDirLock?.release();
  };
  try {
    opened = await openEngine({
      dataDir,
      env: options.env,
      platform: options.platform,
      homeDir: options.homeDir,
      vaultKind: sandbox ? 'file' : options.vaultKind,
      logger,
      demo,
      clock,
      ...(options.createStoreAdapter ? { createStoreAdapter: options.createStoreAdapter } : {}),
      ...(sandbox ? { endpoints: sandbox.endpoints, claudePaths: sandbox.claudePaths } : {}),
      ...machinesPlan.engineOptions,
    });
    const engine = opened.engine;
    // In the demo, usage accrues on whichever account Claude Code "uses".
    if (sandbox) engine.subscribe((s) => sandbox.simulator.setActive(s.activeAccountId));
    const settings = engine.settings();
    // One writer: only the monitor that runs the fleet records its history.
    if (!deferTo) history = openHistory({ dataDir, engine, eventLog: opened.eventLog, clock, logger, demo });
    machines = machinesPlan.open(opened, dataDir, options.platform, logger);
    server = deferTo
      ? { status: { kind: 'deferring', url: deferTo }, close: async () => {} }
      : await startLocalServer({
          engine,
          history: history?.store ?? null,
          registry: opened.registry,
          dataDir,
          host: options.host ?? settings.listenHost,
          port: options.port ?? (demo ? 0 : settings.listenPort),
          token: options.token,
          ...(options.tls ? { tls: options.tls } : {}),
          rendererDir: options.rendererDir,
          demo,
          vault: { kind: opened.vault.kind, location: opened.vault.location },
          clock,
          logger,
          otherMonitor: options.otherMonitor,
          probe,
          machines,
        });
    if (machines) {
      const hub = machines;
      engine.subscribe(() => void hub.sync());
    }
  } catch (error) {
    await closeAll();
    throw error;
  }
  const engine = opened.engine;
  const observing = server.status.kind === 'deferring' ? server.status.url : null;
  if (server.status.kind === 'serving') await dataDirLock?.advertise(server.status.url).catch(() => undefined);
  if (observing) {
    history?.close();
    history = null;
  }
  const handlers = createCommandHandlers(engine, logger, { history: history?.store ?? null });
  let closing: Promise<void> | null = null;
  return {
    engine,
    handlers: observing ? toObserverHandlers(handlers, observing) : handlers,
    dataDir,
    vault: opened.vault,
    server: server.status,
    // Observing: `load()` reads the saved state and Claude Code's login without arming any timer.
    async start() {
      await (observing ? engine.load() : engine.start());
      sandbox?.simulator.setActive(engine.snapshot().activeAccountId);
    },
    close: () => (closing ??= closeAll()),
  };
}

/** The monitor advertised for `dataDir`, waiting up to `waitMs` for one that is still starting. */
async function waitForAdvertisedMonitor(
  dataDir: string,
  probe: Parameters<typeof findAdvertisedMonitor>[1],
  waitMs: number,
): ReturnType<typeof findAdvertisedMonitor> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const running = await findAdvertisedMonitor(dataDir, probe);
    if (running || Date.now() >= deadline) return running;
    await new Promise((r) => setTimeout(r, 200));
  }
}

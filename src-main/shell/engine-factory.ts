/**
 * The desktop engine: the monitor `ccmax-monitor serve` runs too (`startMonitor`: engine, local
 * server, discovery file, demo sandbox, observing when another ccmax-monitor serves), opened with
 * desktop ports — electron-store for the state files, the keychain vault (or `CCMAX_VAULT`), the
 * user-data folder — plus the sleep/wake hooks.
 */
import { type Clock, type Engine, type Logger, type StoreAdapterFactory, vaultKindFromEnv } from '../engine/index.js';
import type { LocalServerStatus } from '../host/local-server.js';
import { startMonitor } from '../host/start-monitor.js';
import type { CommandHandlers } from '../shared/contract.js';

/**
 * Sleep and wake: what `powerMonitor` suspend/resume call. Not `engine.pause()`: that is the user's
 * persisted rotation pause, which waking up must neither set nor clear.
 */
export interface PowerPort {
  pause(): Promise<void>;
  resume(): Promise<void>;
}

export interface DesktopEngine {
  readonly engine: Engine;
  /** The contract's command handlers (shared with the server's WebSocket). */
  readonly handlers: CommandHandlers;
  readonly power: PowerPort;
  /** Set when the vault fell back to the file store: why, for the UI to show. */
  readonly vaultWarning: string | null;
  /** The local server's state; `deferring` makes this process an observer (see the file comment). */
  readonly localServer: LocalServerStatus;
  /** Starts the engine's timers, or only loads the saved state when observing. Call once the app is wired. */
  start(): Promise<void>;
  /**
   * Closes the local server (heartbeat, HTTP, discovery file), then stops the engine and flushes
   * the event log (and removes a demo sandbox). Idempotent.
   */
  close(): Promise<void>;
}

export interface DesktopEngineOptions {
  /** `app.getPath('userData')`, which main.ts pins to `resolveDataDir` so the CLI finds the same files. */
  readonly dataDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform;
  readonly homeDir: string;
  readonly logger: Logger;
  readonly demo: boolean;
  /** electron-store, handed in by main.ts (it imports Electron, so it cannot be imported here). */
  readonly createStoreAdapter: StoreAdapterFactory;
  /** The renderer build the local server hands to browsers (the shell's `out/renderer`). */
  readonly rendererDir: string;
  readonly clock?: Clock;
}

/**
 * Opens the desktop engine (not started: see `start()`) and its local server on the settings'
 * `listenHost`/`listenPort` (`CCMAX_PORT` overrides the port; demo mode picks a free one; a
 * non-loopback host needs `CCMAX_TOKEN`). Throws on a misconfiguration, with how to fix it; a
 * server that cannot start is a status, not an error.
 */
export async function createDesktopEngine(options: DesktopEngineOptions): Promise<DesktopEngine> {
  const vaultKind = vaultKindFromEnv(undefined, options.env.CCMAX_VAULT);
  if (!vaultKind.ok) throw new Error(vaultKind.error.message);
  const portOverride = parsePort(options.env.CCMAX_PORT);
  const monitor = await startMonitor({
    dataDir: options.demo ? null : options.dataDir,
    env: options.env,
    platform: options.platform,
    homeDir: options.homeDir,
    vaultKind: vaultKind.value,
    logger: options.logger,
    demo: options.demo,
    ...(portOverride !== undefined ? { port: portOverride } : {}),
    token: options.env.CCMAX_TOKEN || null,
    rendererDir: options.rendererDir,
    otherMonitor: 'defer',
    createStoreAdapter: options.createStoreAdapter,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const engine = monitor.engine;
  // Sleep and wake run one after the other: a quick wake must not start timers a stop still holds.
  let powerChain: Promise<void> = Promise.resolve();
  const inTurn = (step: () => Promise<void>): Promise<void> => (powerChain = powerChain.then(step, step));
  let closing: Promise<void> | null = null;
  return {
    engine,
    handlers: monitor.handlers,
    // Stopping on suspend drops every timer (they would fire late and in a burst after sleep);
    // starting on wake re-reads Claude Code's store and reschedules polls from the real time.
    power: { pause: () => inTurn(() => engine.stop()), resume: () => inTurn(() => monitor.start()) },
    vaultWarning: monitor.vault.warning,
    localServer: monitor.server,
    start: () => inTurn(() => monitor.start()),
    close: () =>
      (closing ??= (async () => {
        await powerChain.catch(() => undefined);
        await monitor.close();
      })()),
  };
}

/** `CCMAX_PORT`, as `serve` reads it; undefined when unset. */
function parsePort(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`CCMAX_PORT must be a whole number from 0 to 65535; got '${value}'`);
  return port;
}

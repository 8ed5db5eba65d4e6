/**
 * The desktop engine: the same `openEngine` the headless server uses, with desktop ports —
 * electron-store for the state files, the keychain vault (or `CCMAX_VAULT`), the user-data folder —
 * plus the command handlers the IPC channels call and the sleep/wake hooks. Demo mode
 * (`--demo`) runs the simulated fleet in a sandbox, as `ccmax-monitor serve --demo` does.
 */
import { openEngine } from '../cli/open-engine.js';
import { startDemoSandbox, type DemoSandbox } from '../cli/demo-mode.js';
import { createCommandHandlers } from '../engine/command-handlers.js';
import type { Engine } from '../engine/engine-types.js';
import { systemClock, type Clock, type Logger } from '../engine/ports.js';
import type { StoreAdapterFactory } from '../engine/storage/state-store.js';
import { vaultKindFromEnv } from '../engine/vault/create-secret-store.js';
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
  /** Stops the engine and flushes the event log (and removes a demo sandbox). Idempotent. */
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
  readonly clock?: Clock;
}

/** Opens (does not start) the desktop engine. Throws on a misconfiguration, with how to fix it. */
export async function createDesktopEngine(options: DesktopEngineOptions): Promise<DesktopEngine> {
  const clock = options.clock ?? systemClock;
  const vaultKind = vaultKindFromEnv(undefined, options.env.CCMAX_VAULT);
  if (!vaultKind.ok) throw new Error(vaultKind.error.message);
  const sandbox: DemoSandbox | null = options.demo ? await startDemoSandbox({ clock, logger: options.logger }) : null;
  const opened = await openEngine({
    dataDir: sandbox?.dataDir ?? options.dataDir,
    env: options.env,
    platform: options.platform,
    homeDir: options.homeDir,
    vaultKind: sandbox ? 'file' : vaultKind.value,
    logger: options.logger,
    demo: options.demo,
    clock,
    createStoreAdapter: options.createStoreAdapter,
    ...(sandbox ? { endpoints: sandbox.endpoints, claudePaths: sandbox.claudePaths } : {}),
  });
  if (sandbox) {
    // In the demo, usage accrues on whichever account Claude Code "uses".
    opened.engine.subscribe((s) => sandbox.simulator.setActive(s.activeAccountId));
  }
  const engine = opened.engine;
  // TODO(lead): start the local API + heartbeat server here as `serve` does (and write the
  // discovery file), so Claude Code hooks reach the tray app's engine; close it in `close()`.
  // Sleep and wake run one after the other: a quick wake must not start timers a stop still holds.
  let powerChain: Promise<void> = Promise.resolve();
  const inTurn = (step: () => Promise<void>): Promise<void> => (powerChain = powerChain.then(step, step));
  let closing: Promise<void> | null = null;
  return {
    engine,
    handlers: createCommandHandlers(engine),
    // Stopping on suspend drops every timer (they would fire late and in a burst after sleep);
    // starting on wake re-reads Claude Code's store and reschedules polls from the real time.
    power: { pause: () => inTurn(() => engine.stop()), resume: () => inTurn(() => engine.start()) },
    vaultWarning: opened.vault.warning,
    close: () =>
      (closing ??= (async () => {
        await powerChain.catch(() => undefined);
        await opened.close();
        await sandbox?.close();
      })()),
  };
}

/**
 * Builds the engine for a Node process (the headless server and the CLI) from a data dir and the
 * environment: event log, schema-checked stores, the chosen vault, the Anthropic client and
 * Claude Code's paths. The desktop shell uses the same function with its own store adapter.
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import {
  type ClaudePaths,
  type Clock,
  createActiveAccountCell,
  createAnthropicClient,
  createEngine,
  createEventLog,
  createLoginFallback,
  createSecretStore,
  createSessionRegistry,
  createStateStore,
  createUsageCacheStore,
  createVault,
  type Engine,
  type FetchFn,
  type FileEventLog,
  isAtomicTempName,
  isOurTempFile,
  type Logger,
  PRODUCT_VERSION,
  removeStaleTemps,
  resolveClaudePaths,
  resolveEndpoints,
  type SessionRegistry,
  type EngineDeps,
  type SessionSource,
  type StoreAdapterFactory,
  type StoreOpenReport,
  systemClock,
  USER_AGENT,
  type VaultKind,
} from '../engine/index.js';

export interface OpenEngineOptions {
  readonly dataDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform;
  readonly homeDir: string;
  readonly vaultKind: VaultKind;
  readonly logger: Logger;
  readonly demo?: boolean;
  /** Overrides `CCMAX_API_BASE_URL` / `CCMAX_OAUTH_TOKEN_URL` (demo mode points them at its stand-in). */
  readonly endpoints?: { readonly apiBaseUrl: string; readonly tokenUrl: string };
  /** Overrides Claude Code's paths (demo mode uses a sandbox). */
  readonly claudePaths?: ClaudePaths;
  readonly clock?: Clock;
  readonly fetch?: FetchFn;
  readonly random?: () => number;
  /** The desktop shell hands in electron-store here. */
  readonly createStoreAdapter?: StoreAdapterFactory;
  readonly detectEveryMs?: number;
  /** Where refreshed logins go when the vault refuses them; default {@link defaultLoginFallbackDirs}. */
  readonly loginFallbackDirs?: readonly string[];
  /** Live sessions; default a new session registry (fed by the heartbeat server). Tests inject fakes. */
  readonly sessions?: SessionSource | null;
  /** A hub: the engine refreshes the active account too and says when it wrote the new login (`EngineDeps.refreshActive`). */
  readonly refreshActive?: EngineDeps['refreshActive'];
  /** A hub's machines, for the snapshot (`EngineDeps.machines`). */
  readonly machines?: EngineDeps['machines'];
  /** Where the engine writes Claude Code's login; default the platform's target (`EngineDeps.credentialsTarget`). */
  readonly credentialsTarget?: EngineDeps['credentialsTarget'];
}

export interface OpenedEngine {
  readonly engine: Engine;
  readonly eventLog: FileEventLog;
  readonly vault: { readonly kind: 'keychain' | 'file'; readonly location: string; readonly warning: string | null };
  readonly claudePaths: ClaudePaths;
  /** The live-session registry the heartbeat server feeds; null when sessions were injected or disabled. */
  readonly registry: SessionRegistry | null;
  /** Stops the engine and flushes the event log. */
  close(): Promise<void>;
}

/**
 * Removes temp files killed writes left (older than a minute, so no write in flight is touched): ours
 * in the data dir, and ours beside Claude Code's credentials file and `.claude.json`.
 */
async function removeCrashLeftovers(dataDir: string, paths: ClaudePaths, logger: Logger): Promise<void> {
  const sweeps = [
    removeStaleTemps(dataDir, isAtomicTempName),
    ...[paths.credentialsFile, paths.claudeJson].map((file) =>
      removeStaleTemps(dirname(file), (name) => isOurTempFile(name, basename(file))),
    ),
  ];
  const removed = (await Promise.all(sweeps)).flat();
  if (removed.length > 0) logger.info('removed temp files left by interrupted writes', { count: removed.length });
}

/**
 * Fallback folders for a refreshed login the vault refused: `<dataDir>/pending-logins`, then a
 * per-user, per-data-dir folder in the OS temp dir (often another file system than a full disk's).
 */
export function defaultLoginFallbackDirs(dataDir: string): string[] {
  const tag = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 8);
  let user = 'user';
  try {
    user = String(userInfo().uid >= 0 ? userInfo().uid : userInfo().username);
  } catch {
    // no user database entry: the data dir's hash alone keeps the folder apart
  }
  return [join(dataDir, 'pending-logins'), join(tmpdir(), `ccmax-monitor-${user}-${tag}`)];
}

/**
 * The `.claude.json` files the session-owner guard flag is read from: the config the engine writes,
 * and, when `CLAUDE_CONFIG_DIR` moved it, the default `~/.claude.json` too (a `claude` started
 * without the variable uses that one). `homeDir` null: the given config only (demo sandbox).
 */
export function guardConfigFiles(paths: ClaudePaths, homeDir: string | null): string[] {
  const files = [paths.claudeJson];
  if (homeDir !== null && paths.customConfigDir) files.push(join(homeDir, '.claude.json'));
  return [...new Set(files)];
}

/** Opens the engine (not started). Throws only for a misconfiguration, with a message that says how to fix it. */
export async function openEngine(options: OpenEngineOptions): Promise<OpenedEngine> {
  const { dataDir, logger } = options;
  const clock = options.clock ?? systemClock;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const claudePaths = options.claudePaths ?? resolveClaudePaths(options.env, options.homeDir, options.platform);
  await removeCrashLeftovers(dataDir, claudePaths, logger);
  const eventLog = createEventLog({ dir: dataDir, logger });
  const report = (file: string) => (r: StoreOpenReport) => {
    if (r.kind !== 'corrupt') return;
    eventLog.append({
      atMs: clock.now(),
      kind: 'settings-corrupt',
      level: 'error',
      message: `${file} was damaged (${r.reason}); it was kept as ${r.backupPath} and defaults are in use.`,
      data: { backupPath: r.backupPath },
    });
    logger.error(`${file} was damaged and has been backed up`, { backupPath: r.backupPath, reason: r.reason });
  };
  const storeOptions = { dataDir, logger, ...(options.createStoreAdapter ? { createAdapter: options.createStoreAdapter } : {}) };
  const store = createStateStore({ ...storeOptions, onReport: report('state.json') });
  const usageCache = createUsageCacheStore({ ...storeOptions, onReport: report('usage-cache.json') });
  const { store: secretStore, warning } = await createSecretStore({
    kind: options.vaultKind,
    dataDir,
    logger,
    onFileReport: (r) => {
      if (r.kind !== 'corrupt') return;
      eventLog.append({
        atMs: clock.now(),
        kind: 'vault-error',
        level: 'error',
        message: `The file vault was damaged; it was kept as ${r.backupPath}. Accounts without a readable login show 'needs login'.`,
        data: { backupPath: r.backupPath },
      });
    },
  });
  const vault = createVault(secretStore);
  const endpoints = options.endpoints ?? resolveEndpoints(options.env);
  const client = createAnthropicClient({
    fetch: options.fetch ?? globalThis.fetch,
    userAgent: USER_AGENT,
    apiBaseUrl: endpoints.apiBaseUrl,
    tokenUrl: endpoints.tokenUrl,
    now: () => clock.now(),
  });
  // The engine keeps the active account in this cell; the registry records it on each session message.
  const activeAccount = createActiveAccountCell();
  const registry = options.sessions === undefined ? createSessionRegistry({ clock, logger, events: eventLog, activeAccount }) : null;
  const engine = createEngine({
    clock,
    random: options.random ?? Math.random,
    logger,
    client,
    vault,
    store,
    usageCache,
    eventLog,
    claudePaths,
    claudeReadOptions: { platform: options.platform },
    version: PRODUCT_VERSION,
    loginFallback: createLoginFallback(options.loginFallbackDirs ?? defaultLoginFallbackDirs(dataDir)),
    demo: options.demo ?? false,
    ...(options.detectEveryMs !== undefined ? { detectEveryMs: options.detectEveryMs } : {}),
    activeAccount,
    sessions: options.sessions === undefined ? registry : options.sessions,
    guardConfigFiles: guardConfigFiles(claudePaths, options.claudePaths ? null : options.homeDir),
    refreshActive: options.refreshActive ?? null,
    machines: options.machines ?? null,
    ...(options.credentialsTarget ? { credentialsTarget: options.credentialsTarget } : {}),
  });
  return {
    engine,
    eventLog,
    vault: { kind: secretStore.kind, location: secretStore.location, warning },
    claudePaths,
    registry,
    async close() {
      await engine.stop();
      registry?.dispose();
      await eventLog.close();
    },
  };
}

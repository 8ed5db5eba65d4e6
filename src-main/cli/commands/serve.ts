/**
 * `ccmax-monitor serve`: the headless engine, dashboard, API and WebSocket on one port, until
 * SIGINT/SIGTERM. Writes a discovery file so the CLI and hook clients find it.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { systemClock } from '../../engine/ports.js';
import { PRODUCT_VERSION } from '../../engine/version.js';
import { createHttpServer, type HttpServerHandle } from '../../server/http-server.js';
import { mountHeartbeat } from '../../server/mount-heartbeat.js';
import type { CliIo, CommandHandler } from '../cli-types.js';
import { dataDirFrom, describeVault, vaultKindFrom } from '../common-options.js';
import { createConsoleLogger, isLogLevel } from '../console-logger.js';
import { startDemoSandbox, type DemoSandbox } from '../demo-mode.js';
import { connectToServer, readDiscovery, removeDiscovery, writeDiscovery } from '../discovery.js';
import { openEngine, type OpenedEngine } from '../open-engine.js';

/** The renderer build next to the bundle (`out/renderer`). */
const RENDERER_DIR = fileURLToPath(new URL('./renderer/', import.meta.url));

export const serveCommand: CommandHandler = async (argv, io) => {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      token: { type: 'string' },
      vault: { type: 'string' },
      demo: { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'info' },
    },
    strict: true,
  });
  const level = values['log-level'];
  if (!isLogLevel(level)) throw new Error(`--log-level must be debug, info, warn or error; got '${level}'`);
  const logger = createConsoleLogger({ level });
  const demo = values.demo;
  const token = values.token ?? io.env.CCMAX_TOKEN;

  let sandbox: DemoSandbox | null = null;
  let opened: OpenedEngine | null = null;
  let server: HttpServerHandle | null = null;
  let heartbeat: { dispose(): Promise<void> } | null = null;
  let dataDir = dataDirFrom(values['data-dir'], io);
  let port: number | null = null;
  const shutdown = async () => {
    await heartbeat?.dispose().catch((e: unknown) => logger.error('heartbeat close failed', { reason: String(e) }));
    await server?.close().catch((e: unknown) => logger.error('server close failed', { reason: String(e) }));
    await opened?.close().catch((e: unknown) => logger.error('engine stop failed', { reason: String(e) }));
    await removeDiscovery(dataDir, process.pid).catch(() => {});
    await sandbox?.close().catch(() => {});
  };
  if (!demo) {
    // Two engines rotating the same Claude Code login would fight over it: one monitor per data dir.
    const running = await connectToServer(dataDir, { ...io.env, CCMAX_URL: undefined, CCMAX_PORT: undefined });
    if (running) {
      const pid = (await readDiscovery(dataDir))?.pid;
      throw new Error(
        `another ccmax-monitor is already running for ${dataDir} at ${running.url}${pid ? ` (pid ${pid})` : ''}. ` +
          `Stop it first (or use it: 'ccmax-monitor status'), or give this one its own --data-dir.`,
      );
    }
  }
  try {
    if (demo) {
      sandbox = await startDemoSandbox({ clock: systemClock, logger });
      if (!values['data-dir']) dataDir = sandbox.dataDir;
    }
    opened = await openEngine({
      dataDir,
      env: io.env,
      platform: io.platform,
      homeDir: io.homeDir,
      vaultKind: demo ? 'file' : vaultKindFrom(values.vault, io),
      logger,
      demo,
      ...(sandbox ? { endpoints: sandbox.endpoints, claudePaths: sandbox.claudePaths } : {}),
    });
    if (opened.vault.warning) logger.warn(opened.vault.warning);
    const settings = opened.engine.settings();
    const host = values.host ?? settings.listenHost;
    port = parsePort(values.port ?? io.env.CCMAX_PORT, demo ? 0 : settings.listenPort);
    await opened.engine.start();
    if (sandbox) {
      const sim = sandbox.simulator;
      // In the demo, usage accrues on whichever account Claude Code "uses".
      opened.engine.subscribe((s) => sim.setActive(s.activeAccountId));
      sim.setActive(opened.engine.snapshot().activeAccountId);
    }
    server = await createHttpServer({
      engine: opened.engine,
      host,
      port,
      ...(token ? { token } : {}),
      rendererDir: RENDERER_DIR,
      demo,
      version: PRODUCT_VERSION,
      logger,
      vault: { kind: opened.vault.kind, location: opened.vault.location },
    });
    if (opened.registry) {
      heartbeat = mountHeartbeat({
        server,
        engine: opened.engine,
        registry: opened.registry,
        clock: systemClock,
        logger,
        token: token ?? null,
      });
    }
    await writeDiscovery(dataDir, {
      version: 1,
      url: server.url,
      pid: process.pid,
      startedAtMs: Date.now(),
      demo,
      productVersion: PRODUCT_VERSION,
    });
  } catch (error) {
    await shutdown();
    throw friendlyStartError(error, port);
  }
  const accounts = opened.engine.accounts.list().length;
  io.stdout(
    `${demo ? 'DEMO — ' : ''}ccmax-monitor ${PRODUCT_VERSION} listening on ${server.url}\n` +
      `  ${accounts} account(s) · ${describeVault(opened.vault)} · data ${dataDir}${demo ? ' (sandbox, deleted on exit)' : ''}\n` +
      `  dashboard ${server.url}/ · API docs ${server.url}/docs · Ctrl-C to stop\n`,
  );
  await waitForSignal(io);
  logger.info('shutting down');
  await shutdown();
  return 0;
};

function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`port must be a whole number from 0 to 65535; got '${value}'`);
  return port;
}

function friendlyStartError(error: unknown, port: number | null): Error {
  const e = error as NodeJS.ErrnoException;
  if (e?.code === 'EADDRINUSE') {
    return new Error(
      `port ${port ?? ''} is taken: another ccmax-monitor may be running ('ccmax-monitor status' finds it), or choose another with --port.`,
    );
  }
  if (e?.code === 'EACCES') return new Error(`not allowed to listen there (${e.message}); choose a port above 1024 with --port.`);
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Resolves on the first SIGINT or SIGTERM. `signal-exit` (used by proper-lockfile and conf's
 * dependencies) may re-raise that signal when it counts itself as the last listener; so our
 * listeners stay for the whole shutdown and a repeat within a second is that echo, ignored. A later
 * second signal (a user pressing Ctrl-C again) forces the exit.
 */
function waitForSignal(io: CliIo): Promise<void> {
  return new Promise((resolve) => {
    let firstAtMs: number | null = null;
    const onSignal = () => {
      if (firstAtMs === null) {
        firstAtMs = Date.now();
        resolve();
        return;
      }
      if (Date.now() - firstAtMs < 1000) return;
      io.stderr('ccmax-monitor: second signal, exiting without a clean shutdown\n');
      process.exit(130);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/**
 * `ccmax-monitor serve`: the headless engine, dashboard, API and WebSocket on one port, until
 * SIGINT/SIGTERM. Writes a discovery file so the CLI and hook clients find it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PRODUCT_VERSION } from '../../engine/index.js';
import { createConsoleLogger, isLogLevel } from '../../host/console-logger.js';
import { startMonitor, type Monitor } from '../../host/start-monitor.js';
import type { CliIo, CommandHandler } from '../cli-types.js';
import { dataDirFrom, describeVault, vaultKindFrom } from '../common-options.js';

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
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
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
  const portText = values.port ?? io.env.CCMAX_PORT;
  const port = portText === undefined || portText === '' ? undefined : parsePort(portText);
  const tls = readTlsFiles(values['tls-cert'], values['tls-key']);

  let monitor: Monitor;
  try {
    monitor = await startMonitor({
      dataDir: demo && !values['data-dir'] ? null : dataDirFrom(values['data-dir'], io),
      env: io.env,
      platform: io.platform,
      homeDir: io.homeDir,
      vaultKind: demo ? 'file' : vaultKindFrom(values.vault, io),
      logger,
      demo,
      ...(values.host !== undefined ? { host: values.host } : {}),
      ...(port !== undefined ? { port } : {}),
      token: token ?? null,
      ...(tls ? { tls } : {}),
      rendererDir: RENDERER_DIR,
      otherMonitor: 'refuse',
      probeTimeoutMs: 1500,
    });
  } catch (error) {
    throw friendlyStartError(error, port ?? null);
  }
  if (monitor.vault.warning) logger.warn(monitor.vault.warning);
  try {
    await monitor.start();
  } catch (error) {
    await monitor.close();
    throw error;
  }
  const url = monitor.server.kind === 'serving' ? monitor.server.url : '';
  const accounts = monitor.engine.accounts.list().length;
  io.stdout(
    `${demo ? 'DEMO — ' : ''}ccmax-monitor ${PRODUCT_VERSION} listening on ${url}\n` +
      `  ${accounts} account(s) · ${describeVault(monitor.vault)} · data ${monitor.dataDir}${demo ? ' (sandbox, deleted on exit)' : ''}\n` +
      `  dashboard ${url}/ · API docs ${url}/docs · Ctrl-C to stop\n` +
      (monitor.server.kind === 'serving' && monitor.server.tls
        ? `  TLS: other machines use ${url.replace(/^http:/, 'https:')} (this host's name or address); plain HTTP only from this machine\n`
        : ''),
  );
  await waitForSignal(io);
  logger.info('shutting down');
  await monitor.close();
  const lost = monitor.engine.loginsAtRisk();
  if (lost.length > 0) {
    io.stderr(
      `ccmax-monitor: ERROR: the refreshed login of ${lost.length} account(s) (${lost.join(', ')}) ` +
        'could not be saved to the vault nor to a fallback file; ' +
        `those accounts need a new login ('claude /login', then 'ccmax-monitor accounts import'). Free disk space or fix the vault first.\n`,
    );
    return 1;
  }
  return 0;
};

/** Reads `--tls-cert`/`--tls-key` (both or neither); a clear error names the file that cannot be read. */
function readTlsFiles(certPath: string | undefined, keyPath: string | undefined): { cert: Buffer; key: Buffer } | null {
  if (certPath === undefined && keyPath === undefined) return null;
  if (certPath === undefined || keyPath === undefined) throw new Error('--tls-cert and --tls-key go together: give both PEM files');
  const read = (path: string, what: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new Error(`cannot read the TLS ${what} ${path}: ${(error as Error).message}`);
    }
  };
  return { cert: read(certPath, 'certificate'), key: read(keyPath, 'key') };
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`port must be a whole number from 0 to 65535; got '${value}'`);
  return port;
}

function friendlyStartError(error: unknown, port: number | null): Error {
  const e = error as (NodeJS.ErrnoException & { port?: number }) | null;
  if (e?.code === 'EADDRINUSE') {
    return new Error(
      `port ${e.port ?? port ?? ''} is taken: another ccmax-monitor may be running ('ccmax-monitor status' finds it), or choose another with --port.`,
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

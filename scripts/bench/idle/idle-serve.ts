/**
 * Part 1 of the bench: a real `ccmax-monitor serve` process with ten accounts (added through the
 * CLI against the loopback stand-in) and Claude Code logged in to one of them, measured from /proc.
 * The stand-in runs in the bench process, so the server's figures are its own.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { USAGE_PATH } from '../../../src-main/engine/anthropic/endpoints.js';
import type { FleetSnapshot } from '../../../src-main/shared/view-model.js';
import type { RegisterCleanup } from './cleanup.js';
import { startBenchFleet, toCredentialsJson, usageCallTimes, writeClaudeLogin, type BenchFleet } from './bench-fleet.js';
import { sampleWindow, type ProcWindow } from './proc-sampler.js';

const run = promisify(execFile);

export interface IdleWindow extends ProcWindow {
  readonly usageCalls: number;
  readonly pollsDueInWindow: number;
}

export interface IdleServe {
  readonly pid: number;
  readonly url: string;
  /** Accounts in `/api/state` and how many of them have a usage reading. */
  state(): Promise<{ readonly accounts: number; readonly withReading: number; readonly active: string | null }>;
  /**
   * Samples the server for `seconds` and counts the usage calls the stand-in saw meanwhile, and how
   * many accounts the poller had due in the window when it began (`/api/state` `nextPollAtMs`).
   */
  measure(seconds: number): Promise<IdleWindow>;
  /** What the server wrote to stderr (warnings and errors at `--log-level warn`). */
  readonly stderrLines: readonly string[];
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and the stand-in, and deletes the temp dir. */
  close(): Promise<void>;
}

/** Seeds a temp data dir with the ten accounts and starts `serve` on it; cleans up if that fails. */
export async function startIdleServe(options: {
  readonly cliPath: string;
  readonly log: (line: string) => void;
  readonly registerCleanup: RegisterCleanup;
  /** Node flags for the server process only (e.g. `--max-semi-space-size=1`), to try what moves the figures. */
  readonly serveNodeArgs?: readonly string[];
}): Promise<IdleServe> {
  const root = await mkdtemp(join(tmpdir(), 'ccmax-bench-idle-'));
  let fleet: BenchFleet | null = null;
  let child: ChildProcess | null = null;
  const stderrLines: string[] = [];
  const close = async (): Promise<void> => {
    unregister();
    if (child) await stopChild(child);
    await fleet?.close().catch(() => {});
    await rm(root, { recursive: true, force: true });
  };
  const unregister = options.registerCleanup(close);
  try {
    fleet = await startBenchFleet(() => Date.now());
    const { simulator, standIn } = fleet;
    const dataDir = join(root, 'data');
    const claudeDir = join(root, 'claude');
    const env = isolatedEnv(root, claudeDir, standIn.url, standIn.tokenUrl);
    await mkdir(join(root, 'logins'), { mode: 0o700 });
    for (const [i, spec] of fleet.accounts.entries()) {
      const file = join(root, 'logins', `${i}.json`);
      await writeFile(file, toCredentialsJson(simulator.credentials(spec.accountUuid)), { mode: 0o600 });
      await run(process.execPath, [options.cliPath, 'accounts', 'add', file, '--data-dir', dataDir, '--vault', 'file'], { env });
    }
    options.log(`  added ${fleet.accounts.length} accounts with \`ccmax-monitor accounts add\``);
    await writeClaudeLogin(claudeDir, simulator, fleet.activeAccountId);

    const args = [
      ...(options.serveNodeArgs ?? []),
      options.cliPath,
      'serve',
      '--data-dir',
      dataDir,
      '--vault',
      'file',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--log-level',
      'warn',
    ];
    child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => stderrLines.push(...chunk.split('\n').filter(Boolean)));
    const url = await waitForUrl(child, 20_000, () => stderrLines.slice(-5).join('\n    '));
    const pid = child.pid;
    if (pid === undefined) throw new Error('serve started without a pid');
    const served = fleet;
    return {
      pid,
      url,
      stderrLines,
      async state() {
        const snapshot = await readState(url);
        return {
          accounts: snapshot.accounts.length,
          withReading: snapshot.accounts.filter((a) => a.usageReadAtMs !== null).length,
          active: snapshot.accounts.find((a) => a.active)?.email ?? null,
        };
      },
      async measure(seconds) {
        const fromMs = Date.now();
        const due = (await readState(url)).accounts.filter(
          (a) => a.nextPollAtMs !== null && a.nextPollAtMs < fromMs + seconds * 1000,
        ).length;
        const window = await sampleWindow(pid, seconds);
        const calls = usageCallTimes(served.standIn, USAGE_PATH, fromMs, Date.now());
        return { ...window, usageCalls: [...calls.values()].reduce((n, times) => n + times.length, 0), pollsDueInWindow: due };
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function readState(url: string): Promise<FleetSnapshot> {
  const res = await fetch(`${url}/api/state`);
  if (!res.ok) throw new Error(`GET /api/state answered ${res.status}`);
  return (await res.json()) as FleetSnapshot;
}

/** The user's environment minus anything that would point the CLI at their own data or server. */
function isolatedEnv(root: string, claudeDir: string, apiBaseUrl: string, tokenUrl: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('CCMAX_') && key !== 'CLAUDE_CONFIG_DIR') env[key] = value;
  return {
    ...env,
    HOME: root,
    CLAUDE_CONFIG_DIR: claudeDir,
    CCMAX_API_BASE_URL: apiBaseUrl,
    CCMAX_OAUTH_TOKEN_URL: tokenUrl,
    CCMAX_VAULT: 'file',
  };
}

/** Resolves with the URL `serve` prints; rejects (quoting `stderrTail()`) when it exits or stays silent for `timeoutMs`. */
function waitForUrl(child: ChildProcess, timeoutMs: number, stderrTail: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`serve printed no URL within ${timeoutMs / 1000} s:\n    ${stderrTail()}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match?.[1]) done(match[1]);
    };
    // Let the last stderr chunk arrive before quoting it.
    const onExit = (code: number | null) =>
      setTimeout(() => fail(new Error(`serve exited (code ${code}) before listening:\n    ${stderrTail()}`)), 50);
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      // Keep draining stdout so the server never blocks on a full pipe.
      child.stdout?.resume();
    };
    const done = (url: string) => {
      cleanup();
      resolve(url);
    };
    const fail = (e: Error) => {
      cleanup();
      reject(e);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** SIGTERM (graceful shutdown), then SIGKILL if it is still there after 5 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

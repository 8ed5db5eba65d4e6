/**
 * Real hub and agent processes for the several-machines tests: `ccmax-monitor serve` and
 * `ccmax-monitor agent` from the built `out/`, each with its own HOME / CLAUDE_CONFIG_DIR / data dir,
 * their output collected (for failure messages), a hub's URL read from what it prints, and a stop
 * that never leaves anything behind (SIGTERM, then SIGKILL after a grace period). Every process
 * started here is remembered; `stopAll()` in an `afterAll` ends whatever is still running.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'ccmax-monitor.js');
export const HOOK = join(ROOT, 'out', 'heartbeat.js');

/** How much of a process's output is kept (the tail), for failure messages. */
const OUTPUT_KEEP_CHARS = 64 * 1024;
/** How long a process gets to exit after SIGTERM before it is killed. */
const STOP_GRACE_MS = 5_000;

/** Builds `out/` when a test runs before any build (a fresh clone). */
export function ensureBuilt(): void {
  if (existsSync(join(ROOT, 'out', 'cli.js')) && existsSync(HOOK)) return;
  const built = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`npm run build failed: ${built.stderr.slice(-2000)}`);
}

/** Polls `fn` until it returns something other than null/false; throws, naming `what`, after `timeoutMs`. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | null | false> | T | null | false,
  timeoutMs: number,
  intervalMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface CliProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Everything it printed so far (stdout and stderr interleaved; the last 64 KB). */
  output(): string;
  /** True once it has exited (by itself or stopped). */
  exited(): boolean;
  /** Resolves with its exit code (null when a signal ended it) once it has exited. */
  readonly exit: Promise<number | null>;
  /** SIGTERM, then SIGKILL if it has not exited within the grace period; resolves once it has exited. */
  stop(): Promise<void>;
  /** SIGKILL now (a crash, a power cut); resolves once it has exited. */
  kill(): Promise<void>;
}

const running = new Set<CliProcess>();

/** Spawns `node bin/ccmax-monitor.js …args` with exactly `env`, collecting its output. */
export function spawnCli(name: string, args: readonly string[], env: NodeJS.ProcessEnv): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let printed = '';
  const collect = (d: Buffer) => {
    printed += d.toString();
    if (printed.length > 2 * OUTPUT_KEEP_CHARS) printed = printed.slice(-OUTPUT_KEEP_CHARS);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const isDone = () => child.exitCode !== null || child.signalCode !== null;
  const exit = new Promise<number | null>((resolve) => {
    if (isDone()) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
  const proc: CliProcess = {
    name,
    child,
    output: () => printed.slice(-OUTPUT_KEEP_CHARS),
    exited: isDone,
    exit,
    async stop() {
      if (!isDone()) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exit;
        clearTimeout(timer);
      }
      running.delete(proc);
    },
    async kill() {
      if (!isDone()) child.kill('SIGKILL');
      await exit;
      running.delete(proc);
    },
  };
  void exit.then(() => running.delete(proc));
  running.add(proc);
  return proc;
}

/** Stops every process started here that is still running (for `afterAll`). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}

export interface HubProcess extends CliProcess {
  /** `http://127.0.0.1:<port>` as it printed it. */
  readonly url: string;
}

export interface HubOptions {
  /** The hub machine's HOME. */
  readonly home: string;
  /** Arguments after `serve` (e.g. `--demo --token T`); `--port 0` and `--log-level warn` are added unless given. */
  readonly args: readonly string[];
  /** Added to (or, with `cleanEnv`, replacing) the inherited environment. */
  readonly env?: NodeJS.ProcessEnv;
  /** Start from an empty environment (only PATH) instead of this process's. */
  readonly cleanEnv?: boolean;
  /** What the hub prints once it serves; group 1 is its URL. */
  readonly readyPattern?: RegExp;
  readonly readyTimeoutMs?: number;
  readonly name?: string;
}

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/;

function baseEnv(home: string, cleanEnv: boolean | undefined): NodeJS.ProcessEnv {
  // Nothing of the developer's own monitor leaks in: no token, data dir, hub or monitor URL.
  if (cleanEnv) return { PATH: process.env.PATH, HOME: home };
  return { ...process.env, HOME: home, CCMAX_TOKEN: '', CCMAX_DATA_DIR: '', CCMAX_HUB_URL: '', CCMAX_URL: '', CCMAX_PORT: '' };
}

/** Starts `serve` and resolves once it printed its URL; rejects (with its output) if it exits or stays silent. */
export async function startHub(options: HubOptions): Promise<HubProcess> {
  const args = ['serve', ...options.args];
  if (!args.includes('--port')) args.push('--port', '0');
  if (!args.includes('--log-level')) args.push('--log-level', 'warn');
  const proc = spawnCli(options.name ?? 'hub', args, { ...baseEnv(options.home, options.cleanEnv), ...options.env });
  const pattern = options.readyPattern ?? LISTENING;
  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  const url = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const m = pattern.exec(proc.output());
      if (m) {
        done();
        resolve(m[1]!);
      }
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`serve exited early (${code}): ${proc.output()}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`serve printed no URL within ${timeoutMs} ms: ${proc.output()}`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      proc.child.stdout!.off('data', check);
      proc.child.off('exit', onExit);
    };
    proc.child.stdout!.on('data', check);
    proc.child.once('exit', onExit);
    check();
  }).catch(async (err: unknown) => {
    await proc.stop();
    throw err;
  });
  return { ...proc, url };
}

export interface AgentProcess extends CliProcess {
  readonly home: string;
  readonly configDir: string;
  readonly dataDir: string;
}

export interface AgentOptions {
  /** The agent machine's HOME; its Claude Code config dir is `<home>/.claude`, its data dir `<home>/data`. */
  readonly home: string;
  readonly hubUrl: string;
  /** Sent as CCMAX_TOKEN. */
  readonly token: string;
  /** Arguments after the hub URL and data dir (e.g. `--ca cert.pem`). */
  readonly args?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cleanEnv?: boolean;
  /** Claude Code's config dir, when not `<home>/.claude`. */
  readonly configDir?: string;
  readonly dataDir?: string;
  readonly name?: string;
}

/** Starts `agent --hub <url>` on its own machine dirs; it connects in the background (wait on what the test needs). */
export function startAgent(options: AgentOptions): AgentProcess {
  const configDir = options.configDir ?? join(options.home, '.claude');
  const dataDir = options.dataDir ?? join(options.home, 'data');
  const args = ['agent', '--hub', options.hubUrl, '--data-dir', dataDir, '--log-level', 'warn', ...(options.args ?? [])];
  const env = { ...baseEnv(options.home, options.cleanEnv), CLAUDE_CONFIG_DIR: configDir, CCMAX_TOKEN: options.token, ...options.env };
  const proc = spawnCli(options.name ?? `agent ${options.home}`, args, env);
  return { ...proc, home: options.home, configDir, dataDir };
}

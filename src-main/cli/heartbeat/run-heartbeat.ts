/**
 * The heartbeat client: `hook` (Claude Code hooks; hook JSON on stdin; prints nothing),
 * `statusline` (prints one status line, chaining the user's own statusline command), and `pulse`
 * (the detached per-session pulser). It never fails Claude Code: every path exits 0, quietly, and
 * is bounded in time whether or not the monitor is up.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolveDataDir } from '../../host/paths.js';
import { toHookMessage } from './hook-message.js';
import { resolveClaudePid } from './claude-process.js';
import { detectLoginOverrides } from './login-overrides.js';
import { deliver } from './deliver.js';
import { findMonitor } from './find-monitor.js';
import { startPulser } from './pulser.js';
import { pulserLockPath, pulserRunning, readLockPid, isProcessAlive } from './pulser-lock.js';
import { chainStatus, formatStatus, toStatuslineMessage } from './statusline.js';
import { runChained } from './run-chained.js';

export interface HeartbeatIo {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform;
  readonly homeDir: string;
  readonly cwd: string;
  /** The hook process's parent (Claude Code, or a shell it used). */
  readonly ppid: number;
  /** Arguments that start this client again with `node` (the script, and `heartbeat` via the CLI). */
  readonly selfArgs: readonly string[];
  /** Starts a detached process; default `child_process.spawn` with `detached`, `unref`, stdio ignored. */
  readonly spawnDetached?: (args: readonly string[], cwd: string) => Promise<void>;
}

interface Flags {
  readonly positional: string[];
  readonly dataDir: string | null;
  readonly url: string | null;
  readonly chain: string | null;
}

function parseFlags(argv: readonly string[]): Flags {
  const positional: string[] = [];
  let dataDir: string | null = null;
  let url: string | null = null;
  let chain: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = (): string | null => argv[++i] ?? null;
    if (arg === '--data-dir') dataDir = value();
    else if (arg === '--url') url = value();
    else if (arg === '--chain') chain = value();
    else if (!arg.startsWith('--')) positional.push(arg);
  }
  return { positional, dataDir, url, chain };
}

/** Reads stdin to the end, at most `maxBytes`, giving up after `timeoutMs`. */
export function readAll(stdin: NodeJS.ReadableStream, timeoutMs: number, maxBytes = 1 << 20): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      clearTimeout(timer);
      stdin.removeListener('data', onData);
      stdin.removeListener('end', done);
      stdin.removeListener('error', done);
      stdin.pause();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onData = (chunk: Buffer | string): void => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += b.length;
      if (size <= maxBytes) chunks.push(b);
      else done();
    };
    const timer = setTimeout(done, timeoutMs);
    stdin.on('data', onData);
    stdin.once('end', done);
    stdin.once('error', done);
    stdin.resume();
  });
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};

async function defaultSpawnDetached(args: readonly string[], cwd: string): Promise<void> {
  const { spawn } = await import('node:child_process');
  // A small heap cap: the pulser holds one socket for hours and must stay a few MB.
  const child = spawn(process.execPath, ['--max-old-space-size=16', ...args], {
    detached: true,
    stdio: 'ignore',
    cwd,
    env: process.env,
    windowsHide: true,
  });
  child.on('error', () => {});
  child.unref();
}

/** Runs one heartbeat invocation; resolves to the exit code (always 0 except for usage errors). */
export async function runHeartbeat(argv: readonly string[], io: HeartbeatIo): Promise<number> {
  const flags = parseFlags(argv);
  const [mode = 'hook', ...rest] = flags.positional;
  const dataDir = flags.dataDir ?? resolveDataDir(io.env, io.platform, io.homeDir);
  const env = flags.url && !io.env.CCMAX_URL ? { ...io.env, CCMAX_URL: flags.url } : io.env;
  const debug = (text: string): void => {
    if (io.env.CCMAX_HEARTBEAT_DEBUG) io.stderr(`ccmax heartbeat: ${text}\n`);
  };
  const passOn = [...(flags.dataDir ? ['--data-dir', flags.dataDir] : []), ...(flags.url ? ['--url', flags.url] : [])];
  try {
    if (mode === 'hook') return await runHook();
    if (mode === 'statusline') return await runStatusline();
    if (mode === 'pulse') return await runPulse();
    io.stderr(`ccmax-monitor heartbeat: unknown mode '${mode}' (hook, statusline or pulse)\n`);
    return 2;
  } catch (error) {
    debug(`failed: ${(error as Error).message}`);
    return 0;
  }

  async function runHook(): Promise<number> {
    const payload = parseJson(await readAll(io.stdin, 1_000));
    const event = (payload as { hook_event_name?: unknown; cwd?: unknown } | null)?.hook_event_name;
    const startsSomething = event === 'SessionStart' || event === 'UserPromptSubmit';
    const claudePid = startsSomething ? resolveClaudePid(io.env, io.ppid) : null;
    const sessionCwd = (payload as { cwd?: unknown } | null)?.cwd;
    const loginOverrides = startsSomething
      ? detectLoginOverrides({ ...io, cwd: typeof sessionCwd === 'string' ? sessionCwd : io.cwd, claudePid })
      : null;
    const message = toHookMessage(payload, { host: hostname(), claudePid, claudeVersion: null, loginOverrides });
    if (!message) {
      debug('not a hook payload we report');
      return 0;
    }
    if ((message.type === 'session-started' || message.type === 'turn-started') && claudePid !== null) {
      const lockPath = pulserLockPath(dataDir, message.sessionId);
      if (!pulserRunning(lockPath)) {
        await (io.spawnDetached ?? defaultSpawnDetached)(
          [...io.selfArgs, 'pulse', message.sessionId, String(claudePid), ...passOn],
          message.cwd ?? io.cwd,
        );
      }
    }
    if (message.type === 'session-ended') stopPulser(pulserLockPath(dataDir, message.sessionId), message.sessionId);
    const target = findMonitor(env, dataDir);
    if (!target) {
      debug('no monitor configured or advertised');
      return 0;
    }
    const waitsForSwitch = message.type === 'tool-ended' || message.type === 'turn-ended';
    const outcome = await deliver(target, message, { ackWaitMs: waitsForSwitch ? 1_000 : 300 });
    debug(`${message.type}: ${outcome.kind}`);
    return 0;
  }

  async function runStatusline(): Promise<number> {
    const raw = await readAll(io.stdin, 1_000);
    const reading = toStatuslineMessage(parseJson(raw), hostname());
    const theirs = flags.chain ? runChained(decodeChain(flags.chain), raw, io.cwd, 3_000) : Promise.resolve('');
    const target = reading ? findMonitor(env, dataDir) : null;
    const delivery = target && reading ? deliver(target, reading, { ackWaitMs: 400 }) : Promise.resolve(null);
    const [theirOutput, outcome] = await Promise.all([theirs, delivery]);
    const active = outcome?.kind === 'acked' ? (outcome.ack.active ?? null) : null;
    const reached = outcome !== null && outcome.kind !== 'unreachable';
    io.stdout(`${chainStatus(theirOutput, formatStatus(active, reading, reached))}\n`);
    return 0;
  }

  async function runPulse(): Promise<number> {
    const [sessionId, watch] = rest;
    const watchPid = Number.parseInt(watch ?? '', 10);
    if (!sessionId || !Number.isInteger(watchPid) || watchPid <= 1) return 2;
    // CCMAX_PULSE_INTERVAL_MS exists for tests; never faster than 100 ms.
    const intervalMs = Math.max(100, Number.parseInt(io.env.CCMAX_PULSE_INTERVAL_MS ?? '', 10) || 5_000);
    const pulser = startPulser({
      sessionId,
      watchPid,
      dataDir,
      intervalMs,
      host: hostname(),
      cwd: io.cwd,
      findTarget: () => findMonitor(env, dataDir),
    });
    const stop = (): void => pulser.stop();
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, stop);
    const exit = await pulser.done;
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.removeListener(signal, stop);
    debug(`pulser ended: ${exit}`);
    return 0;
  }
}

/** Decodes the user's statusline command that the installer stored (base64url JSON of their `statusLine`). */
export function decodeChain(encoded: string): string | null {
  const parsed = parseJson(Buffer.from(encoded, 'base64url').toString('utf8')) as { command?: unknown } | null;
  return typeof parsed?.command === 'string' && parsed.command.trim() !== '' ? parsed.command : null;
}

/** Stops the session's pulser, checking (where /proc exists) that the pid is still that pulser. */
function stopPulser(lockPath: string, sessionId: string): void {
  const pid = readLockPid(lockPath);
  if (pid === null || !isProcessAlive(pid)) return;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!(cmdline.includes('pulse') && cmdline.includes(sessionId))) return;
  } catch {
    // No /proc (macOS, Windows): trust the lock file.
  }
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
}

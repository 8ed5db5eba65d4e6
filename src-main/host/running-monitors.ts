/**
 * The per-user list of running monitors, so the CLI finds a monitor whatever data dir it uses (the
 * demo's sandbox included). Each monitor writes `<runtime dir>/<pid>.json` (its discovery info plus
 * its data dir; no secrets) next to the discovery file in its data dir, and removes it on exit.
 * The runtime dir is `$XDG_RUNTIME_DIR/ccmax-monitor`, else `<tmp>/ccmax-monitor-<uid>`: created
 * 0700, and ignored unless it belongs to this user (another user cannot plant an entry).
 */
import { lstat, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../engine/index.js';
import { type DiscoveryInfo } from './paths.js';

export interface RunningMonitor extends DiscoveryInfo {
  /** The data dir the monitor uses (a temporary sandbox for the demo). */
  readonly dataDir: string;
}

/** Where running monitors register; `env` is read for `XDG_RUNTIME_DIR` (tests point it elsewhere). */
export function runtimeDir(env: NodeJS.ProcessEnv): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'ccmax-monitor') : join(tmpdir(), `ccmax-monitor-${uid}`);
}

async function ownedByMe(dir: string): Promise<boolean> {
  try {
    const stat = await lstat(dir);
    if (!stat.isDirectory()) return false;
    if (typeof process.getuid !== 'function') return true;
    return stat.uid === process.getuid() && (stat.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/** Registers this monitor (best effort: a failure only means other data dirs' CLIs will not find it). */
export async function registerRunning(env: NodeJS.ProcessEnv, monitor: RunningMonitor): Promise<void> {
  const dir = runtimeDir(env);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (!(await ownedByMe(dir))) return;
  await writeFileAtomic(join(dir, `${monitor.pid}.json`), `${JSON.stringify(monitor)}\n`, { mode: 0o600 });
}

export async function unregisterRunning(env: NodeJS.ProcessEnv, pid: number): Promise<void> {
  await rm(join(runtimeDir(env), `${pid}.json`), { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: unknown) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Every registered monitor whose process is alive, newest first; entries of dead processes are removed. */
export async function listRunning(env: NodeJS.ProcessEnv): Promise<RunningMonitor[]> {
  const dir = runtimeDir(env);
  if (!(await ownedByMe(dir))) return [];
  const names = await readdir(dir).catch(() => [] as string[]);
  const found: RunningMonitor[] = [];
  for (const name of names.filter((n) => /^\d+\.json$/.test(n))) {
    const parsed = await readFile(join(dir, name), 'utf8')
      .then((text) => JSON.parse(text) as Partial<RunningMonitor>)
      .catch(() => null);
    const valid =
      parsed?.version === 1 && typeof parsed.url === 'string' && typeof parsed.pid === 'number' && typeof parsed.dataDir === 'string';
    if (valid && isAlive(parsed.pid as number)) found.push(parsed as RunningMonitor);
    else await rm(join(dir, name), { force: true }).catch(() => undefined);
  }
  return found.sort((a, b) => b.startedAtMs - a.startedAtMs);
}

/**
 * One monitor per data dir, decided before anything starts: `<dataDir>/monitor.lock` is a
 * proper-lockfile lock (a folder created atomically, its mtime kept fresh while held) taken before
 * the engine opens, with `monitor.lock.json` beside it naming the holder's pid and, once it
 * listens, its URL. Two monitors started at the same moment: exactly one gets the lock. A lock left
 * by a killed monitor is taken over at once when its pid is gone, else after proper-lockfile's
 * staleness (10 s without an mtime update).
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import type { Logger } from '../engine/ports.js';
import { writeFileAtomic } from '../engine/storage/atomic-file.js';

export const DATA_DIR_LOCK = 'monitor.lock';
export const DATA_DIR_LOCK_OWNER = 'monitor.lock.json';
const STALE_MS = 10_000;
/** How long a loser waits for the winner to write its pid, so the message can name it. */
const OWNER_WAIT_MS = 1_000;

export interface DataDirLock {
  /** Records the URL the holder serves on, for a second monitor's message. */
  advertise(url: string): Promise<void>;
  release(): Promise<void>;
}

export interface DataDirHolder {
  readonly pid: number | null;
  readonly url: string | null;
}

export type LockOutcome =
  | { readonly kind: 'locked'; readonly lock: DataDirLock }
  | { readonly kind: 'held'; readonly holder: DataDirHolder };

export async function lockDataDir(dataDir: string, logger: Logger): Promise<LockOutcome> {
  await fsp.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const lockPath = path.join(dataDir, DATA_DIR_LOCK);
  const ownerPath = path.join(dataDir, DATA_DIR_LOCK_OWNER);
  const options: lockfile.LockOptions = {
    realpath: false,
    lockfilePath: lockPath,
    stale: STALE_MS,
    retries: 0,
    onCompromised: (error) => logger.error('the data-dir lock was lost', { code: (error as NodeJS.ErrnoException).code ?? null }),
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(dataDir, options);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      const holder = await readHolder(ownerPath, OWNER_WAIT_MS);
      if (attempt === 0 && holder.pid !== null && !isAlive(holder.pid)) {
        logger.warn('taking over the data-dir lock of a monitor that is gone', { pid: holder.pid });
        await fsp.rm(lockPath, { recursive: true, force: true });
        continue;
      }
      return { kind: 'held', holder };
    }
    const owner = { pid: process.pid, startedAtMs: Date.now(), url: null as string | null };
    await writeFileAtomic(ownerPath, JSON.stringify(owner), { mode: 0o600 });
    let released = false;
    return {
      kind: 'locked',
      lock: {
        advertise: (url) => writeFileAtomic(ownerPath, JSON.stringify({ ...owner, url }), { mode: 0o600 }),
        async release() {
          if (released) return;
          released = true;
          await fsp.rm(ownerPath, { force: true }).catch(() => undefined);
          await release().catch((e: unknown) => logger.warn('releasing the data-dir lock failed', { reason: String(e) }));
        },
      },
    };
  }
  return { kind: 'held', holder: await readHolder(ownerPath, 0) };
}

async function readHolder(ownerPath: string, waitMs: number): Promise<DataDirHolder> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const text = await fsp.readFile(ownerPath, 'utf8').catch(() => null);
    const parsed = text === null ? null : parseOwner(text);
    if (parsed || Date.now() >= deadline) return parsed ?? { pid: null, url: null };
    await new Promise((r) => setTimeout(r, 25));
  }
}

function parseOwner(text: string): DataDirHolder | null {
  try {
    const json = JSON.parse(text) as { pid?: unknown; url?: unknown };
    const pid = typeof json.pid === 'number' && Number.isInteger(json.pid) && json.pid > 0 ? json.pid : null;
    return { pid, url: typeof json.url === 'string' ? json.url : null };
  } catch {
    return null;
  }
}

/** True while a process with this pid exists (EPERM: it exists, owned by someone else). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

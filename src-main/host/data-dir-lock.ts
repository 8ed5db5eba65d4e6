/**
 * One monitor per data dir, decided before anything starts: `<dataDir>/monitor.lock` is a file
 * created atomically with its content (a complete temp file hard-linked into place, which fails when
 * the lock exists) naming the holder's pid, a random nonce and, once it listens, its URL. Two
 * monitors started at the same moment: exactly one link succeeds. The holder touches the file every
 * few seconds. A lock whose pid is gone (a killed monitor), or that nobody touched for 10 minutes (a
 * pid reused after a reboot), is taken over: moved aside by rename — only one contender's rename can
 * win — and checked by its nonce to be the very lock judged dead (a live one moved by mistake is put
 * back) before the link is tried again.
 */
import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../engine/index.js';

export const DATA_DIR_LOCK = 'monitor.lock';
const TOUCH_EVERY_MS = 5_000;
const ABANDONED_AFTER_MS = 10 * 60_000;

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

interface LockContent {
  readonly pid: number;
  readonly nonce: string;
  readonly url: string | null;
}

export async function lockDataDir(dataDir: string, logger: Logger): Promise<LockOutcome> {
  await fsp.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const lockPath = path.join(dataDir, DATA_DIR_LOCK);
  const mine: LockContent = { pid: process.pid, nonce: randomBytes(8).toString('hex'), url: null };
  let last: DataDirHolder = { pid: null, url: null };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await createExclusive(lockPath, mine)) return { kind: 'locked', lock: holdLock(lockPath, mine, logger) };
    const found = await readLock(lockPath);
    if (found === null) continue; // released or moved meanwhile: try again
    last = { pid: found.content.pid, url: found.content.url };
    const abandoned = Date.now() - found.mtimeMs > ABANDONED_AFTER_MS;
    if (isAlive(found.content.pid) && !abandoned) return { kind: 'held', holder: last };
    const grave = `${lockPath}.${randomBytes(6).toString('hex')}.dead`;
    if (
      !(await fsp.rename(lockPath, grave).then(
        () => true,
        () => false,
      ))
    )
      continue;
    const moved = await readLock(grave);
    if (moved?.content.nonce !== found.content.nonce) {
      // Another contender replaced the dead lock before our rename: put its live lock back.
      await fsp.link(grave, lockPath).catch(() => undefined);
    } else {
      logger.warn('took over the data-dir lock of a monitor that is gone', { pid: found.content.pid });
    }
    await fsp.rm(grave, { force: true });
  }
  return { kind: 'held', holder: last };
}

/** Creates `lockPath` with `content` in one step; false when it exists. */
async function createExclusive(lockPath: string, content: LockContent): Promise<boolean> {
  const tmp = `${lockPath}.${randomBytes(6).toString('hex')}.tmp`;
  await fsp.writeFile(tmp, JSON.stringify(content), { mode: 0o600 });
  try {
    await fsp.link(tmp, lockPath);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await fsp.rm(tmp, { force: true });
  }
}

function holdLock(lockPath: string, mine: LockContent, logger: Logger): DataDirLock {
  let content = mine;
  let released = false;
  const stillMine = async () => (await readLock(lockPath))?.content.nonce === mine.nonce;
  const touch = setInterval(() => {
    const nowS = Date.now() / 1000;
    void fsp.utimes(lockPath, nowS, nowS).catch(() => undefined);
  }, TOUCH_EVERY_MS);
  touch.unref();
  return {
    async advertise(url) {
      content = { ...content, url };
      if (!(await stillMine())) return logger.error('the data-dir lock is no longer ours', { lockPath });
      const tmp = `${lockPath}.${randomBytes(6).toString('hex')}.tmp`;
      await fsp.writeFile(tmp, JSON.stringify(content), { mode: 0o600 });
      await fsp.rename(tmp, lockPath).catch(() => fsp.rm(tmp, { force: true }));
    },
    async release() {
      if (released) return;
      released = true;
      clearInterval(touch);
      if (await stillMine()) await fsp.rm(lockPath, { force: true }).catch(() => undefined);
    },
  };
}

async function readLock(file: string): Promise<{ readonly content: LockContent; readonly mtimeMs: number } | null> {
  let text: string;
  let mtimeMs: number;
  try {
    [text, mtimeMs] = await Promise.all([fsp.readFile(file, 'utf8'), fsp.stat(file).then((s) => s.mtimeMs)]);
  } catch {
    return null;
  }
  // A lock is always written whole; one that does not parse names no live holder and is taken over.
  const unreadable = { content: { pid: 0, nonce: `unreadable:${text.length}`, url: null }, mtimeMs };
  try {
    const json = JSON.parse(text) as Partial<LockContent>;
    if (typeof json.pid !== 'number' || !Number.isInteger(json.pid) || json.pid <= 0 || typeof json.nonce !== 'string') return unreadable;
    return { content: { pid: json.pid, nonce: json.nonce, url: typeof json.url === 'string' ? json.url : null }, mtimeMs };
  } catch {
    return unreadable;
  }
}

/** True while a process with this pid exists (EPERM: it exists, owned by someone else). */
function isAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Crash-safe file writes and untrusted JSON reads. A write goes to a temp file in the same folder,
 * is fsynced, chmodded and renamed over the target, so a reader sees the old or the new file,
 * never half of one. Writes to one path are serialised in call order.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { err, ok, type Result } from '../../shared/result.js';

export interface AtomicWriteOptions {
  /** File mode of the written file; default 0o600 (owner read/write only). */
  readonly mode?: number;
}

/** Why a JSON file could not be read, as a value. */
export type ReadJsonError =
  | { readonly kind: 'missing' }
  | { readonly kind: 'unreadable'; readonly message: string }
  | { readonly kind: 'invalid-json'; readonly message: string };

const DEFAULT_MODE = 0o600;

/** Pending write per absolute path: the tail of a promise chain. */
const writeQueues = new Map<string, Promise<void>>();

/** The temp file name used for `filePath`: hidden, same folder, random suffix. */
export function tempPathFor(filePath: string): string {
  const dir = path.dirname(filePath);
  return path.join(dir, `.${path.basename(filePath)}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Writes `data` to `filePath` atomically (temp file + fsync + chmod + rename + best-effort dir
 * fsync). The temp file is removed when any step fails, and the old file is then left untouched.
 * Concurrent calls for the same path run one after another in call order; the last call wins.
 */
export function writeFileAtomic(filePath: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const key = path.resolve(filePath);
  const previous = writeQueues.get(key) ?? Promise.resolve();
  const current = previous.then(() => writeNow(key, data, options.mode ?? DEFAULT_MODE));
  // The queue keeps a settled-never-rejecting tail so one failed write does not poison later ones.
  const tail = current.then(
    () => undefined,
    () => undefined,
  );
  writeQueues.set(key, tail);
  void tail.then(() => {
    if (writeQueues.get(key) === tail) writeQueues.delete(key);
  });
  return current;
}

async function writeNow(filePath: string, data: string | Uint8Array, mode: number): Promise<void> {
  const tmp = tempPathFor(filePath);
  let handle: fsp.FileHandle | null = null;
  try {
    handle = await fsp.open(tmp, 'wx', mode);
    await handle.writeFile(data);
    await handle.sync();
    // The umask may have narrowed the mode at creation; set it exactly.
    await handle.chmod(mode);
    await handle.close();
    handle = null;
    await fsp.rename(tmp, filePath);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw error;
  }
  await fsyncDir(path.dirname(filePath));
}

/** Synchronous {@link writeFileAtomic} for callers that cannot await (conf-style stores). */
export function writeFileAtomicSync(filePath: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const mode = options.mode ?? DEFAULT_MODE;
  const tmp = tempPathFor(filePath);
  let fd: number | null = null;
  try {
    fd = fs.openSync(tmp, 'wx', mode);
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
    fs.fchmodSync(fd, mode);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(tmp, filePath);
  } catch (error) {
    if (fd !== null) closeQuietly(fd);
    fs.rmSync(tmp, { force: true });
    throw error;
  }
  try {
    const dirFd = fs.openSync(path.dirname(filePath), 'r');
    try {
      fs.fsyncSync(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
  } catch {
    // Directory fsync is not supported everywhere (Windows); the rename is already done.
  }
}

/** Flushes a directory entry (after a rename); a no-op where directories cannot be fsynced. */
export async function fsyncDir(dir: string): Promise<void> {
  try {
    const handle = await fsp.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Directory fsync is not supported everywhere (Windows); the rename is already done.
  }
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // Already failing; the original error is what matters.
  }
}

/** Reads and parses a JSON file; a missing, unreadable or malformed file is a typed error. */
export async function readJsonFile(filePath: string): Promise<Result<unknown, ReadJsonError>> {
  let text: string;
  try {
    text = await fsp.readFile(filePath, 'utf8');
  } catch (error) {
    return err(toReadError(error));
  }
  return parseJsonText(text);
}

/** Synchronous {@link readJsonFile}. */
export function readJsonFileSync(filePath: string): Result<unknown, ReadJsonError> {
  let text: string;
  try {
    text = fs.readFileSync(filePath, 'utf8');
  } catch (error) {
    return err(toReadError(error));
  }
  return parseJsonText(text);
}

/** Parses JSON text; the error message never quotes the text (it may hold a secret). */
export function parseJsonText(text: string): Result<unknown, ReadJsonError> {
  try {
    return ok(JSON.parse(text) as unknown);
  } catch {
    return err({ kind: 'invalid-json', message: text.trim() === '' ? 'the file is empty' : 'the file is not valid JSON' });
  }
}

function toReadError(error: unknown): ReadJsonError {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return { kind: 'missing' };
  return { kind: 'unreadable', message: `${code ?? 'error'}: ${(error as Error).message}` };
}

/** The backup name for a corrupt file: `<file>.corrupt-<UTC timestamp>`, e.g. `state.json.corrupt-20261124T120000123Z`. */
export function corruptBackupPath(filePath: string, nowMs: number): string {
  const stamp = new Date(nowMs).toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${filePath}.corrupt-${stamp}`;
}

/**
 * Renames a corrupt file aside so it is kept for the user, and returns the backup path.
 * Never overwrites an earlier backup (adds `-2`, `-3`, … on a name clash). Throws when the rename fails.
 */
export function backUpCorruptFileSync(filePath: string, nowMs: number): string {
  const base = corruptBackupPath(filePath, nowMs);
  let candidate = base;
  for (let n = 2; fs.existsSync(candidate); n++) candidate = `${base}-${n}`;
  fs.renameSync(filePath, candidate);
  return candidate;
}

/** Temp files older than this are crash leftovers; a younger one may be a write in flight. */
export const STALE_TEMP_AGE_MS = 60_000;

/**
 * Removes crash leftovers in `dir`: files `isTemp(name)` accepts whose mtime is older than
 * {@link STALE_TEMP_AGE_MS}. Resolves the names removed. Never throws.
 */
export async function removeStaleTemps(dir: string, isTemp: (name: string) => boolean, nowMs = Date.now()): Promise<string[]> {
  const names = await fsp.readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names.filter(isTemp)) {
    const file = path.join(dir, name);
    const stat = await fsp.lstat(file).catch(() => null);
    if (!stat?.isFile() || nowMs - stat.mtimeMs <= STALE_TEMP_AGE_MS) continue;
    if (
      await fsp.rm(file, { force: true }).then(
        () => true,
        () => false,
      )
    )
      removed.push(name);
  }
  return removed;
}

/** True for a temp file {@link writeFileAtomic} creates (`.<name>.<12 hex>.tmp`). */
export function isAtomicTempName(name: string): boolean {
  return /^\..+\.[0-9a-f]{12}\.tmp$/.test(name);
}

/**
 * Read-modify-write of a file another program also writes: the new text goes to a temp file in the
 * same folder (fsync, chmod), the file is read again and compared with what the change was based
 * on, and only an unchanged file is replaced by rename — otherwise the whole step is redone on the
 * fresh text. A crash at any point leaves the old file or the new one, never a mix; temp files a
 * killed writer left behind are removed by the next write (callers hold the file's lock, so any
 * temp of ours they find is orphaned).
 */
import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { err, ok, type Result } from '../../../shared/result.js';
import { fsyncDir } from '../../storage/atomic-file.js';
import type { LockGuard } from './claude-locks.js';
import type { TargetError } from './credential-target.js';

export interface ReplaceFileOptions {
  /** Mode of the written file; `preserve` keeps the current file's mode (0o600 for a new file). */
  readonly mode: number | 'preserve';
  /** Attempts before giving up with `conflict`; default 5. */
  readonly maxAttempts?: number;
  /** When given and compromised (a lock was lost), the rename is not done. */
  readonly guard?: LockGuard;
}

/** Computes the new text from the current one (null when the file does not exist). */
export type TextTransform = (current: string | null) => Result<string, TargetError>;

const DEFAULT_ATTEMPTS = 5;
/** Pause before re-reading text that did not parse: the other writer may be mid-write. */
const INVALID_RETRY_MS = 25;
const TEMP_MARK = '.ccmax-';

/** Prefix of our temp files next to a file named `baseName`: hidden, one leading dot. */
function tempPrefix(baseName: string): string {
  return `.${baseName.replace(/^\./, '')}${TEMP_MARK}`;
}

/** True for a temp file {@link replaceFile} writes next to a file named `targetBaseName`. */
export function isOurTempFile(fileName: string, targetBaseName: string): boolean {
  const prefix = tempPrefix(targetBaseName);
  return fileName.startsWith(prefix) && fileName.endsWith('.tmp') && /^[0-9a-f]+$/.test(fileName.slice(prefix.length, -4));
}

/**
 * Replaces `filePath` with `transform(current)` atomically. Follows a symlink (even a dangling one)
 * to the real file so a linked dotfile stays linked. Returns the text now in the file and whether it changed.
 */
export async function replaceFile(
  filePath: string,
  transform: TextTransform,
  options: ReplaceFileOptions,
): Promise<Result<{ readonly text: string; readonly changed: boolean }, TargetError>> {
  const resolved = await resolveTarget(filePath);
  if (!resolved.ok) return resolved;
  const target = resolved.value;
  await removeOrphanTemps(target);
  const attempts = options.maxAttempts ?? DEFAULT_ATTEMPTS;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const current = await readTextIfExists(target);
    if (!current.ok) return current;
    const next = transform(current.value);
    if (!next.ok) {
      if (next.error.kind === 'invalid' && attempt < attempts) {
        await new Promise((resolve) => setTimeout(resolve, INVALID_RETRY_MS));
        continue;
      }
      return next;
    }
    if (next.value === current.value) return ok({ text: next.value, changed: false });
    const outcome = await writeIfUnchanged(target, current.value, next.value, options);
    if (!outcome.ok) return outcome;
    if (outcome.value === 'replaced') return ok({ text: next.value, changed: true });
  }
  return err({ kind: 'conflict', message: `${filePath} kept changing while it was being written; try again` });
}

async function writeIfUnchanged(
  target: string,
  basedOn: string | null,
  text: string,
  options: ReplaceFileOptions,
): Promise<Result<'replaced' | 'changed-meanwhile', TargetError>> {
  const tmp = path.join(path.dirname(target), `${tempPrefix(path.basename(target))}${randomBytes(6).toString('hex')}.tmp`);
  try {
    const mode = options.mode === 'preserve' ? await currentMode(target) : options.mode;
    const handle = await fsp.open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
      // The umask may have narrowed the mode at creation; set it exactly.
      await handle.chmod(mode);
    } finally {
      await handle.close();
    }
    const again = await readTextIfExists(target);
    if (!again.ok) {
      await removeQuietly(tmp);
      return again;
    }
    if (again.value !== basedOn) {
      await removeQuietly(tmp);
      return ok('changed-meanwhile');
    }
    if (options.guard?.isCompromised()) {
      await removeQuietly(tmp);
      return err({ kind: 'locked', message: `lost the lock on ${target} while writing; nothing was changed` });
    }
    const previousMtimeMs = await mtimeMsOf(target);
    await fsp.rename(tmp, target);
    if (previousMtimeMs !== null) await moveMtimePast(target, previousMtimeMs);
  } catch (error) {
    await removeQuietly(tmp);
    return err({ kind: 'io', message: `cannot write ${target} (${errorCode(error)})` });
  }
  await fsyncDir(path.dirname(target));
  return ok('replaced');
}

async function mtimeMsOf(filePath: string): Promise<number | null> {
  try {
    return (await fsp.stat(filePath)).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * Claude Code re-reads its credentials only when their `mtimeMs` differs from the last one it saw
 * (`CLAUDE_CODE_FACTS.reReadRule`). Two writes within the file system's timestamp resolution (1 s or
 * 2 s on some), or a clock that stepped back, could leave the mtime where it was: then it is set
 * just past the old one — 1 ms later, or a whole second where the file system keeps no finer time.
 */
export async function moveMtimePast(filePath: string, previousMtimeMs: number): Promise<void> {
  for (const stepMs of [1, 1_000, 2_000]) {
    const nowMtimeMs = await mtimeMsOf(filePath);
    if (nowMtimeMs === null || nowMtimeMs > previousMtimeMs) return;
    const atS = (previousMtimeMs + stepMs) / 1000;
    await fsp.utimes(filePath, atS, atS);
  }
}

/** The file's text, null when it does not exist. */
export async function readTextIfExists(filePath: string): Promise<Result<string | null, TargetError>> {
  try {
    return ok(await fsp.readFile(filePath, 'utf8'));
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return ok(null);
    return err({ kind: 'io', message: `cannot read ${filePath} (${errorCode(error)})` });
  }
}

/** Removes temp files of ours next to `target`; safe only while holding the target's lock. */
async function removeOrphanTemps(target: string): Promise<void> {
  const dir = path.dirname(target);
  const base = path.basename(target);
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return;
  }
  await Promise.all(names.filter((name) => isOurTempFile(name, base)).map((name) => removeQuietly(path.join(dir, name))));
}

/**
 * The real file behind `filePath`, following symlinks — also a dangling one, so a linked dotfile whose
 * target does not exist yet is created there and the link stays a link (never replaced by a regular
 * file). `io` when the chain loops or ends in a folder that does not exist: nothing is written.
 */
async function resolveTarget(filePath: string): Promise<Result<string, TargetError>> {
  let current = filePath;
  for (let hops = 0; hops < 16; hops++) {
    let isLink: boolean;
    try {
      isLink = (await fsp.lstat(current)).isSymbolicLink();
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') return err({ kind: 'io', message: `cannot read ${current} (${errorCode(error)})` });
      if (current === filePath) return ok(filePath);
      const folderExists = await fsp.stat(path.dirname(current)).then(
        (s) => s.isDirectory(),
        () => false,
      );
      return folderExists
        ? ok(current)
        : err({ kind: 'io', message: `${filePath} is a symlink to ${current}, whose folder does not exist; left untouched` });
    }
    if (!isLink) return ok(await fsp.realpath(current).catch(() => current));
    const link = await fsp.readlink(current).catch(() => null);
    if (link === null) return err({ kind: 'io', message: `cannot read the symlink ${current}` });
    current = path.resolve(path.dirname(current), link);
  }
  return err({ kind: 'io', message: `${filePath} is a symlink that loops; left untouched` });
}

async function currentMode(filePath: string): Promise<number> {
  try {
    return (await fsp.stat(filePath)).mode & 0o777;
  } catch {
    return 0o600;
  }
}

async function removeQuietly(filePath: string): Promise<void> {
  await fsp.rm(filePath, { force: true }).catch(() => undefined);
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | null)?.code ?? 'error';
}

/**
 * One pulser per session: a pid file `<dataDir>/pulsers/<session>.pid` taken with an exclusive
 * create, taken over only when the pid in it is dead.
 */
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The pid file for a session (ids are reduced to a safe file name). */
export function pulserLockPath(dataDir: string, sessionId: string): string {
  return join(dataDir, 'pulsers', `${sessionId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 128)}.pid`);
}

/**
 * True when a process with this pid exists and is not a zombie (EPERM means it exists but is not
 * ours). A zombie has exited; its parent just has not reaped it yet.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch (error) {
    // No /proc (macOS, Windows): kill(0) already said it exists. On Linux, ENOENT means it just exited.
    return !(process.platform === 'linux' && (error as NodeJS.ErrnoException).code === 'ENOENT');
  }
}

/** The pid recorded in a lock file, or null. */
export function readLockPid(lockPath: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** True when a live pulser holds the session's lock. */
export function pulserRunning(lockPath: string): boolean {
  const pid = readLockPid(lockPath);
  return pid !== null && isProcessAlive(pid);
}

/** Takes the lock for `pid`; false when another live process holds it. */
export function acquireLock(lockPath: string, pid: number): boolean {
  mkdirSync(join(lockPath, '..'), { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockPath, `${pid}\n`, { flag: 'wx', mode: 0o600 });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readLockPid(lockPath);
      if (holder !== null && holder !== pid && isProcessAlive(holder)) return false;
      try {
        unlinkSync(lockPath);
      } catch {
        // Someone else took it over first; the next exclusive create decides.
      }
    }
  }
  return false;
}

/** Releases the lock if it still names `pid`. */
export function releaseLock(lockPath: string, pid: number): void {
  if (readLockPid(lockPath) !== pid) return;
  try {
    unlinkSync(lockPath);
  } catch {
    // Already gone.
  }
}

/**
 * Claude Code's own `proper-lockfile` locks, taken the way Claude Code takes them (CLAUDE-CODE.md
 * "Locks"), so a credential swap never interleaves with Claude Code's token refresh:
 * first the directory `<configDir>/.oauth_refresh.lock`, then the legacy `<realpath(configDir)>.lock`;
 * `.claude.json` writers take `<file>.lock`. Locks are taken in that order (Claude Code's order, so
 * two takers cannot deadlock), all or none: if a later one is held, the earlier ones are released
 * and the whole set is retried with backoff until `waitMs` runs out.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { err, ok, type Result } from '../../../shared/result.js';
import { silentLogger, systemClock, type Clock, type Logger } from '../../ports.js';
import type { TargetError, TargetLockOptions } from './credential-target.js';

/** One lock: `file` is proper-lockfile's key, `lockfilePath` the directory it creates. */
export interface LockSpec {
  readonly file: string;
  readonly lockfilePath: string;
}

/** Lets the locked section ask whether a lock was lost (its directory vanished or went stale). */
export interface LockGuard {
  isCompromised(): boolean;
}

export interface WithLocksOptions extends TargetLockOptions {
  readonly logger?: Logger;
  readonly clock?: Clock;
}

export const DEFAULT_LOCK_STALE_MS = 10_000;
export const DEFAULT_LOCK_WAIT_MS = 10_000;
const FIRST_BACKOFF_MS = 20;
const MAX_BACKOFF_MS = 250;

/** The two locks Claude Code takes around a token refresh of `configDir`. */
export async function claudeCredentialLocks(configDir: string): Promise<LockSpec[]> {
  // Claude Code resolves the legacy lock through realpath, falling back to the path as given.
  const real = await realpath(configDir).catch(() => configDir);
  const legacy = `${real}.lock`;
  return [
    { file: configDir, lockfilePath: path.join(configDir, '.oauth_refresh.lock') },
    { file: legacy, lockfilePath: legacy },
  ];
}

/** The lock Claude Code takes around writes of `.claude.json`. */
export function claudeJsonLock(claudeJsonPath: string): LockSpec[] {
  return [{ file: claudeJsonPath, lockfilePath: `${claudeJsonPath}.lock` }];
}

/**
 * Runs `fn` holding every lock in `specs`; `locked` when they stay held past `waitMs`, `io` when a
 * lock cannot be created at all (e.g. its folder is missing). Locks are always released.
 */
export async function withLocks<T>(
  specs: readonly LockSpec[],
  options: WithLocksOptions,
  fn: (guard: LockGuard) => Promise<Result<T, TargetError>>,
): Promise<Result<T, TargetError>> {
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const deadlineMs = clock.now() + (options.waitMs ?? DEFAULT_LOCK_WAIT_MS);
  let compromised = false;
  const lockOptions: lockfile.LockOptions = {
    realpath: false,
    stale: options.staleMs ?? DEFAULT_LOCK_STALE_MS,
    retries: 0,
    onCompromised: (error) => {
      // The default handler throws from a timer; a lost lock must only stop our rename.
      compromised = true;
      logger.warn('a Claude Code lock was lost while held', { code: (error as NodeJS.ErrnoException).code ?? null });
    },
  };
  let backoffMs = FIRST_BACKOFF_MS;
  for (;;) {
    const acquired = await acquireAll(specs, lockOptions);
    if (acquired.ok) {
      try {
        return await fn({ isCompromised: () => compromised });
      } finally {
        await releaseAll(acquired.value, logger);
      }
    }
    const remainingMs = deadlineMs - clock.now();
    if (acquired.error.kind !== 'held' || remainingMs <= 0) {
      return err(
        acquired.error.kind === 'held'
          ? { kind: 'locked', message: `${acquired.error.lockfilePath} is held (Claude Code is refreshing its login); try again shortly` }
          : { kind: 'io', message: `cannot create the lock ${acquired.error.lockfilePath} (${acquired.error.code})` },
      );
    }
    await sleep(Math.min(remainingMs, backoffMs * (0.5 + Math.random())));
    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
  }
}

type AcquireError = { readonly kind: 'held' | 'failed'; readonly lockfilePath: string; readonly code: string };

async function acquireAll(
  specs: readonly LockSpec[],
  options: lockfile.LockOptions,
): Promise<Result<(() => Promise<void>)[], AcquireError>> {
  const releases: (() => Promise<void>)[] = [];
  for (const spec of specs) {
    try {
      releases.push(await lockfile.lock(spec.file, { ...options, lockfilePath: spec.lockfilePath }));
    } catch (error) {
      await releaseAll(releases, silentLogger);
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      return err({ kind: code === 'ELOCKED' ? 'held' : 'failed', lockfilePath: spec.lockfilePath, code });
    }
  }
  return ok(releases);
}

async function releaseAll(releases: readonly (() => Promise<void>)[], logger: Logger): Promise<void> {
  for (const release of [...releases].reverse()) {
    try {
      await release();
    } catch (error) {
      logger.warn('releasing a Claude Code lock failed', { code: (error as NodeJS.ErrnoException).code ?? null });
    }
  }
}

/**
 * A referenced timer on purpose (not `Clock.setTimeout`, which unrefs): a one-shot CLI `switch`
 * waiting for Claude Code's lock must not exit mid-wait.
 */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

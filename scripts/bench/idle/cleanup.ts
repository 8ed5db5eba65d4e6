/**
 * Clean-up that runs on every way out of the bench: normal end, failure, Ctrl-C or SIGTERM. Each
 * part registers how to undo itself (stop its child process, delete its temp dir) as soon as it
 * has something to undo.
 */

export type CleanupFn = () => Promise<void>;
/** Registers a clean-up; the returned function unregisters it (after the part cleaned up itself). */
export type RegisterCleanup = (fn: CleanupFn) => () => void;

export interface Cleanups {
  readonly register: RegisterCleanup;
  /** Runs every registered clean-up once, newest first; never throws. */
  runAll(): Promise<void>;
}

/** A clean-up step that takes longer than this is abandoned (the next one still runs). */
const CLEANUP_STEP_MS = 15_000;

/**
 * Resolves or rejects with `work`, or rejects after `ms`. The timer is referenced on purpose: a step
 * awaiting something only the simulated clock would resolve holds no real handle, and without it
 * Node would exit mid-clean-up with the temp dirs still there.
 */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`gave up after ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** Creates the registry and, on SIGINT/SIGTERM/SIGHUP, runs it and exits 130 (143, 129). */
export function createCleanups(log: (line: string) => void): Cleanups {
  const fns = new Set<CleanupFn>();
  let running: Promise<void> | null = null;

  const runAll = (): Promise<void> => {
    running ??= (async () => {
      for (const fn of [...fns].reverse()) {
        fns.delete(fn);
        await withDeadline(fn(), CLEANUP_STEP_MS).catch((e: unknown) => log(`bench: clean-up step failed: ${String(e)}`));
      }
    })().finally(() => {
      running = null;
    });
    return running;
  };

  let exiting = false;
  const onSignal = (signal: NodeJS.Signals, code: number) => () => {
    if (exiting) return;
    exiting = true;
    log(`\nbench: ${signal}, cleaning up…`);
    void runAll().finally(() => process.exit(code));
  };
  // `on`, not `once`: proper-lockfile's signal-exit re-raises a signal (killing the process before
  // the clean-up ran) when it finds no other listener left, which `once` would leave it.
  process.on('SIGINT', onSignal('SIGINT', 130));
  process.on('SIGTERM', onSignal('SIGTERM', 143));
  process.on('SIGHUP', onSignal('SIGHUP', 129));

  return {
    register(fn) {
      fns.add(fn);
      return () => fns.delete(fn);
    },
    runAll,
  };
}

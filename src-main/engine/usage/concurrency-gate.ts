/** Limits how many async tasks run at once; the rest wait in call order. */

export interface ConcurrencyGate {
  /** Runs `task` as soon as fewer than `max` tasks are running; resolves or rejects with it. */
  run<T>(task: () => Promise<T>): Promise<T>;
}

/** Creates a gate admitting at most `max` (≥ 1) tasks at a time. */
export function createConcurrencyGate(max: number): ConcurrencyGate {
  if (!(max >= 1)) throw new Error(`createConcurrencyGate: max must be at least 1, got ${max}`);
  let running = 0;
  const waiters: (() => void)[] = [];
  const acquire = async (): Promise<void> => {
    if (running < max) {
      running++;
      return;
    }
    await new Promise<void>((resolve) => waiters.push(resolve));
  };
  // Hands the place straight to the next waiter, so `running` never exceeds `max`.
  const release = (): void => {
    const next = waiters.shift();
    if (next) next();
    else running--;
  };
  return {
    async run(task) {
      await acquire();
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}

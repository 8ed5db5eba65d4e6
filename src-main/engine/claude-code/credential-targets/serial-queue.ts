/** Runs async work for one key strictly one after another, in call order, within this process. */

const tails = new Map<string, Promise<unknown>>();

/**
 * Runs `fn` after every earlier call with the same `key` has settled. A failure does not block later
 * calls. Keys are shared process-wide, so two targets writing one path never overlap.
 */
export function serialize<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const current = previous.then(fn, fn);
  const tail = current.then(
    () => undefined,
    () => undefined,
  );
  tails.set(key, tail);
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return current;
}

/**
 * A minimal observer list. Parts created early in the engine's wiring use it to tell parts created
 * later that something happened, so no part refers to one that does not exist yet.
 */
export interface Signal<T> {
  emit(value: T): void;
  /** Returns an unsubscribe function. */
  on(listener: (value: T) => void): () => void;
}

/** Creates a signal; listeners run synchronously, in the order they subscribed. */
export function createSignal<T = void>(): Signal<T> {
  const listeners = new Set<(value: T) => void>();
  return {
    emit(value) {
      for (const listener of listeners) listener(value);
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

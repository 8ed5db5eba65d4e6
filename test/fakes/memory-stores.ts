/** In-memory StateStore and UsageCacheStore for tests: schema-checked like the real ones, no files. */
import {
  PersistedStateSchema,
  UsageCacheSchema,
  emptyState,
  type PersistedState,
  type UsageCache,
} from '../../src-main/engine/storage/state-schema.js';
import { emptyUsageCache } from '../../src-main/engine/storage/state-store.js';
import type { StateStore, UsageCacheStore } from '../../src-main/engine/storage/store-port.js';

export class MemoryStateStore implements StateStore {
  readonly path = 'memory:state.json';
  /** Every value written, oldest first. */
  readonly writes: PersistedState[] = [];
  #current: PersistedState;

  constructor(initial: PersistedState = emptyState()) {
    this.#current = PersistedStateSchema.parse(initial);
  }

  read(): PersistedState {
    return this.#current;
  }

  write(next: PersistedState): void {
    // Like the real store: an invalid value is a programmer error.
    this.#current = PersistedStateSchema.parse(next);
    this.writes.push(this.#current);
  }
}

export class MemoryUsageCacheStore implements UsageCacheStore {
  readonly path = 'memory:usage-cache.json';
  readonly writes: UsageCache[] = [];
  #current: UsageCache;

  constructor(initial: UsageCache = emptyUsageCache()) {
    this.#current = UsageCacheSchema.parse(initial);
  }

  read(): UsageCache {
    return this.#current;
  }

  write(next: UsageCache): void {
    this.#current = UsageCacheSchema.parse(next);
    this.writes.push(this.#current);
  }
}

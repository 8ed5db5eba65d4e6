/**
 * The two secret-free stores: `state.json` (settings and account metadata) and `usage-cache.json`
 * (last good usage readings), both in the data dir, versioned, migrated and schema-checked.
 */
import type { Logger } from '../ports.js';
import { openJsonStore, type StoreAdapterFactory } from './conf-json-store.js';
import { STATE_MIGRATIONS, USAGE_CACHE_MIGRATIONS } from './migrate.js';
import { emptyState, PersistedStateSchema, STATE_VERSION, USAGE_CACHE_VERSION, UsageCacheSchema, type UsageCache } from './state-schema.js';
import type { StateStore, StoreOpenReport, UsageCacheStore } from './store-port.js';

export type { StoreAdapterFactory } from './conf-json-store.js';

export interface CreateStoreOptions {
  /** Folder holding the file; created (mode 0700) when missing. */
  readonly dataDir: string;
  /** Told once what opening found; a `corrupt` report carries the backup path and the reason. */
  readonly onReport?: (report: StoreOpenReport) => void;
  readonly logger?: Logger;
  /** Backing store factory; default `conf`. The desktop shell can hand in `electron-store`. */
  readonly createAdapter?: StoreAdapterFactory;
  /** Epoch ms for backup file names; default `Date.now`. */
  readonly now?: () => number;
}

/** Opens `<dataDir>/state.json`; a missing file starts from {@link emptyState}. */
export function createStateStore(options: CreateStoreOptions): StateStore {
  return openJsonStore({
    ...options,
    name: 'state',
    schema: PersistedStateSchema,
    currentVersion: STATE_VERSION,
    migrations: STATE_MIGRATIONS,
    empty: emptyState,
  });
}

/** An empty usage cache. */
export function emptyUsageCache(): UsageCache {
  return UsageCacheSchema.parse({ version: USAGE_CACHE_VERSION });
}

/** Opens `<dataDir>/usage-cache.json`; a missing file starts empty. */
export function createUsageCacheStore(options: CreateStoreOptions): UsageCacheStore {
  return openJsonStore({
    ...options,
    name: 'usage-cache',
    schema: UsageCacheSchema,
    currentVersion: USAGE_CACHE_VERSION,
    migrations: USAGE_CACHE_MIGRATIONS,
    empty: emptyUsageCache,
  });
}

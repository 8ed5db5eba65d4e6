/**
 * Persistence ports for secret-free state. The Node adapter uses `conf`; the desktop shell hands in
 * `electron-store` (same API). Reads return the last good, schema-checked value.
 */
import type { PersistedState, UsageCache } from './state-schema.js';

export interface StateStore {
  /** Absolute path of the backing file, for messages. */
  readonly path: string;
  read(): PersistedState;
  /** Atomic write (temp + rename). */
  write(next: PersistedState): void;
}

export interface UsageCacheStore {
  readonly path: string;
  read(): UsageCache;
  write(next: UsageCache): void;
}

/** What opening a store found: a valid file, no file, or a corrupt file that was backed up. */
export type StoreOpenReport =
  | { readonly kind: 'ok' }
  | { readonly kind: 'created' }
  | { readonly kind: 'corrupt'; readonly backupPath: string; readonly reason: string };

/** Typed engine events. Kinds are past tense. Events never carry a secret (fingerprints only). */

export const EVENT_KINDS = [
  'engine-started',
  'engine-stopped',
  'account-added',
  'account-login-updated',
  'account-removed',
  'account-labelled',
  'account-enabled',
  'account-disabled',
  'usage-polled',
  'poll-failed',
  'token-refreshed',
  'token-refresh-failed',
  'token-harvested',
  'login-needed',
  'active-account-detected',
  'settings-changed',
  'settings-corrupt',
  'vault-error',
  'account-switched',
  'switch-deferred',
  'session-started',
  'session-ended',
  'session-state-expired',
] as const;

export type EventKind = (typeof EVENT_KINDS)[number];

export type EventLevel = 'info' | 'warn' | 'error';

export interface EngineEvent {
  /** Epoch ms. */
  readonly atMs: number;
  readonly kind: EventKind;
  readonly level: EventLevel;
  /** One human sentence, secret-free. */
  readonly message: string;
  readonly accountId?: string;
  /** Small, secret-free structured details (figures, trigger, fingerprints). */
  readonly data?: Readonly<Record<string, string | number | boolean | null>>;
}

/** The persisted event log (JSONL, size-rotated) with an in-memory index for queries. */
export interface EventLog {
  append(event: EngineEvent): void;
  /** Newest first. See `EventQuery` in engine-types.ts. */
  query(query?: import('../engine-types.js').EventQuery): readonly EngineEvent[];
  /** Subscribe to appended events; returns unsubscribe. */
  subscribe(listener: (event: EngineEvent) => void): () => void;
  /** Flushes pending writes. */
  close(): Promise<void>;
}

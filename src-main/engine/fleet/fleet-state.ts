/**
 * What the engine knows about each account between events: its stored login (as last read from the
 * vault, refreshed or harvested), its last good usage reading (kept in the usage cache across
 * restarts) and its latest poll failure, with the event wording about them. The poller, the token
 * keeper, rotation and the snapshot all read the fleet from here.
 */
import type { ApiError, RefreshError, UsageReading, UsageWindow } from '../anthropic/api-types.js';
import type { EngineEvents } from '../engine-events.js';
import type { Clock, Logger } from '../ports.js';
import type { StatuslineReading } from '../sessions/session-registry.js';
import type { AccountMeta, UsageCacheEntry } from '../storage/state-schema.js';
import type { UsageCacheStore } from '../storage/store-port.js';
import { toEffectiveWindow } from '../usage/effective-window.js';
import { judgeReading } from '../usage/reading-freshness.js';
import { MIN_REFRESH_INTERVAL_MS } from '../tokens/refresh-plan.js';
import type { VaultRecord } from '../vault/credentials.js';
import type { Vault } from '../vault/vault-types.js';
import type { PollFailure } from './account-status.js';
import { pollFailureText } from './poll-failure-text.js';

export interface FleetStateDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly vault: Pick<Vault, 'read'>;
  readonly events: EngineEvents;
  readonly usageCache: UsageCacheStore;
  /** The accounts as stored now (for names in messages and to forget removed accounts). */
  readonly metas: () => readonly AccountMeta[];
  /** Publishes a new snapshot when a reading is dropped as stale (it still clears a poll failure). */
  readonly changed: () => void;
}

export interface FleetState {
  /** The account's email for messages; its id when it is no longer stored. */
  emailOf(id: string): string;
  /** The login as last stored (not the keeper's unsaved refresh); null when missing or unreadable. */
  storedRecord(id: string): VaultRecord | null;
  /** Reads the login from the vault; a read error is reported and the login counts as missing. */
  loadRecord(id: string): Promise<void>;
  /** Forgets the logins of accounts that are no longer stored. */
  forgetRemoved(): void;
  usage(id: string): UsageCacheEntry | undefined;
  /** The last good 7-day window as it stands now (a passed reset counts as reset). */
  sevenDay(id: string): UsageWindow | null;
  failure(id: string): PollFailure | undefined;
  clearFailure(id: string): void;
  /** A good poll: reports the recovery after a failure, then records it. */
  pollSucceeded(id: string, reading: UsageReading, atMs: number): void;
  /** A failed poll: kept, and reported when its kind differs from the previous failure's. */
  pollFailed(id: string, error: ApiError, atMs: number): void;
  /** A statusline reading of the active account (its extra figures stay those of the last poll). */
  statuslineRead(id: string, reading: StatuslineReading): void;
  /** A turn that ended on the usage limit: the reading it stands for (see sessions/limit-rescue.ts). */
  limitHitRead(id: string, entry: UsageCacheEntry): void;
  /** Reports a statusline reading that belongs to another account than `id`. */
  reportMismatch(id: string, reading: StatuslineReading): void;
  /** The token keeper refreshed a login: it becomes the current one. */
  tokenRefreshed(id: string, record: VaultRecord): void;
  /** A login Claude Code refreshed on its own was taken back into the vault. */
  harvested(id: string, record: VaultRecord): void;
  /** A refresh failed; true when the login is dead (re-read it from the vault). */
  tokenRefreshFailed(id: string, error: RefreshError): boolean;
  /** The token endpoint answered an implausible lifetime (or none) for the account's login. */
  implausibleLifetime(id: string, lifetimeMs: number): void;
  /** Called after every good reading is recorded (rotation samples and re-decides on it); not for a stale one. */
  onReading(listener: (id: string, entry: UsageCacheEntry) => void): () => void;
  /** Writes the usage cache; a failure is logged, never thrown. */
  saveUsage(): void;
}

/** Creates the fleet state, starting from the usage cache. */
export function createFleetState(deps: FleetStateDeps): FleetState {
  const { events } = deps;
  const records = new Map<string, VaultRecord | null>();
  const usage = new Map<string, UsageCacheEntry>(Object.entries(deps.usageCache.read().entries));
  const failures = new Map<string, PollFailure>();
  const readingListeners = new Set<(id: string, entry: UsageCacheEntry) => void>();

  const emailOf = (id: string): string => deps.metas().find((m) => m.id === id)?.email ?? id;

  function saveUsage(): void {
    try {
      deps.usageCache.write({ version: 1, entries: Object.fromEntries(usage) });
    } catch (e) {
      deps.logger.warn('could not save the usage cache', { reason: e instanceof Error ? e.message : String(e) });
    }
  }

  /** A reading older than the one held (fresh figures win) is dropped: it must not undo a decision. */
  function ignoreStaleReading(id: string, entry: UsageCacheEntry): boolean {
    const freshness = judgeReading(usage.get(id), entry);
    if (freshness.kind === 'fresh') return false;
    deps.logger.debug('ignored a stale usage reading', { accountId: id, source: entry.source, ...freshness });
    return true;
  }

  /** Records a good reading (poll or statusline) and tells the listeners. */
  function applyReading(id: string, entry: UsageCacheEntry): void {
    failures.delete(id);
    if (ignoreStaleReading(id, entry)) return deps.changed();
    usage.set(id, entry);
    saveUsage();
    for (const listener of readingListeners) listener(id, entry);
  }

  return {
    emailOf,
    storedRecord: (id) => records.get(id) ?? null,
    async loadRecord(id) {
      const read = await deps.vault.read(id);
      if (read.ok) {
        records.set(id, read.value);
        return;
      }
      records.set(id, null);
      events.emit('vault-error', 'error', `Could not read the stored login of ${emailOf(id)}: ${read.error.message}`, id);
    },
    forgetRemoved() {
      const stored = new Set(deps.metas().map((m) => m.id));
      for (const id of [...records.keys()]) if (!stored.has(id)) records.delete(id);
    },
    usage: (id) => usage.get(id),
    sevenDay: (id) => toEffectiveWindow(usage.get(id)?.sevenDay ?? null, deps.clock.now()),
    failure: (id) => failures.get(id),
    clearFailure(id) {
      failures.delete(id);
    },
    pollSucceeded(id, reading, atMs) {
      if (failures.has(id)) events.emit('usage-polled', 'info', `Polling ${emailOf(id)} works again.`, id);
      applyReading(id, {
        fiveHour: reading.fiveHour,
        sevenDay: reading.sevenDay,
        extra: { ...reading.extra },
        readAtMs: atMs,
        figuresAtMs: atMs,
        source: 'poll',
      });
    },
    pollFailed(id, error, atMs) {
      const previous = failures.get(id);
      failures.set(id, { error, atMs });
      if (previous?.error.kind === error.kind) return;
      events.emit('poll-failed', error.kind === 'rate-limited' ? 'warn' : 'error', pollFailureText(emailOf(id), error), id, {
        reason: error.kind,
        ...(error.kind === 'rate-limited' ? { retryAfterMs: error.retryAfterMs } : {}),
      });
    },
    statuslineRead(id, reading) {
      applyReading(id, {
        fiveHour: reading.fiveHour,
        sevenDay: reading.sevenDay,
        extra: usage.get(id)?.extra ?? {},
        readAtMs: reading.atMs,
        source: 'statusline',
      });
    },
    limitHitRead: applyReading,
    reportMismatch: (id, reading) => reportMismatch(events, emailOf(id), id, reading),
    tokenRefreshed(id, record) {
      records.set(id, record);
      events.emit('token-refreshed', 'info', `Refreshed the login of ${emailOf(id)} ahead of expiry.`, id, { path: 'auto' });
    },
    harvested(id, record) {
      records.set(id, record);
    },
    tokenRefreshFailed: (id, error) => reportRefreshFailed(events, emailOf(id), id, error),
    implausibleLifetime: (id, lifetimeMs) => reportImplausibleLifetime(events, emailOf(id), id, lifetimeMs),
    onReading(listener) {
      readingListeners.add(listener);
      return () => readingListeners.delete(listener);
    },
    saveUsage,
  };
}

/** Event wording about logins and readings, kept out of the state's closure. */
function reportMismatch(events: EngineEvents, email: string, id: string, reading: StatuslineReading): void {
  events.emit(
    'session-account-mismatch',
    'warn',
    `Session ${reading.sessionId.slice(0, 8)} on ${reading.host} reports quota figures that belong to another account than ${email}: ` +
      'it may still be using its old login. Restarting that Claude Code session picks up the current one.',
    id,
    { sessionId: reading.sessionId },
  );
}

/** Reports a failed refresh; true when the login is dead (invalid grant). */
function reportRefreshFailed(events: EngineEvents, email: string, id: string, error: RefreshError): boolean {
  if (error.kind !== 'invalid-grant') {
    events.emit('token-refresh-failed', 'warn', `Could not refresh the login of ${email} (${error.kind}); it will be retried.`, id, {
      reason: error.kind,
    });
    return false;
  }
  events.emit(
    'login-needed',
    'error',
    `${email} needs a new login: Anthropic rejected its refresh token. Run \`claude /login\` with ${email}, then \`ccmax-monitor accounts import\`.`,
    id,
  );
  return true;
}

function reportImplausibleLifetime(events: EngineEvents, email: string, id: string, lifetimeMs: number): void {
  events.emit(
    'token-lifetime-implausible',
    'warn',
    `The token endpoint gave the login of ${email} a lifetime of ${Math.round(lifetimeMs / 60_000)} min (or none; about 8 h is normal). ` +
      `Its refreshes are spaced at least ${MIN_REFRESH_INTERVAL_MS / 60_000} min apart.`,
    id,
    { lifetimeMs },
  );
}

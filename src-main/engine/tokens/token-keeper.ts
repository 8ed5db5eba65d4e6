/**
 * Keeps parked accounts' tokens fresh (PRODUCT §3, path `auto`): refreshes ahead of expiry on one
 * timer, persists the rotated pair before anything else, and never touches a token Claude Code owns.
 */
import { err, ok, type Result } from '../../shared/result.js';
import type { TimerHandle } from '../ports.js';
import { fingerprint, type VaultRecord } from '../vault/credentials.js';
import type { KeeperError, TokenKeeper, TokenKeeperDeps } from './keeper-types.js';
import { decideRefresh, isPlausibleLifetime, toRefreshRetryDelayMs, type RefreshReason } from './refresh-plan.js';

export type { KeeperAccount, KeeperError, TokenKeeper, TokenKeeperDeps } from './keeper-types.js';
export type { RefreshReason } from './refresh-plan.js';

/** Without anything due, the keeper still re-reads the vault this often (new logins, harvests). */
export const KEEPER_RECHECK_MS = 15 * 60_000;
/** Retry delays for a vault write that failed after a refresh; the last one repeats, forever. */
const WRITE_RETRY_DELAYS_MS = [5_000, 30_000, 60_000, 5 * 60_000];
/** After a tick failed unexpectedly, the next look happens this much later. */
const TICK_FAILURE_RETRY_MS = 60_000;

interface Slot {
  inFlight: Promise<Result<VaultRecord, KeeperError>> | null;
  failures: number;
  retryAtMs: number | null;
  /** Fingerprint of the refresh token that `failures` counts against. */
  failedRefreshFp: string | null;
  /** Fingerprint of a refresh token the server rejected: never sent again. */
  rejectedRefreshFp: string | null;
  unsaved: VaultRecord | null;
  /** Where the unsaved record was put when the vault refused it (the fallback file), if anywhere. */
  fallbackFile: string | null;
  writeFailures: number;
  writeRetryAtMs: number | null;
}

/** Creates the keeper. Nothing runs until {@link TokenKeeper.start}. */
export function createTokenKeeper(deps: TokenKeeperDeps): TokenKeeper {
  const { clock, vault, logger } = deps;
  const slots = new Map<string, Slot>();
  /** Accounts whose implausible token lifetime was already reported. */
  const warnedLifetime = new Set<string>();
  const isOwned = deps.isOwnedByClaudeCode ?? ((id: string) => deps.accounts().some((a) => a.id === id && a.active));
  let started = false;
  let stopped = false;
  let timer: TimerHandle | null = null;
  let nextRefreshAt: number | null = null;
  let ticking: Promise<void> | null = null;
  let tickAgain = false;

  const slotOf = (id: string): Slot => {
    let slot = slots.get(id);
    if (!slot) {
      slot = {
        inFlight: null,
        failures: 0,
        retryAtMs: null,
        failedRefreshFp: null,
        rejectedRefreshFp: null,
        unsaved: null,
        fallbackFile: null,
        writeFailures: 0,
        writeRetryAtMs: null,
      };
      slots.set(id, slot);
    }
    return slot;
  };
  const safely = (fn: () => void, what: string, accountId: string): void => {
    try {
      fn();
    } catch (e) {
      logger.error(`token keeper ${what} listener threw`, { accountId, error: String(e) });
    }
  };

  /**
   * Starts or extends the transient backoff. `refreshFp` ties it to one refresh token (a new login
   * escapes it); null ties it to whatever is stored (the failure happened before reading it).
   */
  const backOff = (slot: Slot, refreshFp: string | null): number => {
    if (slot.failedRefreshFp !== refreshFp) slot.failures = 0;
    slot.failures++;
    slot.failedRefreshFp = refreshFp;
    const delayMs = toRefreshRetryDelayMs(slot.failures);
    slot.retryAtMs = clock.now() + delayMs;
    return delayMs;
  };

  /**
   * Writes the refreshed record; on failure keeps it in memory, saves it to the fallback place once,
   * and schedules another try.
   */
  const flushUnsaved = async (id: string, slot: Slot): Promise<Result<VaultRecord, KeeperError>> => {
    const record = slot.unsaved;
    if (!record) return err({ kind: 'vault-failed', message: 'nothing to write' });
    const written = await vault.write(id, record);
    if (written.ok) {
      if (slot.fallbackFile !== null) await deps.fallback?.remove(id);
      Object.assign(slot, { unsaved: null, fallbackFile: null, writeFailures: 0, writeRetryAtMs: null });
      safely(() => deps.onRefreshed(id, record), 'onRefreshed', id);
      return ok(record);
    }
    slot.writeFailures++;
    const delayMs = WRITE_RETRY_DELAYS_MS[Math.min(slot.writeFailures, WRITE_RETRY_DELAYS_MS.length) - 1] ?? 300_000;
    slot.writeRetryAtMs = clock.now() + delayMs;
    // The old refresh token is dead now: losing this record would lose the login.
    logger.error('VAULT WRITE FAILED after a token refresh; the new login is kept in memory and the write will be retried', {
      accountId: id,
      fingerprint: fingerprint(record.credentials.accessToken),
      attempt: slot.writeFailures,
      retryInMs: delayMs,
      error: written.error.message,
    });
    if (slot.fallbackFile === null && deps.fallback) {
      const saved = await deps.fallback.save(id, record);
      slot.fallbackFile = saved.ok ? saved.value : null;
      if (!saved.ok) logger.error('THE REFRESHED LOGIN COULD NOT BE SAVED ANYWHERE', { accountId: id, error: saved.error.message });
      safely(() => deps.onUnsaved?.(id, saved.ok ? saved.value : null), 'onUnsaved', id);
    }
    return err({ kind: 'vault-failed', message: `the refreshed login could not be saved: ${written.error.message}` });
  };

  const doRefresh = async (id: string, reason: RefreshReason, slot: Slot): Promise<Result<VaultRecord, KeeperError>> => {
    // A refreshed pair that is not saved yet is the newest login there is: save it, never refresh again.
    if (slot.unsaved) return flushUnsaved(id, slot);
    if (stopped) return err({ kind: 'stopped', message: 'the token keeper is stopped' });
    if (isOwned(id)) return err({ kind: 'owned-by-claude-code', message: 'Claude Code owns this token; it refreshes it itself' });
    const read = await vault.read(id);
    if (!read.ok) {
      backOff(slot, null);
      return err({ kind: 'vault-failed', message: read.error.message });
    }
    const record = read.value;
    if (record === null) return err({ kind: 'no-login', message: 'no login is stored for this account' });
    const refreshFp = fingerprint(record.credentials.refreshToken);
    if (record.needsLogin || slot.rejectedRefreshFp === refreshFp) {
      return err({ kind: 'needs-login', message: 'the login was rejected; log in again' });
    }
    const result = await deps.client.refresh(record.credentials, clock.now());
    const nowMs = clock.now();
    if (result.ok) {
      slot.unsaved = { version: 1, credentials: result.value, refreshedAtMs: nowMs, refreshPath: 'auto', needsLogin: false };
      Object.assign(slot, { failures: 0, retryAtMs: null, failedRefreshFp: null });
      logger.info('token refreshed', { accountId: id, reason, fingerprint: fingerprint(result.value.accessToken) });
      const lifetimeMs = result.value.expiresAtMs - nowMs;
      if (!isPlausibleLifetime(lifetimeMs) && !warnedLifetime.has(id)) {
        warnedLifetime.add(id);
        safely(() => deps.onImplausibleLifetime?.(id, lifetimeMs), 'onImplausibleLifetime', id);
      }
      return flushUnsaved(id, slot);
    }
    const error = result.error;
    if (error.kind === 'invalid-grant') {
      slot.rejectedRefreshFp = refreshFp;
      logger.warn('refresh token rejected; the account needs a new login', { accountId: id, reason });
      const marked = await vault.write(id, { ...record, needsLogin: true });
      if (!marked.ok) logger.error('could not mark the account as needing a login', { accountId: id, error: marked.error.message });
    } else {
      const retryInMs = backOff(slot, refreshFp);
      logger.warn('token refresh failed', { accountId: id, reason, kind: error.kind, attempt: slot.failures, retryInMs });
    }
    safely(() => deps.onFailed(id, error), 'onFailed', id);
    return err(error);
  };

  const refreshOne = (id: string, reason: RefreshReason): Promise<Result<VaultRecord, KeeperError>> => {
    const slot = slotOf(id);
    if (slot.inFlight) return slot.inFlight;
    const run = doRefresh(id, reason, slot)
      .catch((e: unknown): Result<VaultRecord, KeeperError> => {
        // Not expected (ports return Results), but it must not turn into a refresh loop.
        logger.error('token refresh threw', { accountId: id, error: String(e), retryInMs: backOff(slot, null) });
        return err({ kind: 'network', message: 'unexpected failure' });
      })
      .finally(() => {
        slot.inFlight = null;
      });
    slot.inFlight = run;
    return run;
  };

  /** Runs what is due, then re-plans and arms the one timer. */
  const tickOnce = async (): Promise<void> => {
    for (const pass of ['run', 'plan'] as const) {
      let earliest: number | null = null;
      let wake = clock.now() + KEEPER_RECHECK_MS;
      for (const account of deps.accounts()) {
        if (stopped) return;
        const slot = slotOf(account.id);
        const nowMs = clock.now();
        if (slot.unsaved) {
          if (pass === 'run' && (slot.writeRetryAtMs ?? 0) <= nowMs) await refreshOne(account.id, 'ahead-of-expiry');
          if (slot.writeRetryAtMs !== null) wake = Math.min(wake, slot.writeRetryAtMs);
          continue;
        }
        if (slot.inFlight) continue;
        const read = await vault.read(account.id);
        if (!read.ok) {
          logger.warn('token keeper could not read the vault', { accountId: account.id, error: read.error.message });
          continue;
        }
        const record = read.value;
        const plan = decideRefresh({
          record,
          enabled: account.enabled,
          ownedByClaudeCode: isOwned(account.id),
          refreshRejected: record !== null && slot.rejectedRefreshFp === fingerprint(record.credentials.refreshToken),
          sevenDayPct: account.sevenDayPct,
          sevenDayResetsAtMs: account.sevenDayResetsAtMs,
          nowMs,
          aheadMs: deps.settings().tokenRefreshAheadMs,
          retryAtMs:
            record && (slot.failedRefreshFp === null || slot.failedRefreshFp === fingerprint(record.credentials.refreshToken))
              ? slot.retryAtMs
              : null,
        });
        if (plan.kind !== 'at') continue;
        if (pass === 'run' && plan.atMs <= nowMs) {
          await refreshOne(account.id, plan.reason);
        } else {
          earliest = earliest === null ? plan.atMs : Math.min(earliest, plan.atMs);
        }
      }
      if (pass === 'plan' && !stopped) {
        nextRefreshAt = earliest;
        if (timer !== null) clock.clearTimeout(timer);
        const dueMs = Math.min(wake, earliest ?? Infinity);
        timer = clock.setTimeout(onTimer, Math.max(0, dueMs - clock.now()));
      }
    }
  };

  /** Runs ticks until none was requested meanwhile; `ticking` clears in the same step the loop ends. */
  const runTicks = async (): Promise<void> => {
    try {
      while (tickAgain && !stopped) {
        tickAgain = false;
        try {
          await tickOnce();
        } catch (e) {
          logger.error('token keeper tick failed', { error: String(e) });
          // The plan pass did not arm the timer: look again in a minute rather than never.
          if (timer === null && !stopped) timer = clock.setTimeout(onTimer, TICK_FAILURE_RETRY_MS);
        }
      }
    } finally {
      ticking = null;
    }
  };

  const requestTick = (): Promise<void> => {
    if (stopped) return ticking ?? Promise.resolve();
    tickAgain = true;
    ticking ??= runTicks();
    return ticking;
  };

  const onTimer = (): void => {
    timer = null;
    requestTick().catch((e: unknown) => logger.error('token keeper tick failed', { error: String(e) }));
  };

  return {
    start() {
      if (started && !stopped) return;
      started = true;
      stopped = false;
      // The first look happens on the clock, like every later one, so start() itself does no I/O.
      timer = clock.setTimeout(onTimer, 0);
    },

    async stop() {
      stopped = true;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      await ticking;
      await Promise.allSettled([...slots.values()].map((s) => s.inFlight).filter((p) => p !== null));
      for (const [id, slot] of slots) if (slot.unsaved) await flushUnsaved(id, slot);
      return [...slots].filter(([, slot]) => slot.unsaved !== null && slot.fallbackFile === null).map(([id]) => id);
    },

    async refreshNow(accountId, reason) {
      const result = await refreshOne(accountId, reason);
      if (started && !stopped) void requestTick();
      return result;
    },

    refreshingIds: () => new Set([...slots.entries()].filter(([, s]) => s.inFlight !== null).map(([id]) => id)),

    nextRefreshAtMs: () => (started && !stopped ? nextRefreshAt : null),

    pendingRecord: (accountId) => slots.get(accountId)?.unsaved ?? null,

    credentialsChanged(accountId) {
      const slot = slots.get(accountId);
      if (slot) Object.assign(slot, { failures: 0, retryAtMs: null, failedRefreshFp: null });
      if (started && !stopped) void requestTick();
    },
  };
}

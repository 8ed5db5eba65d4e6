/**
 * Keeps accounts' tokens fresh (PRODUCT §3, path `auto`): refreshes ahead of expiry on one timer,
 * persists the rotated pair before anything else, and never touches a token Claude Code owns (on a
 * hub, which refreshes the active account too, nothing is owned: `isOwnedByClaudeCode`).
 * One refresh is `keeper-refresh.ts`; the per-account state and the vault writer `keeper-slot.ts`.
 */
import { err, type Result } from '../../shared/result.js';
import type { TimerHandle } from '../ports.js';
import { fingerprint, type VaultRecord } from '../vault/credentials.js';
import type { KeeperAccount, KeeperError, TokenKeeper, TokenKeeperDeps } from './keeper-types.js';
import { refreshAccount, type RefreshContext } from './keeper-refresh.js';
import { backOff, createUnsavedWriter, newSlot, type Slot } from './keeper-slot.js';
import { decideRefresh, type RefreshPlan, type RefreshReason } from './refresh-plan.js';

export type { KeeperAccount, KeeperError, TokenKeeper, TokenKeeperDeps } from './keeper-types.js';
export type { RefreshReason } from './refresh-plan.js';

/** Without anything due, the keeper still re-reads the vault this often (new logins, harvests). */
export const KEEPER_RECHECK_MS = 15 * 60_000;
/** After a tick failed unexpectedly, the next look happens this much later. */
const TICK_FAILURE_RETRY_MS = 60_000;

/** Creates the keeper. Nothing runs until {@link TokenKeeper.start}. */
export function createTokenKeeper(deps: TokenKeeperDeps): TokenKeeper {
  const { clock, logger } = deps;
  const slots = new Map<string, Slot>();
  const isOwned = deps.isOwnedByClaudeCode ?? ((id: string) => deps.accounts().some((a) => a.id === id && a.active));
  let started = false;
  let stopped = false;
  let timer: TimerHandle | null = null;
  let nextRefreshAt: number | null = null;
  let ticking: Promise<void> | null = null;
  let tickAgain = false;

  const slotOf = (id: string): Slot => {
    let slot = slots.get(id);
    if (!slot) slots.set(id, (slot = newSlot()));
    return slot;
  };
  const flushUnsaved = createUnsavedWriter(deps);
  const refreshCtx: RefreshContext = { deps, isOwned, stopped: () => stopped, flushUnsaved, warnedLifetime: new Set() };

  const refreshOne = (id: string, reason: RefreshReason): Promise<Result<VaultRecord, KeeperError>> => {
    const slot = slotOf(id);
    if (slot.inFlight) return slot.inFlight;
    const run = refreshAccount(refreshCtx, id, reason, slot)
      .catch((e: unknown): Result<VaultRecord, KeeperError> => {
        // Not expected (ports return Results), but it must not turn into a refresh loop.
        logger.error('token refresh threw', { accountId: id, error: String(e), retryInMs: backOff(slot, null, clock.now()) });
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
        const plan = await planOf(deps, isOwned, account, slot, nowMs);
        if (plan === null) continue;
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

/** When to refresh one account; null when its login cannot be read. */
async function planOf(
  deps: TokenKeeperDeps,
  isOwned: (accountId: string) => boolean,
  account: KeeperAccount,
  slot: Slot,
  nowMs: number,
): Promise<RefreshPlan | null> {
  const read = await deps.vault.read(account.id);
  if (!read.ok) {
    deps.logger.warn('token keeper could not read the vault', { accountId: account.id, error: read.error.message });
    return null;
  }
  const record = read.value;
  const refreshFp = record === null ? null : fingerprint(record.credentials.refreshToken);
  return decideRefresh({
    record,
    enabled: account.enabled,
    ownedByClaudeCode: isOwned(account.id),
    refreshRejected: refreshFp !== null && slot.rejectedRefreshFp === refreshFp,
    sevenDayPct: account.sevenDayPct,
    sevenDayResetsAtMs: account.sevenDayResetsAtMs,
    nowMs,
    aheadMs: account.refreshAheadMs ?? deps.settings().tokenRefreshAheadMs,
    retryAtMs: refreshFp !== null && (slot.failedRefreshFp === null || slot.failedRefreshFp === refreshFp) ? slot.retryAtMs : null,
  });
}

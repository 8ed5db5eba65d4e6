/**
 * The parts of the engine that keep each account's figures and login current: the token keeper,
 * the usage poller and the active-account tracker, wired to the fleet state (created before them).
 */
import { createActiveTracker, type ActiveTracker } from './claude-code/active-tracker.js';
import type { CredentialTarget } from './claude-code/credential-targets/credential-target.js';
import type { ActiveAccountCell } from './claude-code/active-account.js';
import type { CustodyLedger } from './claude-code/custody-ledger.js';
import type { EngineDeps } from './engine-deps.js';
import type { EngineEvents } from './engine-events.js';
import type { FleetState } from './fleet/fleet-state.js';
import type { LoginSafety } from './fleet/login-safety.js';
import { createSignal } from './signal.js';
import { activeRefreshAheadMs, createActiveLoginPusher } from './switching/active-refresh.js';
import type { AccountMeta, Settings } from './storage/state-schema.js';
import type { TokenKeeper } from './tokens/keeper-types.js';
import { createTokenKeeper } from './tokens/token-keeper.js';
import type { UsagePoller } from './usage/poller-types.js';
import { createUsagePoller } from './usage/usage-poller.js';
import type { OAuthCredentials, VaultRecord } from './vault/credentials.js';

/** What the engine's parts share: created first, before any of them. */
export interface EngineContext {
  readonly deps: EngineDeps;
  readonly events: EngineEvents;
  readonly settings: () => Settings;
  readonly metas: () => readonly AccountMeta[];
  readonly metaOf: (id: string) => AccountMeta | undefined;
  readonly active: ActiveAccountCell;
  readonly fleet: FleetState;
  readonly logins: LoginSafety;
  /** Who changed Claude Code's stored login: our writes, the vault's login generations, the last change per account. */
  readonly custody: CustodyLedger;
  /** Something the snapshot shows changed (the publisher, created last, pushes a new snapshot). */
  readonly changed: () => void;
}

export interface Keepers {
  readonly keeper: TokenKeeper;
  readonly poller: UsagePoller;
  readonly tracker: ActiveTracker;
  /** An account's current login: the keeper's refresh not yet saved, else the stored one. */
  readonly recordOf: (id: string) => VaultRecord | null;
  /**
   * After a switch wrote `written` for the (now active) account `id`: when a refresh of it landed
   * meanwhile, writes the newer login over the one written (the switch's login has a spent refresh token).
   */
  readonly settleIncoming: (id: string, written: OAuthCredentials) => Promise<void>;
}

/**
 * Creates the keeper, then the poller, then the tracker. `credentialsTarget` is where Claude Code
 * reads its login (a hub writes the active account's refreshed login there).
 */
export function wireKeepers(ctx: EngineContext, credentialsTarget: CredentialTarget): Keepers {
  const { deps, fleet, metas, changed } = ctx;
  const { clock, logger, vault, client } = deps;
  const { settings } = ctx;
  const activeId = (): string | null => ctx.active.accountId();
  /** The keeper refreshed a login; the poller (created after the keeper) uses the new token. */
  const refreshed = createSignal<string>();
  const hub = deps.refreshActive ?? null;
  /** On a hub the active account is refreshed like the others, only never deferred and well ahead of Claude Code. */
  const hubRefreshes = (id: string): boolean => hub !== null && id === activeId();
  /**
   * Writes a refreshed login of the active account where Claude Code reads it (only over the login the
   * refresh replaced). On a hub: each refresh of the active account. Anywhere: a refresh that finished
   * after its account became active (started while it was parked, as a switch to it wrote the login
   * that refresh spent) — else Claude Code would be left on a spent refresh token.
   */
  const pushActive = createActiveLoginPusher({
    target: credentialsTarget,
    logger,
    clock,
    stillCurrent: (id, record) => id === activeId() && recordOf(id)?.credentials.accessToken === record.credentials.accessToken,
    onWritten: (id) => hub?.onLoginWritten(id),
    writing: (id, credentials) => ctx.custody.wrote(id, credentials),
  });

  const keeper = createTokenKeeper({
    clock,
    client,
    vault,
    logger,
    settings,
    isOwnedByClaudeCode: (id) => hub === null && id === activeId(),
    accounts: () =>
      metas().map((m) => {
        const account = { id: m.id, enabled: m.enabled, active: m.id === activeId() };
        // Claude Code uses it: a 7-day exhaustion does not defer its refresh (Claude Code would refresh it itself).
        if (hubRefreshes(m.id))
          return {
            ...account,
            sevenDayPct: null,
            sevenDayResetsAtMs: null,
            refreshAheadMs: activeRefreshAheadMs(settings().tokenRefreshAheadMs),
          };
        const sevenDay = fleet.sevenDay(m.id);
        return { ...account, sevenDayPct: sevenDay?.utilizationPct ?? null, sevenDayResetsAtMs: sevenDay?.resetsAtMs ?? null };
      }),
    // A login Claude Code refreshed on its own is harvested first: its refresh token is the live one.
    beforeRefresh: async (id) => {
      if (hubRefreshes(id)) await tracker.check();
    },
    ...(deps.loginFallback ? { fallback: deps.loginFallback } : {}),
    onUnsaved: (id, file) => ctx.logins.unsaved(id, file),
    onRefreshed(id, record, replaced) {
      ctx.custody.noteVault(id, record.credentials);
      ctx.logins.saved(id);
      fleet.tokenRefreshed(id, record);
      refreshed.emit(id);
      changed();
      if (id === activeId()) void pushActive(id, record, replaced);
    },
    onFailed(id, error) {
      if (fleet.tokenRefreshFailed(id, error)) void fleet.loadRecord(id).then(changed);
      changed();
    },
    onImplausibleLifetime: (id, lifetimeMs) => fleet.implausibleLifetime(id, lifetimeMs),
  });
  const recordOf = (id: string): VaultRecord | null => keeper.pendingRecord(id) ?? fleet.storedRecord(id);

  const poller = createUsagePoller({
    clock,
    random: deps.random,
    client,
    logger,
    settings,
    getAccessToken: async (id) => recordOf(id)?.credentials.accessToken ?? null,
    accounts: () =>
      metas().map((m) => {
        const record = recordOf(m.id);
        const pollable = record !== null && !record.needsLogin && record.credentials.expiresAtMs > clock.now();
        return { id: m.id, enabled: m.enabled, active: m.id === activeId(), pollable, lastReadAtMs: fleet.usage(m.id)?.readAtMs ?? null };
      }),
    onReading: (id, reading, atMs) => fleet.pollSucceeded(id, reading, atMs),
    onFailure(id, error, atMs) {
      fleet.pollFailed(id, error, atMs);
      changed();
    },
  });
  refreshed.on((id) => poller.tokenChanged(id));

  const tracker = createActiveTracker({
    clock,
    logger,
    events: ctx.events,
    vault,
    client,
    active: ctx.active,
    paths: deps.claudePaths,
    readOptions: deps.claudeReadOptions,
    accounts: () => metas().map((m) => ({ id: m.id, email: m.email, record: recordOf(m.id) })),
    custody: ctx.custody,
    onHarvested(id, record) {
      ctx.custody.noteVault(id, record.credentials);
      fleet.harvested(id, record);
      poller.tokenChanged(id);
      keeper.credentialsChanged(id);
    },
  });
  const settleIncoming = async (id: string, written: OAuthCredentials): Promise<void> => {
    const newest = recordOf(id);
    if (newest === null || id !== activeId() || newest.credentials.accessToken === written.accessToken) return;
    logger.info('a refresh of the incoming account landed during the switch; writing the newer login', { accountId: id });
    await pushActive(id, newest, written);
  };
  return { keeper, poller, tracker, recordOf, settleIncoming };
}

/** Builds the engine's snapshot from the parts that hold each piece of it. */
import type { MachineView } from '../shared/machines-view.js';
import type { CustodyView, FleetSnapshot, SessionOwnerGuardView, SessionView } from '../shared/view-model.js';
import type { ActiveAccountCell } from './claude-code/active-account.js';
import type { Clock } from './ports.js';
import type { RotationLoop } from './rotation/rotation-loop.js';
import type { AccountMeta, Settings } from './storage/state-schema.js';
import type { TokenKeeper } from './tokens/keeper-types.js';
import type { UsagePoller } from './usage/poller-types.js';
import type { VaultRecord } from './vault/credentials.js';
import type { Vault } from './vault/vault-types.js';
import { toFleetSnapshot } from './fleet/build-snapshot.js';
import type { FleetState } from './fleet/fleet-state.js';

export interface EngineSnapshotDeps {
  readonly version: string;
  readonly demo: boolean;
  readonly clock: Clock;
  readonly vault: Pick<Vault, 'kind' | 'location'>;
  readonly metas: () => readonly AccountMeta[];
  readonly settings: () => Settings;
  readonly recordOf: (id: string) => VaultRecord | null;
  readonly fleet: Pick<FleetState, 'usage' | 'failure'>;
  readonly active: Pick<ActiveAccountCell, 'current'>;
  readonly poller: Pick<UsagePoller, 'schedule' | 'nextPollAtMs'>;
  readonly keeper: Pick<TokenKeeper, 'refreshingIds' | 'nextRefreshAtMs'>;
  readonly rotation: Pick<RotationLoop, 'lastSwitch' | 'isPaused' | 'view'>;
  readonly sessions: (() => readonly SessionView[]) | null;
  /** Claude Code's session-owner guard as last read. */
  readonly guard: () => SessionOwnerGuardView;
  /** The custody ledger's last change per account. */
  readonly custodyOf: (id: string) => CustodyView | null;
  /** On a hub: its machines; null elsewhere. */
  readonly machines: (() => readonly MachineView[]) | null;
  /** Whether the engine runs (the next poll and refresh times are shown only then). */
  readonly started: () => boolean;
}

/** Returns the engine's `snapshot()`. */
export function createEngineSnapshot(deps: EngineSnapshotDeps): () => FleetSnapshot {
  const { fleet, poller, keeper, rotation } = deps;
  return () => {
    const schedule = new Map(poller.schedule().map((s) => [s.accountId, s]));
    const refreshing = keeper.refreshingIds();
    const active = deps.active.current();
    const started = deps.started();
    return toFleetSnapshot({
      version: deps.version,
      demo: deps.demo,
      nowMs: deps.clock.now(),
      vault: { kind: deps.vault.kind, location: deps.vault.location },
      accounts: deps.metas().map((meta) => {
        const s = schedule.get(meta.id);
        return {
          meta,
          record: deps.recordOf(meta.id),
          usage: fleet.usage(meta.id) ?? null,
          lastFailure: fleet.failure(meta.id) ?? null,
          rateLimitedUntilMs: s?.backoffReason === 'rate-limited' ? s.backoffUntilMs : null,
          lastPollAtMs: s?.lastPollAtMs ?? null,
          nextPollAtMs: s?.nextPollAtMs ?? null,
          refreshInFlight: refreshing.has(meta.id),
          custody: deps.custodyOf(meta.id),
        };
      }),
      activeAccountId: active?.accountId ?? null,
      activeMatchedBy: active?.matchedBy ?? null,
      nextRefreshAtMs: started ? poller.nextPollAtMs() : null,
      nextTokenRefreshAtMs: started ? keeper.nextRefreshAtMs() : null,
      lastSwitch: rotation.lastSwitch(),
      paused: rotation.isPaused(),
      rotation: rotation.view(),
      sessions: deps.sessions?.() ?? [],
      settings: deps.settings(),
      sessionOwnerGuard: deps.guard(),
      ...(deps.machines ? { machines: deps.machines() } : {}),
    });
  };
}

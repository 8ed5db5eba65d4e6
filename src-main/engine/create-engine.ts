/**
 * The composition of the engine from its ports: fleet state, token keeper, usage poller,
 * active-account tracker, switcher, rotation, accounts, snapshot and event log. Shared by the
 * headless server, the CLI and the desktop shell; it never imports Electron. Each part is created
 * after everything it uses; a part that must tell a later one about something does so through a
 * signal the later one subscribes to.
 */
import { createAccountService } from './accounts/account-service.js';
import { planFromProfile } from './anthropic/parse-profile.js';
import { createActiveAccountCell } from './claude-code/active-account.js';
import { createClaudeLoginSource } from './claude-code/claude-login-source.js';
import { createCustodyLedger, custodyStoreIn } from './claude-code/custody-ledger.js';
import { defaultCredentialTarget, defaultIdentityTarget } from './claude-code/credential-targets/default-targets.js';
import { createEngineApi } from './engine-api.js';
import type { EngineDeps } from './engine-deps.js';
import { createEngineEvents } from './engine-events.js';
import type { Engine } from './engine-types.js';
import { createAccountChangeHandler } from './fleet/account-changes.js';
import { createEngineSnapshot } from './engine-snapshot.js';
import { createFleetState } from './fleet/fleet-state.js';
import { createLoginSafety } from './fleet/login-safety.js';
import { createSnapshotPublisher } from './fleet/snapshot-publisher.js';
import { toPolicyAccounts } from './rotation/policy-accounts.js';
import { createRotationLoop } from './rotation/rotation-loop.js';
import { createLimitRescue } from './sessions/limit-rescue.js';
import { createStatuslineIntake } from './sessions/statusline-intake.js';
import { createSessionOwnerGuard } from './claude-code/session-owner-guard.js';
import { createSignal } from './signal.js';
import { createSwitcher } from './switching/switcher.js';
import { wireKeepers, type EngineContext } from './wire-keepers.js';

export type { EngineDeps, MachinesSource, SessionSource } from './engine-deps.js';

/** Creates the engine. Nothing runs until `start()`. */
export function createEngine(deps: EngineDeps): Engine {
  const { clock, logger, store } = deps;
  const metas = () => store.read().accounts;
  const events = createEngineEvents({ clock, sink: deps.eventLog });
  const changes = createSignal();
  const running = { value: false };
  const fleet = createFleetState({
    clock,
    logger,
    vault: deps.vault,
    events,
    usageCache: deps.usageCache,
    metas,
    changed: () => changes.emit(),
  });
  const ctx: EngineContext = {
    deps,
    events,
    metas,
    metaOf: (id) => metas().find((m) => m.id === id),
    settings: () => store.read().settings,
    active: deps.activeAccount ?? createActiveAccountCell(),
    fleet,
    logins: createLoginSafety({ events, vault: deps.vault, emailOf: fleet.emailOf }),
    custody: createCustodyLedger({ clock, events, emailOf: fleet.emailOf, store: custodyStoreIn(store) }),
    changed: () => changes.emit(),
  };
  const { changed, metaOf } = ctx;
  const activeId = (): string | null => ctx.active.accountId();
  const credentialsTarget = deps.credentialsTarget ?? defaultCredentialTarget(deps.claudeReadOptions.platform, deps.claudePaths, logger);
  const keepers = wireKeepers(ctx, credentialsTarget);
  const guard = createSessionOwnerGuard({ files: deps.guardConfigFiles ?? [deps.claudePaths.claudeJson] });
  const { keeper, poller, tracker, recordOf, settleIncoming } = keepers;
  const switcher = createSwitcher({
    clock,
    logger,
    events,
    credentialsTarget,
    identityTarget: deps.identityTarget === undefined ? defaultIdentityTarget(deps.claudePaths, logger) : deps.identityTarget,
    keeper,
    recordOf,
    metaOf,
    syncActive: () => tracker.check().then(() => undefined),
    secureOutgoing: (current) => tracker.secure(current),
    writing: (accountId, credentials) => ctx.custody.wrote(accountId, credentials),
    settleIncoming,
  });

  const rotation = createRotationLoop({
    clock,
    logger,
    events,
    settings: ctx.settings,
    store,
    metaOf,
    sessions: deps.sessions ?? null,
    guardOn: guard.isOn,
    switcher,
    activeId,
    onChanged: changed,
    ...(deps.rotationTickMs !== undefined ? { tickEveryMs: deps.rotationTickMs } : {}),
    accounts: () => toPolicyAccounts(metas(), { recordOf, usageOf: fleet.usage, failureOf: fleet.failure }),
  });
  fleet.onReading((id, entry) => {
    const sample = { atMs: entry.readAtMs, sevenDayPct: entry.sevenDay?.utilizationPct ?? null };
    rotation.recordSample(id, { ...sample, fiveHourPct: entry.fiveHour?.utilizationPct ?? null });
    changed();
    void rotation.request(entry.source);
  });

  const accounts = createAccountService({
    clock,
    client: deps.client,
    vault: deps.vault,
    store,
    events,
    ...createClaudeLoginSource(deps.claudePaths, deps.claudeReadOptions),
    toPlan: (profile, credentials) => planFromProfile(profile, credentials.subscriptionType, credentials.rateLimitTier),
    onChanged: createAccountChangeHandler({ logger, fleet, poller, keeper, tracker, changed, started: () => running.value }),
  });

  const recordStatusline = createStatuslineIntake({
    activeId,
    nowMs: () => clock.now(),
    knownSevenDayResetOf: (id) => fleet.usage(id)?.sevenDay?.resetsAtMs ?? null,
    reportMismatch: (id, reading) => fleet.reportMismatch(id, reading),
    record: (id, reading) => {
      poller.notifyStatuslineReading(id, reading.atMs);
      fleet.statuslineRead(id, reading);
    },
  });

  const rescue = createLimitRescue({
    nowMs: () => clock.now(),
    activeId,
    usageOf: fleet.usage,
    emailOf: fleet.emailOf,
    applyReading: (id, entry) => fleet.limitHitRead(id, entry),
    settle: () => rotation.settle(),
    events,
  });

  const snapshot = createEngineSnapshot({
    guard: guard.view,
    version: deps.version,
    demo: deps.demo,
    clock,
    vault: deps.vault,
    metas,
    settings: ctx.settings,
    recordOf,
    fleet,
    active: ctx.active,
    poller,
    keeper,
    rotation,
    sessions: deps.sessions ? () => deps.sessions?.sessions() ?? [] : null,
    custodyOf: (id) => ctx.custody.viewOf(id),
    machines: deps.machines ? () => deps.machines?.list() ?? [] : null,
    started: () => running.value,
  });
  const publisher = createSnapshotPublisher(snapshot, logger);
  changes.on(() => publisher.changed());
  return createEngineApi({ ...keepers, guard, ctx, switcher, rotation, accounts, recordStatusline, rescue, snapshot, publisher, running });
}

/** The engine's public face over its wired parts: start and stop, and what the commands call. */
import type { FleetSnapshot } from '../shared/view-model.js';
import type { AccountService } from './accounts/account-service.js';
import type { SessionOwnerGuard } from './claude-code/session-owner-guard.js';
import type { LimitRescue } from './sessions/limit-rescue.js';
import type { StatuslineReading } from './sessions/session-registry.js';
import type { Engine } from './engine-types.js';
import type { SnapshotPublisher } from './fleet/snapshot-publisher.js';
import type { RotationLoop } from './rotation/rotation-loop.js';
import type { Switcher } from './switching/switcher.js';
import { updateSettings } from './update-settings.js';
import type { Keepers, EngineContext } from './wire-keepers.js';

export interface EngineApiParts extends Keepers {
  readonly ctx: EngineContext;
  readonly guard: SessionOwnerGuard;
  readonly switcher: Pick<Switcher, 'repairIdentity'>;
  readonly rotation: RotationLoop;
  readonly accounts: AccountService;
  readonly recordStatusline: (reading: StatuslineReading) => void;
  readonly rescue: LimitRescue;
  readonly snapshot: () => FleetSnapshot;
  readonly publisher: SnapshotPublisher;
  /** Whether the engine runs; `start()` and `stop()` set it. */
  readonly running: { value: boolean };
}

/** Builds the `Engine` the server, the CLI and the shell use. */
export function createEngineApi(parts: EngineApiParts): Engine {
  const { ctx, rotation, poller, keeper, tracker, running } = parts;
  const { deps, events, changed, fleet } = ctx;
  const { clock } = deps;
  const sessions = deps.sessions ?? null;
  let detectTimer: ReturnType<typeof clock.setTimeout> | null = null;
  const unsubscribers: (() => void)[] = [];

  function armDetect(): void {
    detectTimer = clock.setTimeout(() => {
      void Promise.all([tracker.check(), checkGuard()])
        .then(() => changed()) // also re-evaluates stale marks and passed resets
        .finally(() => {
          if (running.value) armDetect();
        });
    }, deps.detectEveryMs ?? 10_000);
  }
  async function load(): Promise<void> {
    if (deps.loginFallback) await ctx.logins.recover(deps.loginFallback);
    for (const m of ctx.metas()) await fleet.loadRecord(m.id);
    await Promise.all([tracker.check(), checkGuard()]);
  }
  /** Re-reads the session-owner guard flag; turning on or off is logged once and re-decides rotation. */
  async function checkGuard(): Promise<void> {
    const wasOn = parts.guard.isOn();
    if (!(await parts.guard.check())) return;
    changed();
    const view = parts.guard.view();
    if (view.on === wasOn) return;
    const where = view.configs.filter((c) => c.state === 'on').map((c) => c.path);
    events.emit(
      'session-owner-guard-changed',
      view.on ? 'warn' : 'info',
      view.on
        ? `Claude Code's session-owner guard is on (${where.join(', ')}): rotation now switches only when ` +
            'no interactive session is running, or when you choose "Switch now".'
        : "Claude Code's session-owner guard is off: rotation switches under running sessions again.",
      undefined,
      { on: view.on, configs: view.configs.length },
    );
    if (running.value) void rotation.request('guard-changed');
  }

  return {
    load,
    async start() {
      if (running.value) return;
      await load();
      // The tokens say which account Claude Code uses; an identity block naming another one was left
      // by a switch interrupted between its two writes.
      const found = tracker.current();
      if (found && found.matchedBy !== 'oauth-account') await parts.switcher.repairIdentity(found.accountId);
      running.value = true;
      poller.start();
      keeper.start();
      rotation.start();
      armDetect();
      if (sessions) unsubscribers.push(sessions.subscribe(changed), sessions.onStatusline(parts.recordStatusline));
      if (deps.machines) unsubscribers.push(deps.machines.subscribe(changed));
      if (sessions?.onLimitHit) unsubscribers.push(sessions.onLimitHit((hit) => void parts.rescue.hit(hit)));
      const demo = deps.demo ? ' (DEMO)' : '';
      events.emit('engine-started', 'info', `ccmax-monitor ${deps.version} started with ${ctx.metas().length} account(s)${demo}.`);
      changed();
    },
    async stop() {
      if (!running.value) return;
      running.value = false;
      if (detectTimer !== null) clock.clearTimeout(detectTimer);
      for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
      await rotation.stop();
      const [, unsaved] = await Promise.all([poller.stop(), keeper.stop()]);
      ctx.logins.stopped(unsaved);
      fleet.saveUsage();
      events.emit('engine-stopped', 'info', 'ccmax-monitor stopped.');
    },
    loginsAtRisk: () => ctx.logins.atRisk(),
    snapshot: parts.snapshot,
    subscribe: (listener) => parts.publisher.subscribe(listener),
    switchTo(accountId) {
      const r = rotation.switchTo(accountId);
      changed();
      return r;
    },
    switchNow() {
      const accepted = rotation.switchNow();
      if (accepted) changed();
      return accepted;
    },
    pause: () => rotation.pause(),
    resume: () => rotation.resume(),
    settleRotation: () => rotation.settle(),
    sessionNotice: (sessionId) => parts.rescue.noticeFor(sessionId),
    activeAccountId: () => ctx.active.accountId(),
    async refreshNow(accountId) {
      await tracker.check();
      await poller.pollNow(accountId);
      changed();
    },
    accounts: parts.accounts,
    revokeMachine(machineId) {
      if (!deps.machines) return 'not-a-hub';
      return deps.machines.revoke(machineId) ? 'revoked' : 'not-found';
    },
    events: (query) => deps.eventLog.query(query),
    settings: ctx.settings,
    updateSettings(patch) {
      const update = updateSettings(deps.store, events, patch);
      if (update.changed) changed();
      return update.result;
    },
  };
}

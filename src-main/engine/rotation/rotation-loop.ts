/**
 * The rotation loop: re-decides on every usage reading, statusline reading, session transition and
 * timer tick, one decision at a time, and carries out switches through the switcher. It owns the policy's memory
 * (step-aside, pending deferral, pin, last switch, samples, tool-call lengths) and persists pause, pin and last switch.
 */
import { err, ok, type Result } from '../../shared/result.js';
import type { RotationView } from '../../shared/view-model.js';
import type { EngineEvents } from '../engine-events.js';
import type { Clock, Logger, TimerHandle } from '../ports.js';
import type { SessionStates } from '../sessions/session-states.js';
import type { AccountMeta, Settings } from '../storage/state-schema.js';
import type { StateStore } from '../storage/store-port.js';
import type { Switcher } from '../switching/switcher.js';
import { applyDecision, type ApplyDeps } from './apply-decision.js';
import { decideRotation } from './decide-rotation.js';
import { createGuardHold } from './guard-hold.js';
import { createLoopState, persistLoopState, recordLoopSample, toRotationView, type LoopState } from './loop-state.js';
import { rememberToolCall, toolCallLengthMs } from './tool-calls.js';
import { toRotationSettings, type LastSwitch, type PolicyAccount, type RotationDecision, type UsageSample } from './rotation-types.js';

export interface RotationLoopDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: EngineEvents;
  readonly settings: () => Settings;
  readonly store: StateStore;
  /** Every account as the policy sees it, without samples (the loop adds them). */
  readonly accounts: () => readonly Omit<PolicyAccount, 'samples'>[];
  readonly activeId: () => string | null;
  readonly metaOf: (id: string) => AccountMeta | undefined;
  /** True while Claude Code's session-owner guard is on: switches wait for no live session (`guard-hold.ts`). */
  readonly guardOn?: () => boolean;
  /** Live sessions; null until the live-sessions feature is wired (nothing ever blocks then). */
  readonly sessions: SessionStates | null;
  readonly switcher: Switcher;
  readonly onChanged: () => void;
  /** Re-decide at least this often; default 30 s. */
  readonly tickEveryMs?: number;
}

export type ManualSwitchError = { readonly kind: 'not-found' | 'unusable'; readonly message: string };

export interface RotationLoop {
  start(): void;
  stop(): Promise<void>;
  /** Schedules a decision (coalesced) and resolves when it, and any switch it made, is done. */
  request(cause: string): Promise<void>;
  /** Records a usage reading for velocity. */
  recordSample(accountId: string, sample: UsageSample): void;
  /** "Switch now": the switch the session-owner guard holds goes through; false when none is held. */
  switchNow(): boolean;
  /** Pins an account (PRODUCT §2 `manual`) and switches to it as soon as it is safe; null unpins. */
  switchTo(accountId: string | null): Result<{ readonly pinnedAccountId: string | null }, ManualSwitchError>;
  pause(): void;
  resume(): void;
  isPaused(): boolean;
  lastSwitch(): LastSwitch | null;
  view(): RotationView;
  /** Resolves once every decision already requested (and its switch) is done. */
  settle(): Promise<void>;
}

export function createRotationLoop(deps: RotationLoopDeps): RotationLoop {
  const { clock, events } = deps;
  const tickEveryMs = deps.tickEveryMs ?? 30_000;
  const emailOf = (id: string | null) => (id === null ? 'an unknown login' : (deps.metaOf(id)?.email ?? id));
  const guardHold = createGuardHold({
    clock,
    events,
    emailOf,
    guardOn: () => deps.guardOn?.() ?? false,
    liveSessions: () => deps.sessions?.rotatableAliveCount() ?? 0,
  });
  const state = createLoopState(deps.store, guardHold);
  let started = false;
  let timer: TimerHandle | null = null;
  let chain: Promise<void> = Promise.resolve();
  let queued: Promise<void> | null = null;
  let unsubscribeSessions: (() => void) | null = null;
  // A switch the user asked for while paused: carried out (or deferred past a tool call) once, not re-imposed later.
  let askedWhilePaused: string | null = null;

  const applyDeps: ApplyDeps = { ...deps, emailOf };
  const persist = () => persistLoopState(deps.store, state);

  async function decideOnce(): Promise<void> {
    if (!started) return;
    const decision = decide(deps, state);
    // Pause stops automatic switching only: the switch the user asks for while paused still happens.
    if (state.paused) {
      if (!isTo(decision, askedWhilePaused)) {
        askedWhilePaused = null;
        return;
      }
      if (decision.kind === 'switch') askedWhilePaused = null;
    }
    await applyDecision(applyDeps, state, decision);
  }

  function request(cause: string): Promise<void> {
    if (queued) return queued;
    const next = chain.then(async () => {
      queued = null;
      try {
        await decideOnce();
      } catch (e) {
        deps.logger.error('rotation decision failed', { cause, reason: e instanceof Error ? e.message : String(e) });
      }
    });
    queued = next;
    chain = next;
    return next;
  }

  const arm = () => {
    timer = clock.setTimeout(() => {
      void request('tick').finally(() => {
        if (started) arm();
      });
    }, tickEveryMs);
  };

  return {
    start() {
      if (started) return;
      started = true;
      // A tool call that ends unblocks a deferred switch at once, before its hook is acknowledged; its length is remembered.
      unsubscribeSessions =
        deps.sessions?.onTransition((transition) => {
          const lengthMs = toolCallLengthMs(transition);
          if (lengthMs !== null) rememberToolCall(state.recentToolCallMs, lengthMs);
          if (state.pending || guardHold.view()) void request('session-transition');
        }) ?? null;
      arm();
      void request('start');
    },
    async stop() {
      started = false;
      if (timer !== null) clock.clearTimeout(timer);
      unsubscribeSessions?.();
      await chain;
    },
    request,
    recordSample: (accountId, sample) => recordLoopSample(state, accountId, sample),
    switchNow() {
      if (!guardHold.allowOnce()) return false;
      events.emit('rotation-held', 'info', 'Switch now: the held switch goes ahead; answer the prompt in your running sessions.');
      void request('switch-now');
      return true;
    },
    switchTo(accountId) {
      const result = pin(deps, state, accountId, emailOf);
      if (result.ok) {
        persist();
        askedWhilePaused = state.paused ? accountId : null;
        void request(accountId === null ? 'unpin' : 'manual');
      }
      return result;
    },
    pause() {
      if (state.paused) return;
      state.paused = true;
      state.pending = null;
      askedWhilePaused = null;
      persist();
      events.emit('rotation-paused', 'info', 'Rotation paused: no automatic switches until it is resumed.');
      deps.onChanged();
    },
    resume() {
      if (!state.paused) return;
      state.paused = false;
      persist();
      events.emit('rotation-resumed', 'info', 'Rotation resumed.');
      deps.onChanged();
      void request('resume');
    },
    isPaused: () => state.paused,
    lastSwitch: () => state.lastSwitch,
    view: () => toRotationView(state),
    settle: () => chain,
  };
}

/** One decision of the policy on the fleet, sessions and settings now, with the loop's memory. */
function decide(deps: RotationLoopDeps, state: LoopState): RotationDecision {
  const settings = deps.settings();
  return decideRotation({
    nowMs: deps.clock.now(),
    accounts: deps.accounts().map((a) => ({ ...a, samples: state.samples.get(a.id) ?? [] })),
    activeAccountId: deps.activeId(),
    pin: state.pinned ? { accountId: state.pinned } : null,
    lastSwitch: state.lastSwitch,
    preferredId: state.preferredId,
    sessions: { blocking: deps.sessions?.blockingSessions(settings.deferralMode) ?? [], recentToolCallMs: state.recentToolCallMs },
    pendingDeferral: state.pending,
    settings: toRotationSettings(settings),
  });
}

/** Pins an account (or unpins with null) in the state; the caller persists and re-decides. */
function pin(
  deps: RotationLoopDeps,
  state: LoopState,
  accountId: string | null,
  emailOf: (id: string | null) => string,
): Result<{ readonly pinnedAccountId: string | null }, ManualSwitchError> {
  if (accountId === null) {
    if (state.pinned)
      deps.events.emit('rotation-unpinned', 'info', `Unpinned ${emailOf(state.pinned)}; rotation is automatic again.`, state.pinned);
    state.pinned = null;
    return ok({ pinnedAccountId: null });
  }
  const meta = deps.metaOf(accountId);
  if (!meta) return err({ kind: 'not-found', message: `No account has the id '${accountId}'.` });
  const account = deps.accounts().find((a) => a.id === accountId);
  if (!meta.enabled || !account?.tokenUsable) {
    return err({
      kind: 'unusable',
      message: `${meta.email} cannot be used now (${!meta.enabled ? 'disabled' : 'it needs a new login'}).`,
    });
  }
  state.pinned = accountId;
  return ok({ pinnedAccountId: accountId });
}

/** A switch (or its deferral during a tool call) to that account. */
function isTo(decision: RotationDecision, accountId: string | null): boolean {
  return accountId !== null && (decision.kind === 'switch' || decision.kind === 'defer') && decision.to === accountId;
}

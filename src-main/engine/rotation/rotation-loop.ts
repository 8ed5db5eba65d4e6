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
import { decideRotation } from './decide-rotation.js';
import { describeDecision } from './describe-decision.js';
import { rememberToolCall, toolCallLengthMs } from './tool-calls.js';
import {
  toLastSwitch,
  toRotationSettings,
  type LastSwitch,
  type PendingDeferral,
  type PolicyAccount,
  type RotationDecision,
  type UsageSample,
} from './rotation-types.js';
/** Samples older than this are dropped (velocity looks back 30 min). */
const SAMPLE_KEEP_MS = 60 * 60_000;

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
  const samples = new Map<string, UsageSample[]>();
  const recentToolCallMs: number[] = [];
  const persisted = deps.store.read().rotation;
  let paused = persisted.paused;
  let pinned = persisted.pinnedAccountId;
  let lastSwitch: LastSwitch | null = toLastSwitch(persisted.lastSwitch);
  let preferredId: string | null = null;
  let pending: (PendingDeferral & { blockedBySessionId: string | null; blockedByTool: string | null }) | null = null;
  let allExhausted: RotationView['allExhausted'] = null;
  let lastDecisionText: string | null = null;
  let failureKey: string | null = null;
  let started = false;
  let timer: TimerHandle | null = null;
  let chain: Promise<void> = Promise.resolve();
  let queued: Promise<void> | null = null;
  let unsubscribeSessions: (() => void) | null = null;

  const emailOf = (id: string | null) => (id === null ? 'an unknown login' : (deps.metaOf(id)?.email ?? id));
  const persist = (): void => {
    const state = deps.store.read();
    deps.store.write({ ...state, rotation: { paused, pinnedAccountId: pinned, lastSwitch } });
  };

  async function decideOnce(): Promise<void> {
    if (!started || paused) return;
    const settings = deps.settings();
    const decision = decideRotation({
      nowMs: clock.now(),
      accounts: deps.accounts().map((a) => ({ ...a, samples: samples.get(a.id) ?? [] })),
      activeAccountId: deps.activeId(),
      pin: pinned ? { accountId: pinned } : null,
      lastSwitch,
      preferredId,
      sessions: { blocking: deps.sessions?.blockingSessions(settings.deferralMode) ?? [], recentToolCallMs },
      pendingDeferral: pending,
      settings: toRotationSettings(settings),
    });
    preferredId = decision.preferredId;
    if (decision.releasePin && pinned) {
      events.emit(
        'rotation-unpinned',
        'warn',
        `${emailOf(pinned)} is no longer usable, so its pin was released and rotation is automatic again.`,
        pinned,
      );
      pinned = null;
      persist();
    }
    lastDecisionText = describeDecision(decision, clock.now(), emailOf);
    trackExhaustion(decision);
    if (decision.kind === 'defer') {
      if (!pending || pending.to !== decision.to) {
        const state = decision.blockedBy.state;
        const tool = state.kind === 'tool' ? state.toolName : null;
        events.emit(
          'switch-deferred',
          'info',
          `Waiting to switch from ${emailOf(decision.from)} to ${emailOf(decision.to)} until session ${decision.blockedBy.sessionId.slice(0, 8)} finishes ${tool ? `its ${tool} call` : 'its turn'}.`,
          decision.to,
          { trigger: decision.trigger, blockedBy: decision.blockedBy.sessionId, tool, blockedCount: decision.blockedCount },
        );
      }
      pending = {
        sinceMs: decision.sinceMs,
        to: decision.to,
        trigger: decision.trigger,
        blockedBySessionId: decision.blockedBy.sessionId,
        blockedByTool: decision.blockedBy.state.kind === 'tool' ? decision.blockedBy.state.toolName : null,
      };
      deps.onChanged();
      return;
    }
    const deferredSince = pending?.sinceMs;
    pending = null;
    if (decision.kind !== 'switch') {
      deps.onChanged();
      return;
    }
    const result = await deps.switcher.switchTo({
      fromId: decision.from,
      toId: decision.to,
      trigger: decision.trigger,
      figures: decision.figures,
      forced: decision.forced,
      ...(decision.velocity ? { velocity: decision.velocity } : {}),
      ...(deferredSince !== undefined ? { deferredForMs: clock.now() - deferredSince } : {}),
    });
    if (result.ok) {
      lastSwitch = { atMs: result.value.atMs, trigger: decision.trigger, fromId: decision.from, toId: decision.to };
      failureKey = null;
      persist();
    } else {
      // Said once per target and reason; the next tick tries again (a dead login is excluded by the policy).
      const key = `${decision.to}:${result.error.kind}`;
      if (key !== failureKey) {
        events.emit('switch-failed', 'error', `Could not switch to ${emailOf(decision.to)}: ${result.error.message}`, decision.to, {
          trigger: decision.trigger,
          reason: result.error.kind,
        });
        failureKey = key;
      }
    }
    deps.onChanged();
  }

  function trackExhaustion(decision: RotationDecision): void {
    if (decision.kind === 'all-exhausted') {
      if (!allExhausted) {
        const back = decision.nextAvailableAt;
        events.emit(
          'all-exhausted',
          'warn',
          `Every account has used its 7-day quota.${back !== null && decision.nextAccountId ? ` ${emailOf(decision.nextAccountId)} comes back at ${new Date(back).toISOString()}.` : ''}`,
          decision.nextAccountId ?? undefined,
          { nextAvailableAtMs: back },
        );
      }
      allExhausted = { nextAvailableAtMs: decision.nextAvailableAt, nextAccountId: decision.nextAccountId };
    } else if (allExhausted) {
      allExhausted = null;
      events.emit('fleet-recovered', 'info', 'An account is usable again; rotation resumes.');
    }
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
          if (lengthMs !== null) rememberToolCall(recentToolCallMs, lengthMs);
          if (pending) void request('session-transition');
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
    recordSample(accountId, sample) {
      const list = (samples.get(accountId) ?? []).filter((s) => s.atMs > sample.atMs - SAMPLE_KEEP_MS && s.atMs <= sample.atMs);
      list.push(sample);
      samples.set(accountId, list);
    },
    switchTo(accountId) {
      if (accountId === null) {
        if (pinned) events.emit('rotation-unpinned', 'info', `Unpinned ${emailOf(pinned)}; rotation is automatic again.`, pinned);
        pinned = null;
        persist();
        void request('unpin');
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
      pinned = accountId;
      persist();
      void request('manual');
      return ok({ pinnedAccountId: accountId });
    },
    pause() {
      if (paused) return;
      paused = true;
      pending = null;
      persist();
      events.emit('rotation-paused', 'info', 'Rotation paused: no automatic switches until it is resumed.');
      deps.onChanged();
    },
    resume() {
      if (!paused) return;
      paused = false;
      persist();
      events.emit('rotation-resumed', 'info', 'Rotation resumed.');
      deps.onChanged();
      void request('resume');
    },
    isPaused: () => paused,
    lastSwitch: () => lastSwitch,
    view: () => ({
      pinnedAccountId: pinned,
      pendingSwitch: pending
        ? {
            toId: pending.to,
            trigger: pending.trigger,
            sinceMs: pending.sinceMs,
            blockedBySessionId: pending.blockedBySessionId,
            blockedByTool: pending.blockedByTool,
          }
        : null,
      allExhausted,
      lastDecision: paused ? 'paused' : lastDecisionText,
      guardHold: null,
    }),
    settle: () => chain,
  };
}

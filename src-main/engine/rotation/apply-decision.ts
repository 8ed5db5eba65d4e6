/**
 * What the rotation loop does with one decision of the policy: remembers it (step-aside, pending
 * deferral, pin release, all-exhausted), says what changed in the event log, and carries out a
 * switch through the switcher.
 */
import type { EngineEvents } from '../engine-events.js';
import type { Clock } from '../ports.js';
import type { StateStore } from '../storage/store-port.js';
import type { Switcher } from '../switching/switcher.js';
import { describeDecision } from './describe-decision.js';
import { persistLoopState, type LoopState } from './loop-state.js';
import type { DeferDecision, RotationDecision, SwitchDecision } from './rotation-types.js';

export interface ApplyDeps {
  readonly clock: Clock;
  readonly events: EngineEvents;
  readonly store: StateStore;
  readonly switcher: Switcher;
  readonly onChanged: () => void;
  /** The account's e-mail for messages ("an unknown login" for null). */
  readonly emailOf: (id: string | null) => string;
}

/** Applies one decision to the loop's state; resolves when any switch it calls for is done. */
export async function applyDecision(deps: ApplyDeps, state: LoopState, decision: RotationDecision): Promise<void> {
  const { events, emailOf } = deps;
  state.preferredId = decision.preferredId;
  if (decision.releasePin && state.pinned) {
    events.emit(
      'rotation-unpinned',
      'warn',
      `${emailOf(state.pinned)} is no longer usable, so its pin was released and rotation is automatic again.`,
      state.pinned,
    );
    state.pinned = null;
    persistLoopState(deps.store, state);
  }
  state.lastDecisionText = describeDecision(decision, deps.clock.now(), emailOf);
  trackExhaustion(deps, state, decision);
  if (decision.kind !== 'switch' && decision.kind !== 'defer') state.guardHold.clear();
  else if (state.guardHold.holds(decision)) {
    // Held by the session-owner guard: no deferral is waited on meanwhile (the hold outlasts it).
    state.pending = null;
    deps.onChanged();
    return;
  }
  if (decision.kind === 'defer') {
    noteDeferral(deps, state, decision);
    deps.onChanged();
    return;
  }
  const deferredSince = state.pending?.sinceMs;
  state.pending = null;
  if (decision.kind === 'switch') await carryOut(deps, state, decision, deferredSince);
  deps.onChanged();
}

/** Remembers a deferral; says so once per target. */
function noteDeferral(deps: ApplyDeps, state: LoopState, decision: DeferDecision): void {
  const blockedState = decision.blockedBy.state;
  const tool = blockedState.kind === 'tool' ? blockedState.toolName : null;
  if (!state.pending || state.pending.to !== decision.to) {
    deps.events.emit(
      'switch-deferred',
      'info',
      `Waiting to switch from ${deps.emailOf(decision.from)} to ${deps.emailOf(decision.to)} ` +
        `until session ${decision.blockedBy.sessionId.slice(0, 8)} finishes ${tool ? `its ${tool} call` : 'its turn'}.`,
      decision.to,
      { trigger: decision.trigger, blockedBy: decision.blockedBy.sessionId, tool, blockedCount: decision.blockedCount },
    );
  }
  state.pending = {
    sinceMs: decision.sinceMs,
    to: decision.to,
    trigger: decision.trigger,
    blockedBySessionId: decision.blockedBy.sessionId,
    blockedByTool: tool,
  };
}

/** Carries out a switch; a failure is said once per target and reason (the next tick tries again). */
async function carryOut(deps: ApplyDeps, state: LoopState, decision: SwitchDecision, deferredSince: number | undefined): Promise<void> {
  const result = await deps.switcher.switchTo({
    fromId: decision.from,
    toId: decision.to,
    trigger: decision.trigger,
    figures: decision.figures,
    forced: decision.forced,
    ...(decision.velocity ? { velocity: decision.velocity } : {}),
    ...(deferredSince !== undefined ? { deferredForMs: deps.clock.now() - deferredSince } : {}),
  });
  if (result.ok) {
    state.guardHold.clear();
    state.lastSwitch = { atMs: result.value.atMs, trigger: decision.trigger, fromId: decision.from, toId: decision.to };
    state.failureKey = null;
    persistLoopState(deps.store, state);
    return;
  }
  // A dead login is excluded by the policy at the next decision.
  const key = `${decision.to}:${result.error.kind}`;
  if (key === state.failureKey) return;
  deps.events.emit('switch-failed', 'error', `Could not switch to ${deps.emailOf(decision.to)}: ${result.error.message}`, decision.to, {
    trigger: decision.trigger,
    reason: result.error.kind,
  });
  state.failureKey = key;
}

/** Says when the whole fleet is exhausted (once) and when an account is usable again. */
function trackExhaustion(deps: ApplyDeps, state: LoopState, decision: RotationDecision): void {
  if (decision.kind === 'all-exhausted') {
    if (!state.allExhausted) {
      const back = decision.nextAvailableAt;
      deps.events.emit(
        'all-exhausted',
        'warn',
        'Every account has used its 7-day quota.' +
          (back !== null && decision.nextAccountId
            ? ` ${deps.emailOf(decision.nextAccountId)} comes back at ${new Date(back).toISOString()}.`
            : ''),
        decision.nextAccountId ?? undefined,
        { nextAvailableAtMs: back },
      );
    }
    state.allExhausted = { nextAvailableAtMs: decision.nextAvailableAt, nextAccountId: decision.nextAccountId };
  } else if (state.allExhausted) {
    state.allExhausted = null;
    deps.events.emit('fleet-recovered', 'info', 'An account is usable again; rotation resumes.');
  }
}

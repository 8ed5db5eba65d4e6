/**
 * The real rotation policy (`decideRotation`) as a benchmark strategy. It carries the decision
 * memory from one call to the next exactly as the rotation loop must: `preferredId` from every
 * decision, `pendingDeferral` from a `defer` (cleared by anything else), `lastSwitch` from each
 * switch carried out, and the pin cleared when a decision says `releasePin` (the replay never pins).
 */
import { decideRotation } from '../rotation/decide-rotation.js';
import {
  ROTATION_DEFAULTS,
  type LastSwitch,
  type PendingDeferral,
  type RotationDecision,
  type RotationInput,
  type RotationSettings,
} from '../rotation/rotation-types.js';
import type { Strategy } from './strategy-types.js';

export interface PolicyStrategyOptions {
  readonly settings?: RotationSettings;
  /** The policy function; default the real `decideRotation` (an experimental copy may be passed). */
  readonly decide?: (input: RotationInput) => RotationDecision;
  readonly name?: string;
}

/** Wraps the policy; each call is one `decideRotation` with the memory of the previous calls. */
export function createPolicyStrategy(options: PolicyStrategyOptions = {}): Strategy {
  const settings = options.settings ?? ROTATION_DEFAULTS;
  const decide = options.decide ?? decideRotation;
  let preferredId: string | null = null;
  let pendingDeferral: PendingDeferral | null = null;
  let lastSwitch: LastSwitch | null = null;
  let pin: { readonly accountId: string } | null = null;
  return {
    name: options.name ?? 'ccmax policy',
    definition:
      'decideRotation (src-main/engine/rotation) with default settings: burn in 7d-reset order, step aside at 5h ≥ ' +
      `${settings.fiveHourThresholdPct} %, velocity, hysteresis ${settings.hysteresisPct} pts, dwell ${settings.minDwellMs / 60_000} min, ` +
      'defer during tool calls only while the active account is projected to stay below 100 % until the call likely ends; ' +
      'switch ahead at moments with no tool call running.',
    decide(view) {
      const decision = decide({
        nowMs: view.nowMs,
        accounts: view.accounts,
        activeAccountId: view.activeId,
        pin,
        lastSwitch,
        preferredId,
        sessions: { blocking: view.blocking, recentToolCallMs: view.recentToolCallMs },
        pendingDeferral,
        settings,
      });
      preferredId = decision.preferredId;
      if (decision.releasePin) pin = null;
      switch (decision.kind) {
        case 'switch':
          pendingDeferral = null;
          lastSwitch = { atMs: view.nowMs, trigger: decision.trigger, fromId: decision.from, toId: decision.to };
          return { kind: 'switch', to: decision.to, label: `switch:${decision.trigger}`, forced: decision.forced };
        case 'defer':
          pendingDeferral = { sinceMs: decision.sinceMs, to: decision.to, trigger: decision.trigger };
          return { kind: 'wait', label: `defer:${decision.trigger}` };
        case 'stay':
          pendingDeferral = null;
          return { kind: 'stay', label: `stay:${decision.reason}` };
        case 'all-exhausted':
          pendingDeferral = null;
          return { kind: 'stay', label: 'all-exhausted' };
      }
    },
  };
}

/**
 * The two baselines the policy is measured against. Both act on the same readings as the policy,
 * switch at once when they decide to, and ignore tool calls altogether.
 */
import type { PolicyAccount } from '../../../src-main/engine/rotation/rotation-types.js';
import { readsFull, type Strategy, type StrategyMove, type StrategyView } from '../../../src-main/engine/replay/strategy-types.js';

/**
 * Round-robin: every `periodMs` since its last switch, move to the next account in the fixed
 * account order; move at once, too, when the active account reads 100 % of a window. Either way the
 * target is the next account in order (cyclically) that does not read 100 % of a window; with none,
 * stay and try again at the next step.
 */
export function createRoundRobin(periodMs: number): Strategy {
  let lastSwitchAtMs: number | null = null;
  return {
    name: 'round-robin',
    definition:
      `every ${periodMs / 3_600_000} h since its last switch, or at once when the active account reads 100 % of a window, ` +
      'move to the next account in the fixed order (A→B→…→A) that does not read 100 %; none: stay. Ignores tool calls.',
    decide(view) {
      lastSwitchAtMs ??= view.nowMs;
      const full = readsFull(activeOf(view), view.nowMs);
      const due = view.nowMs - lastSwitchAtMs >= periodMs;
      if (!full && !due) return { kind: 'stay', label: 'stay:period-running' };
      const move = moveToNextServable(view, full ? 'switch:full' : 'switch:period');
      if (move.kind === 'switch') lastSwitchAtMs = view.nowMs;
      return move;
    },
  };
}

/**
 * Switch only at 100 %: stay on the active account until it reads 100 % of a window, then move to
 * the next account in the fixed order (cyclically) that does not read 100 %; with none, stay.
 */
export function createSwitchAtFull(): Strategy {
  return {
    name: 'switch at 100 %',
    definition:
      'stay until the active account reads 100 % of a window, then move to the next account in the fixed order ' +
      'that does not read 100 %; none: stay. Ignores tool calls.',
    decide(view) {
      if (!readsFull(activeOf(view), view.nowMs)) return { kind: 'stay', label: 'stay:not-full' };
      return moveToNextServable(view, 'switch:full');
    },
  };
}

function activeOf(view: StrategyView): PolicyAccount {
  const active = view.accounts.find((a) => a.id === view.activeId);
  if (!active) throw new Error(`active account ${view.activeId} is not in the fleet`);
  return active;
}

/** The next account after the active one, in the fixed order, that does not read 100 %. */
function moveToNextServable(view: StrategyView, label: string): StrategyMove {
  const n = view.accounts.length;
  const start = view.accounts.findIndex((a) => a.id === view.activeId);
  for (let k = 1; k < n; k++) {
    const candidate = view.accounts[(start + k) % n];
    if (candidate && !readsFull(candidate, view.nowMs)) return { kind: 'switch', to: candidate.id, label, forced: false };
  }
  return { kind: 'stay', label: 'stay:none-servable' };
}

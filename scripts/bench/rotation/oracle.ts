/**
 * The reference lines of the sweep: the oracle (the floor for avoidable limit-minutes of any
 * strategy that burns an account to its limit) and the ideal expired-unused share (the capacity no
 * strategy could have used). Both read the true windows; neither is something the monitor could run.
 */
import { SEVEN_DAY_MS } from '../../../src-main/engine/replay/usage-model.js';
import type { BenchAccount } from './bench-fleet.js';
import type { Demand } from './demand.js';
import { isFull } from '../../../src-main/engine/replay/replay-metrics.js';
import type { Strategy } from '../../../src-main/engine/replay/strategy-types.js';

/**
 * Oracle: reads the true windows and, whenever the active account is at 100 % of a window and
 * another is not, switches at once to the one whose 7d window resets first; ignores tool calls.
 * Switching at the step tick is as good as switching at the very instant for the measure: the step
 * in which an account reaches its limit under load is a limit-minute either way.
 */
export function createOracle(): Strategy {
  return {
    name: 'oracle',
    seesTruth: true,
    definition:
      'reads the true windows; when the active account is at 100 % of a window and another is not, switches at once to the ' +
      'one whose 7d window resets first. Ignores tool calls. The floor for a strategy that uses an account up to its limit.',
    decide(view) {
      const truth = view.truth;
      if (!truth) throw new Error('the oracle needs the true windows');
      const activeIndex = view.accounts.findIndex((a) => a.id === view.activeId);
      const active = truth[activeIndex];
      if (!active || !isFull(active)) return { kind: 'stay', label: 'stay:not-full' };
      let best = -1;
      truth.forEach((w, i) => {
        if (i === activeIndex || isFull(w)) return;
        if (best < 0 || w.sevenDayResetsAtMs < (truth[best]?.sevenDayResetsAtMs ?? Infinity)) best = i;
      });
      const to = view.accounts[best]?.id;
      return to === undefined ? { kind: 'stay', label: 'stay:all-full' } : { kind: 'switch', to, label: 'switch:full', forced: false };
    },
  };
}

/**
 * The ideal expired-unused share: the demand served by whichever account's 7d window resets first
 * (split between accounts at will, no 5h limit, no reading lag), so the only capacity left when a
 * window resets is capacity the demand could not reach. Measured over the same windows as the
 * replay (those that reset inside it, a first window from what it had left at the start). A lower
 * bound for every strategy.
 */
export function idealExpiredUnusedPct(fleet: readonly BenchAccount[], demand: Demand): number {
  const initialRemaining = fleet.map((a) => (1 - Math.min(100, a.initialWindows.sevenDayPct) / 100) * a.weeklyCapacityLoadHours);
  const remaining = [...initialRemaining];
  const resetsAt = fleet.map((a) => a.initialWindows.sevenDayResetsAtMs);
  let measuredLh = 0;
  let expiredLh = 0;
  const stepHours = demand.stepMs / 3_600_000;
  for (let step = 0; step < demand.stepCount; step++) {
    const endMs = demand.startMs + (step + 1) * demand.stepMs;
    let need = (demand.loadPerStep[step] ?? 0) * stepHours;
    const byReset = fleet.map((_, i) => i).sort((a, b) => (resetsAt[a] ?? 0) - (resetsAt[b] ?? 0));
    for (const i of byReset) {
      if (need <= 0) break;
      const take = Math.min(need, remaining[i] ?? 0);
      remaining[i] = (remaining[i] ?? 0) - take;
      need -= take;
    }
    fleet.forEach((account, i) => {
      const resetMs = resetsAt[i] ?? Infinity;
      if (resetMs > endMs) return;
      measuredLh += resetMs - SEVEN_DAY_MS >= demand.startMs ? account.weeklyCapacityLoadHours : (initialRemaining[i] ?? 0);
      expiredLh += remaining[i] ?? 0;
      remaining[i] = account.weeklyCapacityLoadHours;
      resetsAt[i] = resetMs + SEVEN_DAY_MS;
    });
  }
  return measuredLh > 0 ? (100 * expiredLh) / measuredLh : 0;
}

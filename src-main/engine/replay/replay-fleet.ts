/** The fleet a what-if replay runs: the recorded accounts, some left out or some added. Pure. */
import type { ReplaySource } from '../history/history-types.js';
import { max20xShare } from '../../shared/plan-capacity.js';
import type { RebuiltDemand } from './history-demand.js';
import type { SimAccount } from './sim-inputs.js';
import { SEVEN_DAY_MS, type SimWindows } from './usage-model.js';

export interface ReplayFleet {
  readonly accounts: readonly SimAccount[];
  /** Ids of the accounts the what-if added. */
  readonly added: ReadonlySet<string>;
  readonly emails: ReadonlyMap<string, string | null>;
}

/**
 * Rates of an account of `plan` at load 1 (a load of 1 raises a Max 20x weekly window by 1 % an
 * hour): a smaller plan fills both windows faster by the same factor.
 */
function simAccount(id: string, plan: string, fiveHourPerSevenDay: number, initialWindows: SimWindows): SimAccount {
  const share = max20xShare(plan);
  return {
    id,
    email: id,
    tier: plan,
    rates: { sevenDayPctPerHour: 1 / share, fiveHourPctPerHour: fiveHourPerSevenDay / share },
    weeklyCapacityLoadHours: 100 * share,
    initialWindows,
  };
}

/**
 * Where an added account's week resets: in the middle of the widest gap between the others'
 * weekly resets (so it covers the part of the week the fleet covers worst), with its window used
 * as if burned at a steady pace since it opened (so its first week offers no spare capacity the
 * others lack).
 */
function addedWindows(resets: readonly number[], startMs: number): SimWindows {
  const offsets = resets.map((r) => (((r - startMs) % SEVEN_DAY_MS) + SEVEN_DAY_MS) % SEVEN_DAY_MS).sort((a, b) => a - b);
  let resetOffset = SEVEN_DAY_MS / 2;
  if (offsets.length > 0) {
    let widest = -1;
    offsets.forEach((o, i) => {
      const next = i + 1 < offsets.length ? (offsets[i + 1] ?? o) : (offsets[0] ?? o) + SEVEN_DAY_MS;
      if (next - o > widest) {
        widest = next - o;
        resetOffset = (o + (next - o) / 2) % SEVEN_DAY_MS;
      }
    });
  }
  const resetMs = startMs + Math.max(60_000, resetOffset);
  return {
    fiveHourPct: 0,
    fiveHourResetsAtMs: null,
    sevenDayPct: (100 * (SEVEN_DAY_MS - (resetMs - startMs))) / SEVEN_DAY_MS,
    sevenDayResetsAtMs: resetMs,
  };
}

/**
 * The recorded fleet with `delta` accounts added (of `addPlan`) or, when negative, the last `-delta`
 * accounts in the fleet's order left out (at least one account stays).
 */
export function buildReplayFleet(source: ReplaySource, rebuilt: RebuiltDemand, delta: number, addPlan: string): ReplayFleet {
  const ratio = rebuilt.fiveHourPerSevenDayPct;
  const kept = delta < 0 ? source.accounts.slice(0, Math.max(1, source.accounts.length + delta)) : source.accounts;
  const accounts: SimAccount[] = kept.map((a) => {
    const windows = rebuilt.initialWindows.get(a.id) ?? addedWindows([], source.fromMs);
    return simAccount(a.id, a.plan ?? 'Max 20x', ratio, windows);
  });
  const emails = new Map<string, string | null>(kept.map((a) => [a.id, a.email]));
  const added = new Set<string>();
  for (let i = 1; i <= delta; i++) {
    const id = `added-${i}`;
    const windows = addedWindows(
      accounts.map((a) => a.initialWindows.sevenDayResetsAtMs),
      source.fromMs,
    );
    accounts.push(simAccount(id, addPlan, ratio, windows));
    emails.set(id, null);
    added.add(id);
  }
  return { accounts, added, emails };
}

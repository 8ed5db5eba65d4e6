/** The order accounts will be used in (PRODUCT §2 "Order"), as a pure function. */
import type { ApiError, UsageWindow } from '../anthropic/api-types.js';
import type { OrderGroup } from '../../shared/view-model.js';
import { isWindowExhausted, toEffectiveWindow } from '../usage/effective-window.js';

/** What the order needs to know about one account. */
export interface RotationCandidate {
  readonly id: string;
  readonly email: string;
  readonly enabled: boolean;
  /** False when the stored login is dead or missing (needs login). */
  readonly tokenUsable: boolean;
  /** The last good 7-day window; null when never read or not reported. */
  readonly sevenDay: UsageWindow | null;
  /** True once any successful usage reading exists for the account. */
  readonly hasReading: boolean;
  /** The kind of the latest poll failure that came after the last good reading; null when none. */
  readonly lastErrorKind: ApiError['kind'] | null;
}

export interface RotationPlace<T extends RotationCandidate> {
  readonly account: T;
  readonly group: OrderGroup;
}

/**
 * Which group an account falls in at `nowMs`.
 * - `unusable`: disabled; login dead or missing; or rejected (`unauthorized`) with no good reading
 *   ever — such an account has never shown it can be used. A transient failure (network, timeout,
 *   rate limit, bad response) never demotes an account: its last good figures still stand, and an
 *   account never read at all counts as usable with unknown figures.
 * - `exhausted`: 7d ≥ 100 % in its effective window (a passed reset counts as reset).
 * - `usable`: everything else, including unknown 7d.
 */
export function toOrderGroup(account: RotationCandidate, nowMs: number): OrderGroup {
  if (!account.enabled || !account.tokenUsable) return 'unusable';
  if (!account.hasReading && account.lastErrorKind === 'unauthorized') return 'unusable';
  return isWindowExhausted(toEffectiveWindow(account.sevenDay, nowMs)) ? 'exhausted' : 'usable';
}

const GROUP_RANK: Readonly<Record<OrderGroup, number>> = { usable: 0, exhausted: 1, unusable: 2 };

/**
 * Sorts accounts into rotation order: usable by 7-day reset soonest first (unknown reset last),
 * then exhausted by the time they come back (their 7d reset; unknown last), then unusable.
 * Ties break by email (case-insensitive), then id, so the order is stable across polls. Does not mutate its input.
 */
export function toRotationOrder<T extends RotationCandidate>(accounts: readonly T[], nowMs: number): RotationPlace<T>[] {
  const places = accounts.map((account) => ({
    account,
    group: toOrderGroup(account, nowMs),
    resetsAtMs: toEffectiveWindow(account.sevenDay, nowMs)?.resetsAtMs ?? null,
  }));
  places.sort((a, b) => {
    const byGroup = GROUP_RANK[a.group] - GROUP_RANK[b.group];
    if (byGroup !== 0) return byGroup;
    if (a.group !== 'unusable') {
      const byReset = compareNullableLast(a.resetsAtMs, b.resetsAtMs);
      if (byReset !== 0) return byReset;
    }
    return compareText(a.account.email.toLowerCase(), b.account.email.toLowerCase()) || compareText(a.account.id, b.account.id);
  });
  return places.map(({ account, group }) => ({ account, group }));
}

function compareNullableLast(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a - b;
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

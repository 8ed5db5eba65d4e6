/**
 * Which account was active when: rotation moves Claude Code between accounts during the simulated
 * day, so each usage call is counted as an active or a parked one by the account's role at that
 * instant, and each account's active and parked hours are summed. Pure.
 */

export interface ActiveChange {
  readonly atMs: number;
  /** Null: Claude Code used none of the accounts. */
  readonly accountId: string | null;
}

export interface RoleTally {
  readonly activeMs: number;
  readonly parkedMs: number;
  readonly activeCalls: number;
  readonly parkedCalls: number;
}

/** The account active at `atMs`: the last change at or before it (changes sorted by time). */
export function activeAt(changes: readonly ActiveChange[], atMs: number): string | null {
  let id: string | null = null;
  for (const c of changes) {
    if (c.atMs > atMs) break;
    id = c.accountId;
  }
  return id;
}

/**
 * Tallies each account's active/parked time over [fromMs, toMs) and its usage calls (their times)
 * by the role it had when each call arrived.
 */
export function toRoleTallies(
  accountIds: readonly string[],
  changes: readonly ActiveChange[],
  callTimesByAccount: ReadonlyMap<string, readonly number[]>,
  fromMs: number,
  toMs: number,
): Map<string, RoleTally> {
  const activeMs = new Map<string, number>();
  const bounded = changes.filter((c) => c.atMs < toMs);
  for (let i = 0; i < bounded.length; i++) {
    const c = bounded[i];
    if (!c || c.accountId === null) continue;
    const start = Math.max(fromMs, c.atMs);
    const end = Math.min(toMs, bounded[i + 1]?.atMs ?? toMs);
    if (end > start) activeMs.set(c.accountId, (activeMs.get(c.accountId) ?? 0) + end - start);
  }
  const tallies = new Map<string, RoleTally>();
  for (const id of accountIds) {
    const calls = (callTimesByAccount.get(id) ?? []).filter((t) => t >= fromMs && t < toMs);
    const activeCalls = calls.filter((t) => activeAt(bounded, t) === id).length;
    const active = activeMs.get(id) ?? 0;
    tallies.set(id, { activeMs: active, parkedMs: toMs - fromMs - active, activeCalls, parkedCalls: calls.length - activeCalls });
  }
  return tallies;
}

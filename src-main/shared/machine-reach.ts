/**
 * When a machine of a several-machine fleet has been out of reach longer than its login allows:
 * it is disconnected (not revoked) and the access token it holds has expired, so the hub could not
 * keep it fresh. Pure, shared by the hub (the event and the tray notice), `status` and the dashboard.
 */
import type { MachineView } from './machines-view.js';

/**
 * The access-token lifetime the token endpoint answers (`expires_in` 28800 s; docs/CLAUDE-CODE.md), the
 * bound used when the hub does not know when the machine's token expires: it was fresh at most when last seen.
 */
export const ACCESS_TOKEN_LIFETIME_MS = 8 * 3_600_000;

/** When the login `m` holds runs out: its token's expiry when known, else last seen + a full lifetime; null when it holds none. */
export function loginRunsOutAtMs(m: MachineView): number | null {
  if (m.held === null) return null;
  return m.heldExpiresAtMs ?? m.lastSeenMs + ACCESS_TOKEN_LIFETIME_MS;
}

/** True when `m` is disconnected, not revoked, and the login it holds ran out at `nowMs`. */
export function isOutOfReach(m: MachineView, nowMs: number): boolean {
  if (m.connected || m.revoked) return false;
  const runsOutAtMs = loginRunsOutAtMs(m);
  return runsOutAtMs !== null && nowMs >= runsOutAtMs;
}

/** True when `m` holds an older generation of the account it holds than the one the hub assigns now. */
export function isBehind(m: MachineView): boolean {
  return m.held !== null && m.currentGeneration !== undefined && m.held.generation < m.currentGeneration;
}

/** One outage of one machine: the same key until it connects again (its last-seen time does not move meanwhile). */
export function outageKey(m: MachineView): string {
  return `${m.id}:${m.lastSeenMs}`;
}

/** What {@link decideOutOfReach} found: machines newly out of reach, and the outages announced so far. */
export interface ReachDecision {
  readonly newlyOutOfReach: readonly MachineView[];
  /** Outage keys ({@link outageKey}) announced and still current; carry into the next call. */
  readonly announced: ReadonlySet<string>;
}

/**
 * The machines that went out of reach since the last call, once per outage: an outage already in
 * `announced` is not repeated; one that ended (the machine reconnected, or was revoked) is forgotten.
 */
export function decideOutOfReach(machines: readonly MachineView[], nowMs: number, announced: ReadonlySet<string>): ReachDecision {
  const out = machines.filter((m) => isOutOfReach(m, nowMs));
  return {
    newlyOutOfReach: out.filter((m) => !announced.has(outageKey(m))),
    announced: new Set(out.map(outageKey)),
  };
}

/**
 * The Machines panel's words for each machine of a hub (pure: snapshot and `nowMs` in, rows out):
 * its state (connected, lagging, last seen, out of reach, revoked), the login it holds (account,
 * generation, fingerprint; "behind" when older than the one assigned now), its live sessions, lag.
 */
import { isBehind, isOutOfReach, loginRunsOutAtMs } from '../../src-main/shared/machine-reach.js';
import type { MachineView } from '../../src-main/shared/machines-view.js';
import type { FleetSnapshot } from '../../src-main/shared/view-model.js';
import { formatDuration } from '../../src-main/shared/format.js';
import { formatAge } from './format.js';
import { accountName } from './rotation-story.js';

export type MachineStateKind = 'connected' | 'lagging' | 'away' | 'out-of-reach' | 'revoked';

export interface MachineRow {
  readonly id: string;
  readonly host: string;
  readonly stateKind: MachineStateKind;
  /** `connected`, `lagging`, `last seen 12m ago`, `out of reach 9h 0m`, `revoked`. */
  readonly stateText: string;
  readonly agentVersion: string;
  /** `Blake · gen 12`, or null when it confirmed no login yet. */
  readonly holds: string | null;
  readonly fingerprint: string | null;
  /** `behind: gen 12 is current`, or null. */
  readonly behind: string | null;
  readonly liveSessions: number;
  /** `push waiting 4s`, or null. */
  readonly lag: string | null;
  /** The sentence of the out-of-reach notice, or null. */
  readonly outOfReach: string | null;
  readonly demo: boolean;
  readonly revoked: boolean;
}

/** True when the panel has anything to show: this monitor has or had machines. */
export function hasMachines(snapshot: FleetSnapshot | null): boolean {
  return (snapshot?.machines?.length ?? 0) > 0;
}

export function toMachineRows(snapshot: FleetSnapshot, nowMs: number): MachineRow[] {
  const sessionsOn = new Map<string, number>();
  for (const s of snapshot.sessions) if (s.machineId !== undefined) sessionsOn.set(s.machineId, (sessionsOn.get(s.machineId) ?? 0) + 1);
  const nameOf = (accountId: string): string => {
    const row = snapshot.accounts.find((a) => a.id === accountId);
    return row ? accountName(row) : accountId.slice(0, 8);
  };
  return (snapshot.machines ?? []).map((m) => toRow(m, nowMs, sessionsOn.get(m.id) ?? 0, nameOf));
}

function toRow(m: MachineView, nowMs: number, liveSessions: number, nameOf: (accountId: string) => string): MachineRow {
  const out = isOutOfReach(m, nowMs);
  const [stateKind, stateText] = stateOf(m, nowMs, out);
  const runsOutAtMs = loginRunsOutAtMs(m);
  return {
    id: m.id,
    host: m.host,
    stateKind,
    stateText,
    agentVersion: m.agentVersion,
    holds: m.held ? `${nameOf(m.held.accountId)} · gen ${m.held.generation}` : null,
    fingerprint: m.held?.fingerprint ?? null,
    behind: isBehind(m) ? `behind: gen ${m.currentGeneration ?? ''} is current` : null,
    liveSessions,
    lag: m.connected && m.lagMs > 0 ? `push waiting ${formatDuration(m.lagMs)}` : null,
    outOfReach:
      out && runsOutAtMs !== null
        ? `Its login ran out ${formatAge(runsOutAtMs, nowMs)} while it was away: its Claude Code cannot make requests until it reconnects (nothing is revoked).`
        : null,
    demo: m.demo === true,
    revoked: m.revoked,
  };
}

function stateOf(m: MachineView, nowMs: number, out: boolean): [MachineStateKind, string] {
  if (m.revoked) return ['revoked', 'revoked'];
  if (m.connected) return m.lagging ? ['lagging', 'lagging'] : ['connected', 'connected'];
  if (out) return ['out-of-reach', `out of reach · last seen ${formatAge(m.lastSeenMs, nowMs)}`];
  return ['away', `last seen ${formatAge(m.lastSeenMs, nowMs)}`];
}

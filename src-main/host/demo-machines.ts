/**
 * Demo mode's machines (clearly made up: `demo` is set and each host name says so), so the
 * dashboard's Machines panel, `status` and the out-of-reach notice have something to show: one
 * agent up to date, one lagging a generation behind, one out of reach longer than its login lasts.
 * Nothing connects and nothing is written; "revoke" only marks the made-up machine revoked.
 */
import { type Clock, fingerprint, type MachinesSource, PRODUCT_VERSION } from '../engine/index.js';
import type { FleetSimulator } from '../demo/fleet-simulator.js';
import type { MachineView } from '../shared/machines-view.js';

const HOUR_MS = 3_600_000;
/** The generation the made-up hub assigns now for the active account. */
const DEMO_GENERATION = 12;

export interface DemoMachines {
  readonly source: MachinesSource;
  /** Tells subscribers the machines changed (the snapshot re-publishes). */
  changed(): void;
}

export function createDemoMachines(
  simulator: Pick<FleetSimulator, 'activeAccountId' | 'accounts' | 'credentials'>,
  clock: Clock,
): DemoMachines {
  const startMs = clock.now();
  const revoked = new Set<string>();
  const listeners = new Set<() => void>();
  const changed = (): void => {
    for (const listener of listeners) listener();
  };

  const list = (nowMs: number): readonly MachineView[] => {
    const active = simulator.activeAccountId();
    if (active === null) return [];
    const login = simulator.credentials(active);
    const other = simulator.accounts().find((a) => a.accountUuid !== active)?.accountUuid ?? active;
    const lastSeenMs = startMs - 9 * HOUR_MS;
    const machines: MachineView[] = [
      {
        id: 'demo-build-server',
        host: 'build-server (demo)',
        agentVersion: PRODUCT_VERSION,
        connected: true,
        lastSeenMs: nowMs,
        held: { accountId: active, generation: DEMO_GENERATION, fingerprint: fingerprint(login.accessToken) },
        heldExpiresAtMs: login.expiresAtMs,
        currentGeneration: DEMO_GENERATION,
        lagging: false,
        lagMs: 0,
        revoked: false,
      },
      {
        id: 'demo-laptop',
        host: 'laptop (demo)',
        agentVersion: PRODUCT_VERSION,
        connected: true,
        lastSeenMs: nowMs,
        held: { accountId: active, generation: DEMO_GENERATION - 1, fingerprint: fingerprint(`demo-older-${active}`) },
        heldExpiresAtMs: login.expiresAtMs - HOUR_MS,
        currentGeneration: DEMO_GENERATION,
        lagging: true,
        lagMs: 4_200,
        revoked: false,
      },
      {
        id: 'demo-old-desktop',
        host: 'old-desktop (demo)',
        agentVersion: '0.9.0',
        connected: false,
        lastSeenMs,
        held: { accountId: other, generation: 4, fingerprint: fingerprint(`demo-desktop-${other}`) },
        heldExpiresAtMs: lastSeenMs + HOUR_MS,
        lagging: false,
        lagMs: 0,
        revoked: false,
      },
    ];
    return machines.map((m) => ({
      ...m,
      demo: true,
      ...(revoked.has(m.id) ? { revoked: true, connected: false, lagging: false, lagMs: 0 } : {}),
    }));
  };

  return {
    source: {
      list: () => list(clock.now()),
      revoke(machineId) {
        if (!list(startMs).some((m) => m.id === machineId)) return false;
        revoked.add(machineId);
        changed();
        return true;
      },
      subscribe(onChange) {
        listeners.add(onChange);
        return () => void listeners.delete(onChange);
      },
    },
    changed,
  };
}

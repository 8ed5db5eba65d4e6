/**
 * A monitor's machines: the hub for agents on other machines (when it has a token), or demo mode's
 * made-up ones; what the engine is told about them, and the out-of-reach watch over them.
 */
import {
  type Clock,
  defaultCredentialTarget,
  type MachinesSource,
  defaultIdentityTarget,
  type Logger,
  PRODUCT_VERSION,
} from '../engine/index.js';
import { createAssignmentSource } from '../server/assignment-source.js';
import { createMachineRegistry } from '../server/machine-registry.js';
import { createMachinesHub, type MachinesHub } from '../server/machines-hub.js';
import type { FleetSimulator } from '../demo/fleet-simulator.js';
import { createDemoMachines } from './demo-machines.js';
import { watchMachineReach, type MachineReachWatch } from './machine-reach-watch.js';
import type { OpenEngineOptions, OpenedEngine } from './open-engine.js';

export interface MachinesPlan {
  /** Spread into `openEngine`'s options: a hub refreshes the active account too; the snapshot lists the machines. */
  readonly engineOptions: Pick<OpenEngineOptions, 'refreshActive' | 'machines'>;
  /** After the engine opened: opens the hub (null when this monitor is none) and starts the out-of-reach watch. */
  open(opened: OpenedEngine, dataDir: string, platform: NodeJS.Platform, logger: Logger): MachinesHub | null;
  /** Stops the watch (the hub closes with the server). */
  dispose(): void;
}

/** `hub`: agents may connect (a token, no other monitor); `demo`: the sandbox's simulator when in demo mode. */
export function planMachines(options: {
  readonly hub: boolean;
  readonly demo: FleetSimulator | null;
  readonly clock: Clock;
}): MachinesPlan {
  const { clock } = options;
  let hub: MachinesHub | null = null;
  let watch: MachineReachWatch | null = null;
  const port = createMachinesPort(() => hub);
  // A real hub wins over the demo's made-up machines (`serve --demo --token` takes real agents).
  const demo = !options.hub && options.demo ? createDemoMachines(options.demo, clock) : null;
  const shown = options.hub ? port : demo;
  return {
    engineOptions: options.hub
      ? { refreshActive: { onLoginWritten: () => void hub?.sync() }, machines: port.source }
      : demo
        ? { machines: demo.source }
        : {},
    open(opened, dataDir, platform, logger) {
      if (options.hub) hub = openMachinesHub(opened, dataDir, platform, clock, logger, port.changed);
      if (shown) watch = watchMachineReach({ source: shown.source, clock, events: opened.eventLog, logger, changed: shown.changed });
      return hub;
    },
    dispose: () => watch?.dispose(),
  };
}

export function openMachinesHub(
  opened: OpenedEngine,
  dataDir: string,
  platform: NodeJS.Platform,
  clock: Clock,
  logger: Logger,
  onChange?: () => void,
): MachinesHub {
  const source = createAssignmentSource({
    engine: opened.engine,
    credentialsTarget: defaultCredentialTarget(platform, opened.claudePaths, logger),
    identityTarget: defaultIdentityTarget(opened.claudePaths, logger),
    logger,
  });
  return createMachinesHub({
    registry: createMachineRegistry(dataDir, logger),
    source,
    clock,
    logger,
    events: opened.eventLog,
    hubVersion: PRODUCT_VERSION,
    ...(onChange ? { onChange } : {}),
  });
}

/** The engine's view of a hub's machines, made before the hub exists: `changed` re-publishes the snapshot. */
export function createMachinesPort(hub: () => MachinesHub | null): { readonly source: MachinesSource; readonly changed: () => void } {
  const listeners = new Set<() => void>();
  return {
    source: {
      list: () => hub()?.list() ?? [],
      revoke: (machineId) => hub()?.revoke(machineId) ?? false,
      subscribe(onChange) {
        listeners.add(onChange);
        return () => void listeners.delete(onChange);
      },
    },
    changed: () => {
      for (const listener of listeners) listener();
    },
  };
}

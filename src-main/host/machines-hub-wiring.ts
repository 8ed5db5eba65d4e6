/** Opens the hub for agents on other machines over an opened engine: its registry, the login source and events. */
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
import type { OpenedEngine } from './open-engine.js';

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

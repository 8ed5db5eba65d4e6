/** Opens the hub for agents on other machines over an opened engine: its registry, the login source and events. */
import { type Clock, defaultCredentialTarget, defaultIdentityTarget, type Logger, PRODUCT_VERSION } from '../engine/index.js';
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
  });
}

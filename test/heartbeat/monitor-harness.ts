/** A real heartbeat monitor (registry + core + ws listener) on 127.0.0.1 port 0, for client tests. */
import { silentLogger, systemClock } from '../../src-main/engine/ports.js';
import { createHeartbeatCore, type HeartbeatCoreOptions } from '../../src-main/engine/sessions/heartbeat-core.js';
import { createHeartbeatListener } from '../../src-main/server/heartbeat-socket.js';
import type { ClientMessage } from '../../src-main/shared/heartbeat-protocol.js';
import { createSessionRegistry } from '../../src-main/engine/sessions/session-registry.js';
import { RecordingSink } from '../sessions/message-builders.js';

export async function startMonitor(core: Partial<HeartbeatCoreOptions> = {}) {
  const sink = new RecordingSink();
  const registry = createSessionRegistry({
    clock: systemClock,
    logger: silentLogger,
    events: sink,
    activeAccount: { accountId: () => 'acct-1' },
  });
  const received: ClientMessage[] = [];
  const recording = {
    apply: (m: ClientMessage) => {
      received.push(m);
      return registry.apply(m);
    },
  };
  const heartbeatCore = createHeartbeatCore({ registry: recording, clock: systemClock, logger: silentLogger, ...core });
  const listener = createHeartbeatListener({ core: heartbeatCore, logger: silentLogger, token: null });
  const { url, port } = await listener.listen();
  return {
    url,
    port,
    registry,
    received,
    sink,
    async stop() {
      await listener.dispose();
      registry.dispose();
    },
  };
}

export async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

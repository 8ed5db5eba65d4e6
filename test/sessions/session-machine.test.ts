/**
 * Sessions name their machine: a session whose hooks an agent relays (through the hub's relay into
 * the hub's heartbeat core and registry) carries that machine's id in the snapshot's session view;
 * the hub's own sessions carry none.
 */
import { describe, expect, it } from 'vitest';
import { agentPeer, createHeartbeatCore } from '../../src-main/engine/index.js';
import { silentLogger } from '../../src-main/engine/ports.js';
import { createSessionRegistry } from '../../src-main/engine/sessions/session-registry.js';
import { createConnectionRelay } from '../../src-main/server/hub-relay.js';
import { FakeClock, flushMicrotasks } from '../fakes/fake-clock.js';
import { RecordingSink, msg } from './message-builders.js';

function hub() {
  const clock = new FakeClock();
  const registry = createSessionRegistry({
    clock,
    logger: silentLogger,
    events: new RecordingSink(),
    activeAccount: { accountId: () => 'acct-1' },
  });
  const core = createHeartbeatCore({ registry, clock, logger: silentLogger });
  return { clock, registry, core };
}

describe('sessions name their machine', () => {
  it('a session relayed by the agent of machine m-1 carries machineId m-1; a local one carries none', async () => {
    const { registry, core } = hub();
    const relay = createConnectionRelay({ core, send: () => undefined, peer: agentPeer('m-1'), logger: silentLogger });
    relay.frame(1, JSON.stringify({ ...msg.started('remote-1'), id: 'a1' }));
    registry.apply(msg.started('local-1'));
    await flushMicrotasks();
    const views = registry.sessions();
    expect(views.find((s) => s.id === 'remote-1')?.machineId).toBe('m-1');
    const local = views.find((s) => s.id === 'local-1');
    expect(local).toBeDefined();
    expect(local && 'machineId' in local).toBe(false);
  });

  it('keeps the machine across later messages of the session, and counts it under that machine’s peer bounds', async () => {
    const { registry, core } = hub();
    const relay = createConnectionRelay({ core, send: () => undefined, peer: agentPeer('m-2'), logger: silentLogger });
    relay.frame(1, JSON.stringify({ ...msg.started('r-1'), id: 'a1' }));
    relay.frame(1, JSON.stringify({ ...msg.turn('r-1'), id: 'a2' }));
    relay.frame(1, JSON.stringify({ ...msg.toolStart('r-1'), id: 'a3' }));
    await flushMicrotasks();
    const view = registry.sessions().find((s) => s.id === 'r-1');
    expect(view?.machineId).toBe('m-2');
    expect(view?.state.kind).toBe('tool');
  });
});

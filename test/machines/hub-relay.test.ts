/**
 * The relay's two ends joined back to back (agent: agent-relay.ts, hub: hub-relay.ts) over the
 * hub's real heartbeat core: a relayed `tool-ended` is acknowledged only once the hub's
 * `beforeAck` (the switch reaching every machine) has settled; other frames are acked at once;
 * the hub's closes reach the local connection; a bad frame is refused like on the hub itself; the
 * hub bounds channels per agent; and with the hub down the agent acknowledges on its own.
 */
import { describe, expect, it } from 'vitest';
import { createHookRelay } from '../../src-main/agent/agent-relay.js';
import { createHeartbeatCore } from '../../src-main/engine/index.js';
import { silentLogger } from '../../src-main/engine/ports.js';
import { createConnectionRelay } from '../../src-main/server/hub-relay.js';
import { CloseCode, type ClientMessage } from '../../src-main/shared/heartbeat-protocol.js';
import { parseHubMessage, parseAgentMessage } from '../../src-main/shared/machines-protocol.js';
import { FakeClock, flushMicrotasks } from '../fakes/fake-clock.js';

function localSocket() {
  const sent: string[] = [];
  const closes: { code: number; reason: string }[] = [];
  let handler: (text: string) => void = () => undefined;
  return {
    sent,
    closes,
    socket: {
      send: (t: string) => sent.push(t),
      close: (code: number, reason: string) => closes.push({ code, reason }),
      onMessage: (h: (t: string) => void) => (handler = h),
    },
    say: (message: object) => handler(JSON.stringify(message)),
  };
}

function joined(options: { maxChannels?: number } = {}) {
  const clock = new FakeClock();
  const applied: ClientMessage[] = [];
  let settle: () => void = () => undefined;
  const settled: string[] = [];
  const core = createHeartbeatCore({
    registry: { apply: (m) => (applied.push(m), 'applied') },
    clock,
    logger: silentLogger,
    beforeAck: (m) => new Promise<void>((resolve) => (settle = () => (settled.push(m.type), resolve()))),
    beforeAckTimeoutMs: 60_000,
  });
  const agent = createHookRelay({ logger: silentLogger });
  // The wire: every message crosses as JSON and is parsed by the protocol's own parsers.
  const hub = createConnectionRelay({
    core,
    peer: 'agent:test-machine',
    logger: silentLogger,
    ...options,
    send: (m) => {
      const parsed = parseHubMessage(JSON.stringify(m));
      if (!parsed.ok) throw new Error(parsed.error);
      if (parsed.value.type === 'relay' || parsed.value.type === 'relay-close') agent.fromHub(parsed.value);
    },
  });
  agent.hubUp((m) => {
    const parsed = parseAgentMessage(JSON.stringify(m));
    if (!parsed.ok) throw new Error(parsed.error);
    if (parsed.value.type === 'relay') hub.frame(parsed.value.channel, parsed.value.frame);
    if (parsed.value.type === 'relay-close') hub.closeChannel(parsed.value.channel);
  });
  return { clock, applied, agent, hub, settle: () => settle(), settled };
}

const msg = (type: string, id: string, extra: object = {}) => ({ v: 1, type, id, sessionId: 's-1', host: 'devbox', ...extra });

describe('relayed hooks', () => {
  it('acks a relayed tool-ended only after the hub settled the switch; other frames at once', async () => {
    const { applied, agent, settle, settled } = joined();
    const local = localSocket();
    const closed = agent.core.opened(local.socket, { authorized: true, originAllowed: true, peer: '127.0.0.1' });
    local.say(msg('tool-started', 'a1', { toolName: 'Bash', toolUseId: 't1' }));
    await flushMicrotasks();
    expect(local.sent.map((t) => JSON.parse(t).id)).toEqual(['a1']);
    local.say(msg('tool-ended', 'a2', { toolName: 'Bash', toolUseId: 't1', failed: false }));
    await flushMicrotasks();
    expect(applied.map((m) => m.type)).toEqual(['tool-started', 'tool-ended']);
    expect(local.sent).toHaveLength(1);
    settle();
    await flushMicrotasks();
    expect(settled).toEqual(['tool-ended']);
    expect(local.sent.map((t) => JSON.parse(t).id)).toEqual(['a1', 'a2']);
    closed(1000, '');
    expect(agent.core.connectionCount()).toBe(0);
  });

  it('refuses a bad frame with the heartbeat protocol’s close code, from the hub', async () => {
    const { agent, hub } = joined();
    const local = localSocket();
    agent.core.opened(local.socket, { authorized: true, originAllowed: true, peer: '127.0.0.1' });
    local.say({ v: 1, type: 'no-such-type', sessionId: 'x' });
    await flushMicrotasks();
    expect(local.closes.map((c) => c.code)).toEqual([CloseCode.BadMessage]);
    expect(hub.openChannels()).toBe(0);
  });

  it('ends every channel when the agent disconnects, and bounds channels per agent', async () => {
    const { agent, hub } = joined({ maxChannels: 2 });
    const locals = [localSocket(), localSocket(), localSocket()];
    for (const l of locals) {
      agent.core.opened(l.socket, { authorized: true, originAllowed: true, peer: '127.0.0.1' });
      l.say(msg('alive', 'p'));
    }
    await flushMicrotasks();
    expect(hub.openChannels()).toBe(2);
    expect(locals[2]!.closes.map((c) => c.code)).toEqual([CloseCode.TryAgainLater]);
    hub.closeAll();
    expect(hub.openChannels()).toBe(0);
  });

  it('with the hub down, acknowledges valid frames itself and refuses bad ones', () => {
    const agent = createHookRelay({ logger: silentLogger });
    const local = localSocket();
    agent.core.opened(local.socket, { authorized: true, originAllowed: true, peer: '127.0.0.1' });
    local.say(msg('tool-ended', 'b1', { toolName: 'Bash', toolUseId: null, failed: false }));
    local.say(msg('statusline', 'b2', { model: null, claudeVersion: null, fiveHour: null, sevenDay: null }));
    expect(local.sent.map((t) => JSON.parse(t))).toEqual([
      { v: 1, type: 'ack', id: 'b1' },
      { v: 1, type: 'ack', id: 'b2', active: null },
    ]);
    local.say({ v: 1, type: 'tool-ended' });
    expect(local.closes.map((c) => c.code)).toEqual([CloseCode.BadMessage]);
    expect(agent.counts()).toEqual({ relayed: 0, answeredLocally: 2 });
  });

  it('refuses a local connection the listener did not authorize', () => {
    const agent = createHookRelay({ logger: silentLogger });
    const local = localSocket();
    agent.core.opened(local.socket, { authorized: false, originAllowed: true, peer: '10.0.0.9' });
    expect(local.closes.map((c) => c.code)).toEqual([CloseCode.Unauthorized]);
    expect(agent.core.connectionCount()).toBe(0);
  });
});

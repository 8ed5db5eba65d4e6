import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { silentLogger, systemClock } from '../../src-main/engine/ports.js';
import { createHeartbeatCore, type HeartbeatCoreOptions } from '../../src-main/engine/sessions/heartbeat-core.js';
import { createHeartbeatListener, type HeartbeatListenerOptions } from '../../src-main/server/heartbeat-socket.js';
import { CloseCode, type ClientMessage } from '../../src-main/shared/heartbeat-protocol.js';
import { createSessionRegistry, type SessionRegistry } from '../../src-main/engine/sessions/session-registry.js';
import { RecordingSink, msg } from '../sessions/message-builders.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function startServer(
  options: { core?: Partial<HeartbeatCoreOptions>; listener?: Partial<HeartbeatListenerOptions>; maxSessions?: number } = {},
) {
  const registry: SessionRegistry = createSessionRegistry({
    clock: systemClock,
    logger: silentLogger,
    events: new RecordingSink(),
    activeAccount: { accountId: () => 'acct-1' },
    ...(options.maxSessions ? { maxSessions: options.maxSessions } : {}),
  });
  const core = createHeartbeatCore({ registry, clock: systemClock, logger: silentLogger, ...options.core });
  const listener = createHeartbeatListener({ core, logger: silentLogger, token: 'sekrit', ...options.listener });
  const { url } = await listener.listen();
  cleanups.push(async () => {
    await listener.dispose();
    registry.dispose();
  });
  return { url, registry, listener };
}

interface Client {
  ws: WebSocket;
  closed: Promise<{ code: number; reason: string }>;
  acks: unknown[];
  nextAck(): Promise<Record<string, unknown>>;
}

async function connect(url: string, options: WebSocket.ClientOptions = {}): Promise<Client> {
  const ws = new WebSocket(url, options);
  const acks: unknown[] = [];
  const waiters: ((v: Record<string, unknown>) => void)[] = [];
  ws.on('message', (data: Buffer) => {
    const parsed = JSON.parse(data.toString()) as Record<string, unknown>;
    const waiter = waiters.shift();
    if (waiter) waiter(parsed);
    else acks.push(parsed);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    void closed.then(() => resolve());
  });
  cleanups.push(() => ws.terminate());
  return {
    ws,
    closed,
    acks,
    nextAck: () => {
      const queued = acks.shift() as Record<string, unknown> | undefined;
      if (queued) return Promise.resolve(queued);
      return new Promise((resolve, reject) => {
        waiters.push(resolve);
        void closed.then((c) => reject(new Error(`closed ${c.code} ${c.reason} before the ack`)));
      });
    },
  };
}

const send = (client: Client, message: ClientMessage | Record<string, unknown>) => client.ws.send(JSON.stringify(message));

describe('heartbeat server', () => {
  it('accepts every message type and acknowledges each one that carries an id', async () => {
    const { url, registry } = await startServer();
    const client = await connect(url);
    const sequence: ClientMessage[] = [
      msg.started('s1'),
      msg.turn('s1'),
      msg.toolStart('s1'),
      msg.toolEnd('s1'),
      msg.turnEnd('s1'),
      msg.alive('s1'),
      msg.statusline('s1'),
      msg.ended('s1'),
    ];
    const kinds: string[] = [];
    registry.onTransition((t) => kinds.push(t.to?.kind ?? 'gone'));
    for (const [i, m] of sequence.entries()) {
      send(client, { ...m, id: `m${i}` });
      expect(await client.nextAck()).toMatchObject({ v: 1, type: 'ack', id: `m${i}` });
    }
    expect(kinds).toEqual(['idle', 'in-turn', 'tool', 'in-turn', 'idle', 'gone']);
  });

  it('sends no ack for a message without an id', async () => {
    const { url, registry } = await startServer();
    const client = await connect(url);
    send(client, msg.alive('quiet'));
    send(client, { ...msg.alive('quiet'), id: 'probe' });
    expect(await client.nextAck()).toMatchObject({ id: 'probe' });
    expect(client.acks).toEqual([]);
    expect(registry.activeSessionCount()).toBe(1);
  });

  it('closes a client that sends malformed JSON with BadMessage and keeps serving others', async () => {
    const { url } = await startServer();
    const bad = await connect(url);
    bad.ws.send('{"v":1,"type":');
    expect(await bad.closed).toEqual({ code: CloseCode.BadMessage, reason: 'frame is not valid JSON' });
    const good = await connect(url);
    send(good, { ...msg.started('s2'), id: 'x' });
    expect(await good.nextAck()).toMatchObject({ id: 'x' });
  });

  it('closes a client that sends an unknown message type with BadMessage naming the type', async () => {
    const { url } = await startServer();
    const client = await connect(url);
    send(client, { v: 1, type: 'launch-rockets', sessionId: 's1' });
    expect(await client.closed).toEqual({ code: CloseCode.BadMessage, reason: 'unknown message type "launch-rockets"' });
  });

  it('closes a client that speaks another protocol version with BadMessage', async () => {
    const { url } = await startServer();
    const client = await connect(url);
    send(client, { ...msg.alive('s1'), v: 2 });
    expect((await client.closed).code).toBe(CloseCode.BadMessage);
  });

  it('closes a client whose message lacks a required field, saying which', async () => {
    const { url } = await startServer();
    const client = await connect(url);
    send(client, { v: 1, type: 'tool-started', sessionId: 's1', toolUseId: null });
    const closed = await client.closed;
    expect(closed.code).toBe(CloseCode.BadMessage);
    expect(closed.reason).toContain('toolName');
  });

  it('closes a client that sends binary frames with BadMessage', async () => {
    const { url } = await startServer();
    const client = await connect(url);
    client.ws.send(Buffer.from([1, 2, 3]));
    expect((await client.closed).code).toBe(CloseCode.BadMessage);
  });

  it('closes a client that sends an oversize frame with MessageTooBig', async () => {
    const { url, listener } = await startServer({ listener: { maxPayloadBytes: 4096 } });
    const client = await connect(url);
    send(client, { ...msg.alive('s1'), cwd: 'x'.repeat(10_000) });
    expect((await client.closed).code).toBe(CloseCode.MessageTooBig);
    await waitFor(() => listener.connectionCount() === 0);
  });

  it('closes a flooding client with TooManyMessages', async () => {
    const { url } = await startServer({ core: { rateLimit: { burst: 10, perSecond: 5 } } });
    const client = await connect(url);
    for (let i = 0; i < 50; i++) send(client, msg.alive('s1'));
    expect((await client.closed).code).toBe(CloseCode.TooManyMessages);
  });

  it('closes a client that connects and never speaks with SilentClient', async () => {
    const { url } = await startServer({ core: { firstMessageTimeoutMs: 150 } });
    const client = await connect(url);
    expect((await client.closed).code).toBe(CloseCode.SilentClient);
  });

  it('terminates a peer that stops answering pings', async () => {
    const { url, listener } = await startServer({ listener: { pingIntervalMs: 100 } });
    const client = await connect(url, { autoPong: false });
    send(client, msg.alive('s1'));
    const closed = await client.closed;
    expect(closed.code).toBe(1006);
    await waitFor(() => listener.connectionCount() === 0);
  });

  it('keeps a peer that answers pings', async () => {
    const { url, listener } = await startServer({ listener: { pingIntervalMs: 50 } });
    const client = await connect(url);
    send(client, msg.alive('s1'));
    await new Promise((r) => setTimeout(r, 300));
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    expect(listener.connectionCount()).toBe(1);
  });

  it('closes a non-loopback peer without the token with Unauthorized', async () => {
    const { url, registry } = await startServer({ listener: { peerAddressOf: () => '203.0.113.7' } });
    const client = await connect(url);
    expect(await client.closed).toMatchObject({ code: CloseCode.Unauthorized });
    expect(registry.activeSessionCount()).toBe(0);
  });

  it('closes a non-loopback peer with a wrong token with Unauthorized', async () => {
    const { url } = await startServer({ listener: { peerAddressOf: () => '203.0.113.7' } });
    const client = await connect(url, { headers: { authorization: 'Bearer wrong' } });
    expect((await client.closed).code).toBe(CloseCode.Unauthorized);
  });

  it('refuses non-loopback peers entirely when the server has no token', async () => {
    const { url } = await startServer({ listener: { token: null, peerAddressOf: () => '203.0.113.7' } });
    const client = await connect(url, { headers: { authorization: 'Bearer sekrit' } });
    expect((await client.closed).code).toBe(CloseCode.Unauthorized);
  });

  it('serves a non-loopback peer that sends the token', async () => {
    const { url } = await startServer({ listener: { peerAddressOf: () => '203.0.113.7' } });
    const client = await connect(url, { headers: { authorization: 'Bearer sekrit' } });
    send(client, { ...msg.started('remote'), id: 'r' });
    expect(await client.nextAck()).toMatchObject({ id: 'r' });
  });

  it('closes a browser page from another origin with Forbidden', async () => {
    const { url } = await startServer();
    const client = await connect(url, { origin: 'https://evil.example' });
    expect((await client.closed).code).toBe(CloseCode.Forbidden);
  });

  it('closes connections beyond the cap with TryAgainLater', async () => {
    const { url } = await startServer({ listener: { maxConnections: 2 } });
    await connect(url);
    await connect(url);
    const third = await connect(url);
    expect((await third.closed).code).toBe(CloseCode.TryAgainLater);
  });

  it('closes a client that would grow the registry past its bound with RegistryFull when every session is busy', async () => {
    const { url, registry } = await startServer({ maxSessions: 5 });
    const client = await connect(url);
    for (let i = 0; i < 6; i++) send(client, msg.turn(`s${i}`));
    expect((await client.closed).code).toBe(CloseCode.RegistryFull);
    expect(registry.activeSessionCount()).toBe(5);
  });

  it('makes room by evicting the longest-silent idle session of the same peer', async () => {
    const { url, registry } = await startServer({ maxSessions: 5 });
    const client = await connect(url);
    for (let i = 0; i < 6; i++) send(client, { ...msg.alive(`s${i}`), id: `a${i}` });
    for (let i = 0; i < 6; i++) await client.nextAck();
    expect(registry.activeSessionCount()).toBe(5);
    expect(registry.sessions().map((s) => s.id)).not.toContain('s0');
  });

  it('stays bounded and up after hundreds of misbehaving clients', async () => {
    const { url, listener, registry } = await startServer({ maxSessions: 100, core: { rateLimit: { burst: 5, perSecond: 1 } } });
    const clients = await Promise.all(Array.from({ length: 200 }, () => connect(url)));
    clients.forEach((c, i) => {
      if (i % 2) c.ws.send('not json');
      else for (let k = 0; k < 20; k++) send(c, msg.alive(`flood-${i}-${k}`));
    });
    await Promise.all(clients.map((c) => c.closed));
    await waitFor(() => listener.connectionCount() === 0);
    expect(registry.activeSessionCount()).toBeLessThanOrEqual(100);
    const fresh = await connect(url);
    const known = registry.sessions()[0]?.id ?? 'none';
    send(fresh, { ...msg.turn(known), id: 'still-up' });
    expect(await fresh.nextAck()).toMatchObject({ id: 'still-up' });
  });

  it('acknowledges tool-ended only after beforeAck resolves', async () => {
    let release: () => void = () => {};
    const order: string[] = [];
    const { url } = await startServer({
      core: {
        beforeAck: (m) => {
          order.push(`beforeAck:${m.type}`);
          return new Promise<void>((r) => (release = r));
        },
      },
    });
    const client = await connect(url);
    send(client, { ...msg.toolEnd('s1'), id: 'te' });
    const ack = client.nextAck().then((a) => order.push(`ack:${String(a.id)}`));
    await new Promise((r) => setTimeout(r, 100));
    expect(order).toEqual(['beforeAck:tool-ended']);
    release();
    await ack;
    expect(order).toEqual(['beforeAck:tool-ended', 'ack:te']);
  });

  it('acknowledges turn-ended anyway when beforeAck hangs past its bound', async () => {
    const { url } = await startServer({ core: { beforeAck: () => new Promise<void>(() => {}), beforeAckTimeoutMs: 100 } });
    const client = await connect(url);
    const sentAt = Date.now();
    send(client, { ...msg.turnEnd('s1'), id: 'tn' });
    expect(await client.nextAck()).toMatchObject({ id: 'tn' });
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(90);
  });

  it('acknowledges anyway when beforeAck fails', async () => {
    const { url } = await startServer({ core: { beforeAck: () => Promise.reject(new Error('switch failed')) } });
    const client = await connect(url);
    send(client, { ...msg.toolEnd('s1'), id: 'f' });
    expect(await client.nextAck()).toMatchObject({ id: 'f' });
  });

  it('does not wait for beforeAck on other messages', async () => {
    const { url } = await startServer({ core: { beforeAck: () => new Promise<void>(() => {}) } });
    const client = await connect(url);
    send(client, { ...msg.toolStart('s1'), id: 'ts' });
    expect(await client.nextAck()).toMatchObject({ id: 'ts' });
  });

  it('answers a statusline reading with the active account summary', async () => {
    const { url } = await startServer({
      core: { describeActive: () => ({ account: 'alice@example.com', fiveHourPct: 42, sevenDayPct: 13 }) },
    });
    const client = await connect(url);
    send(client, { ...msg.statusline('s1'), id: 'sl' });
    expect(await client.nextAck()).toEqual({
      v: 1,
      type: 'ack',
      id: 'sl',
      active: { account: 'alice@example.com', fiveHourPct: 42, sevenDayPct: 13 },
    });
  });

  it('closes every client with GoingAway on dispose', async () => {
    const { url, listener } = await startServer();
    const client = await connect(url);
    send(client, msg.alive('s1'));
    await new Promise((r) => setTimeout(r, 50));
    await listener.dispose();
    expect((await client.closed).code).toBe(CloseCode.GoingAway);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('close reasons', () => {
  it('closes with BadMessage even when the unknown type is long and not ASCII', async () => {
    const { url } = await startServer();
    const client = await connect(url);
    send(client, { v: 1, type: '💥'.repeat(40), sessionId: 's1' });
    const closed = await client.closed;
    expect(closed.code).toBe(CloseCode.BadMessage);
    expect(Buffer.byteLength(closed.reason)).toBeLessThanOrEqual(123);
  });
});

/**
 * The dashboard's WebSocket bridge against a real WebSocket server on 127.0.0.1 (port 0), with the
 * `ws` client standing in for the browser's WebSocket.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { ClientMessage } from '../../../src-main/shared/contract.js';
import { err, ok } from '../../../src-main/shared/result.js';
import type { FleetSnapshot } from '../../../src-main/shared/view-model.js';
import type { ConnectionState, DashboardBridge, SocketLike } from '../../../src-renderer/lib/bridge-types.js';
import { createWsBridge, type WsBridgeOptions } from '../../../src-renderer/lib/ws-bridge.js';

interface TestServer {
  readonly url: string;
  readonly wss: WebSocketServer;
  readonly received: ClientMessage[];
  /** Whether `{"type":"ping"}` gets a pong (default true). */
  answerPings: boolean;
  connections: number;
  /** Answers each call; return undefined to stay silent. */
  onCall: (message: ClientMessage, socket: WebSocket) => void;
  close(): Promise<void>;
}

const snapshot = (n: number): FleetSnapshot => ({ generatedAtMs: n, accounts: [], sessions: [] }) as unknown as FleetSnapshot;

const closing = new WeakMap<WebSocketServer, Promise<void>>();

/** Closes a server once (terminating its clients, which `close` alone leaves open). */
function closeServer(wss: WebSocketServer): Promise<void> {
  let done = closing.get(wss);
  if (!done) {
    done = new Promise<void>((resolve) => {
      for (const client of wss.clients) client.terminate();
      wss.close(() => resolve());
    });
    closing.set(wss, done);
  }
  return done;
}

async function startServer(): Promise<TestServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const server: TestServer = {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/api/ws`,
    wss,
    received: [],
    answerPings: true,
    connections: 0,
    onCall: (message, socket) => socket.send(JSON.stringify({ type: 'result', id: message.id, result: ok({ echo: message.name }) })),
    close: () => closeServer(wss),
  };
  wss.on('connection', (socket) => {
    server.connections++;
    socket.send(JSON.stringify({ type: 'snapshot', snapshot: snapshot(1) }));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as ClientMessage | { type: 'ping' };
      if (message.type === 'ping') {
        if (server.answerPings) socket.send(JSON.stringify({ type: 'pong' }));
        return;
      }
      server.received.push(message);
      server.onCall(message, socket);
    });
  });
  return server;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function setup(
  options: Partial<WsBridgeOptions> = {},
): Promise<{ server: TestServer; bridge: DashboardBridge; states: ConnectionState[]; snapshots: FleetSnapshot[] }> {
  const server = await startServer();
  cleanups.push(() => server.close());
  const bridge = createWsBridge({
    url: server.url,
    openSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    initialBackoffMs: 20,
    maxBackoffMs: 100,
    random: () => 0.5,
    ...options,
  });
  cleanups.push(() => bridge.dispose());
  const states: ConnectionState[] = [];
  const snapshots: FleetSnapshot[] = [];
  bridge.onConnection((s) => states.push(s));
  bridge.onSnapshot((s) => snapshots.push(s));
  return { server, bridge, states, snapshots };
}

async function until(condition: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('WebSocket bridge', () => {
  test('receives the snapshot the server pushes on connect and later pushes', async () => {
    const { server, snapshots, states } = await setup();
    await until(() => snapshots.length === 1, 'the first snapshot');
    expect(states).toEqual(['connecting', 'open']);
    for (const client of server.wss.clients) client.send(JSON.stringify({ type: 'snapshot', snapshot: snapshot(2) }));
    await until(() => snapshots.length === 2, 'the pushed snapshot');
    expect(snapshots.map((s) => s.generatedAtMs)).toEqual([1, 2]);
  });

  test('sends a command as a call message and settles it with the matching result, in any order', async () => {
    const { server, bridge } = await setup();
    const held: ClientMessage[] = [];
    server.onCall = (message, socket) => {
      held.push(message);
      if (held.length < 2) return;
      // Answer the second call first.
      for (const m of [...held].reverse())
        socket.send(JSON.stringify({ type: 'result', id: m.id, result: ok({ name: m.name, args: m.args }) }));
    };
    const refresh = bridge.refreshNow({ accountId: 'acct-1' });
    const label = bridge.setLabel({ accountId: 'acct-2', label: 'work' });
    expect(await refresh).toEqual(ok({ name: 'refreshNow', args: { accountId: 'acct-1' } }));
    expect(await label).toEqual(ok({ name: 'setLabel', args: { accountId: 'acct-2', label: 'work' } }));
    expect(server.received.map((m) => [m.type, m.name])).toEqual([
      ['call', 'refreshNow'],
      ['call', 'setLabel'],
    ]);
    expect(new Set(server.received.map((m) => m.id)).size).toBe(2);
  });

  test('passes a command failure through as the same error value', async () => {
    const { server, bridge } = await setup();
    server.onCall = (m, socket) =>
      socket.send(JSON.stringify({ type: 'result', id: m.id, result: err({ code: 'not-found', message: 'No account acct-9.' }) }));
    expect(await bridge.removeAccount({ accountId: 'acct-9' })).toEqual(err({ code: 'not-found', message: 'No account acct-9.' }));
  });

  test('gives up on a call the server never answers, with a timeout error', async () => {
    const { server, bridge } = await setup({ callTimeoutMs: 80 });
    server.onCall = () => undefined;
    const result = await bridge.switchTo({ accountId: 'acct-1' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('timeout');
  });

  test('holds calls made before the socket opens and sends them once it does', async () => {
    const { bridge, server } = await setup();
    const result = await bridge.getEvents({ limit: 5 }); // issued synchronously after creation
    expect(result).toEqual(ok({ echo: 'getEvents' }));
    expect(server.received[0]?.args).toEqual({ limit: 5 });
  });

  test('reconnects with backoff after the link drops, failing the call that was in flight', async () => {
    const { server, bridge, states, snapshots } = await setup();
    await until(() => states.includes('open'), 'open');
    server.onCall = (_m, socket) => socket.terminate();
    const lost = await bridge.refreshNow({});
    expect(lost.ok).toBe(false);
    if (!lost.ok) expect(lost.error.code).toBe('disconnected');
    await until(() => states.at(-1) === 'open' && states.includes('reconnecting'), 'the reconnection');
    await until(() => snapshots.length >= 2, 'the snapshot after reconnecting');
    server.onCall = (m, socket) => socket.send(JSON.stringify({ type: 'result', id: m.id, result: ok('again') }));
    expect(await bridge.refreshNow({})).toEqual(ok('again'));
  });

  test('keeps retrying while the server is down and shows reconnecting meanwhile', async () => {
    const { server, states } = await setup();
    await until(() => states.includes('open'), 'open');
    const port = Number(new URL(server.url).port);
    await server.close();
    await until(() => states.at(-1) === 'reconnecting', 'reconnecting');
    await new Promise((r) => setTimeout(r, 150)); // several failed attempts
    expect(states.at(-1)).toBe('reconnecting');
    const again = new WebSocketServer({ host: '127.0.0.1', port });
    cleanups.push(() => closeServer(again));
    again.on('connection', (socket) => socket.send(JSON.stringify({ type: 'snapshot', snapshot: snapshot(3) })));
    await until(() => states.at(-1) === 'open', 'open again');
  });

  test('ignores messages outside the protocol and reports them', async () => {
    const problems: string[] = [];
    const { server, snapshots } = await setup({ onProblem: (m) => problems.push(m) });
    await until(() => snapshots.length === 1, 'first snapshot');
    for (const client of server.wss.clients) {
      client.send('not json');
      client.send(JSON.stringify({ type: 'snapshot', snapshot: { nope: true } }));
      client.send(JSON.stringify({ type: 'pong' }));
      client.send(JSON.stringify({ type: 'snapshot', snapshot: snapshot(9) }));
    }
    await until(() => snapshots.length === 2, 'the valid snapshot');
    expect(snapshots[1]?.generatedAtMs).toBe(9);
    expect(problems).toHaveLength(2);
  });

  test('pings a quiet link and reconnects when the server stops answering', async () => {
    const { server, states } = await setup({ keepAliveMs: 40 });
    await until(() => states.includes('open'), 'open');
    await new Promise((r) => setTimeout(r, 150));
    expect(server.connections).toBe(1); // answered pings keep the link
    server.answerPings = false;
    await until(() => server.connections >= 2, 'a new connection after unanswered pings');
    expect(states).toContain('reconnecting');
  });

  test('dispose closes the socket, fails waiting calls and stops reconnecting', async () => {
    const { server, bridge, states } = await setup();
    await until(() => states.includes('open'), 'open');
    server.onCall = () => undefined;
    const waiting = bridge.switchTo({ accountId: 'x' });
    await until(() => server.received.length === 1, 'the call to arrive');
    bridge.dispose();
    const result = await waiting;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('closed');
    expect(states.at(-1)).toBe('closed');
    await until(() => server.wss.clients.size === 0, 'the socket to close');
    await new Promise((r) => setTimeout(r, 120));
    expect(server.wss.clients.size).toBe(0);
  });
});

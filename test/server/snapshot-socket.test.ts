import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer, type ClientOptions } from 'ws';
import { CloseCode } from '../../src-main/server/close-codes.js';
import { MAX_CLIENT_MESSAGE_BYTES } from '../../src-main/server/socket-protocol.js';
import type { FleetSnapshot } from '../../src-main/shared/view-model.js';
import { startServer, type Harness } from './server-harness.js';

const TOKEN = 'ws-token-0c1d2e3f4a5b6c7d';
let h: Harness | null = null;
const clients: WebSocket[] = [];
afterEach(async () => {
  for (const ws of clients.splice(0)) ws.terminate();
  await h?.stop();
  h = null;
});

interface Client {
  readonly ws: WebSocket;
  readonly messages: { type: string; snapshot?: FleetSnapshot }[];
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Resolves once `count` messages have arrived. */
  waitFor(count: number): Promise<void>;
}

function open(port: number, path = '/api/ws', options: ClientOptions = {}): Client {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers: { host: `127.0.0.1:${port}` }, ...options });
  clients.push(ws);
  const messages: Client['messages'] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as Client['messages'][number]);
    for (const w of waiters.splice(0)) w();
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  const waitFor = async (count: number): Promise<void> => {
    while (messages.length < count) await new Promise<void>((r) => waiters.push(r));
  };
  return { ws, messages, opened, closed, waitFor };
}

/** Resolves with the HTTP status a refused upgrade answered with. */
function refusedStatus(port: number, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers: { host: `127.0.0.1:${port}`, ...headers } });
    clients.push(ws);
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => reject(new Error('the upgrade was accepted')));
    ws.on('error', () => {});
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('snapshot push', () => {
  it('sends the current snapshot on connect', async () => {
    h = await startServer();
    const client = open(h.server.port);
    await client.waitFor(1);
    expect(client.messages[0]).toEqual({ type: 'snapshot', snapshot: JSON.parse(JSON.stringify(h.engine.snapshotValue)) });
  });

  it('refuses a dashboard beyond the client cap with 503, and takes one again once a slot frees', async () => {
    h = await startServer({ wsMaxClients: 2 });
    const first = open(h.server.port);
    const second = open(h.server.port);
    await Promise.all([first.opened, second.opened]);
    expect(await refusedStatus(h.server.port, '/api/ws')).toBe(503);
    first.ws.close();
    await first.closed;
    const third = open(h.server.port);
    await third.opened;
    await third.waitFor(1);
    expect(third.messages[0]?.type).toBe('snapshot');
  });

  it('pushes a new snapshot after an engine change', async () => {
    h = await startServer();
    const client = open(h.server.port);
    await client.waitFor(1);
    h.engine.setSnapshot({ paused: true });
    await client.waitFor(2);
    expect(client.messages[1]?.snapshot?.paused).toBe(true);
  });

  it('coalesces a burst into few sends that end with the latest snapshot', async () => {
    h = await startServer();
    const client = open(h.server.port);
    await client.waitFor(1);
    for (let i = 1; i <= 20; i++) h.engine.setSnapshot({ activeSessionCount: i });
    await sleep(350);
    const pushed = client.messages.slice(1);
    expect(pushed.length).toBeGreaterThanOrEqual(1);
    expect(pushed.length).toBeLessThanOrEqual(2);
    expect(pushed.at(-1)?.snapshot?.activeSessionCount).toBe(20);
  });

  it('answers a ping message with pong', async () => {
    h = await startServer();
    const client = open(h.server.port);
    await client.waitFor(1);
    client.ws.send(JSON.stringify({ type: 'ping' }));
    await client.waitFor(2);
    expect(client.messages[1]).toEqual({ type: 'pong' });
  });

  it('closes with 4400 on a message of another type', async () => {
    h = await startServer();
    const client = open(h.server.port);
    await client.waitFor(1);
    client.ws.send(JSON.stringify({ type: 'switch', to: 'acct-2' }));
    const closed = await client.closed;
    expect(closed.code).toBe(CloseCode.BadRequest);
    expect(closed.reason).toContain('ping');
  });

  it('closes with 4400 on a message that is not JSON', async () => {
    h = await startServer();
    const client = open(h.server.port);
    await client.waitFor(1);
    client.ws.send('hello');
    expect((await client.closed).code).toBe(4400);
  });

  it('closes with 1009 when a client sends a message over the size limit', async () => {
    h = await startServer();
    const client = open(h.server.port);
    await client.waitFor(1);
    client.ws.send('x'.repeat(MAX_CLIENT_MESSAGE_BYTES + 1));
    expect((await client.closed).code).toBe(1009);
  });

  it('closes with 1011 when the engine cannot produce a snapshot, and keeps serving', async () => {
    h = await startServer();
    h.engine.throwOn.add('snapshot');
    const failing = open(h.server.port);
    expect((await failing.closed).code).toBe(CloseCode.InternalError);
    h.engine.throwOn.clear();
    const client = open(h.server.port);
    await client.waitFor(1);
    expect(client.messages[0]?.type).toBe('snapshot');
  });

  it('stops pushing to a closed client and keeps pushing to the others', async () => {
    h = await startServer();
    const a = open(h.server.port);
    const b = open(h.server.port);
    await Promise.all([a.waitFor(1), b.waitFor(1)]);
    a.ws.close();
    await a.closed;
    h.engine.setSnapshot({ paused: true });
    await b.waitFor(2);
    expect(a.messages).toHaveLength(1);
  });
});

describe('keep-alive', () => {
  it('terminates a client that stops answering pings', async () => {
    h = await startServer({ wsKeepAliveMs: 40 });
    const client = open(h.server.port, '/api/ws', { autoPong: false });
    await client.waitFor(1);
    expect((await client.closed).code).toBe(1006);
  });

  it('keeps a client that answers pings', async () => {
    h = await startServer({ wsKeepAliveMs: 100 });
    const client = open(h.server.port);
    await client.waitFor(1);
    await sleep(450);
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
  });
});

describe('upgrade access checks', () => {
  it('refuses an upgrade without the token with HTTP 401', async () => {
    h = await startServer({ token: TOKEN });
    expect(await refusedStatus(h.server.port, '/api/ws')).toBe(401);
  });

  it('accepts the token in the query', async () => {
    h = await startServer({ token: TOKEN });
    const client = open(h.server.port, `/api/ws?token=${TOKEN}`);
    await client.waitFor(1);
    expect(client.messages[0]?.type).toBe('snapshot');
  });

  it('accepts the token cookie', async () => {
    h = await startServer({ token: TOKEN });
    const client = open(h.server.port, '/api/ws', { headers: { host: `127.0.0.1:${h.server.port}`, cookie: `ccmax_token=${TOKEN}` } });
    await client.opened;
  });

  it('refuses an upgrade from another origin with HTTP 403', async () => {
    h = await startServer();
    expect(await refusedStatus(h.server.port, '/api/ws', { origin: 'http://evil.example' })).toBe(403);
  });

  it('refuses an upgrade with a rebinding Host with HTTP 403', async () => {
    h = await startServer();
    expect(await refusedStatus(h.server.port, '/api/ws', { host: `attacker.example:${h.server.port}` })).toBe(403);
  });

  it('refuses an upgrade to an unknown path with HTTP 404', async () => {
    h = await startServer();
    expect(await refusedStatus(h.server.port, '/nowhere')).toBe(404);
  });
});

describe('attachUpgrade', () => {
  it('runs the access checks before the mounted handler', async () => {
    h = await startServer({ token: TOKEN });
    const heartbeat = new WebSocketServer({ noServer: true });
    let calls = 0;
    h.server.attachUpgrade('/heartbeat', (req, socket, head) => {
      calls++;
      heartbeat.handleUpgrade(req, socket, head, (ws) => ws.send(JSON.stringify({ type: 'hello' })));
    });
    expect(await refusedStatus(h.server.port, '/heartbeat')).toBe(401);
    expect(calls).toBe(0);
    const client = open(h.server.port, `/heartbeat?token=${TOKEN}`);
    await client.waitFor(1);
    expect(client.messages[0]).toEqual({ type: 'hello' });
    expect(calls).toBe(1);
    heartbeat.close();
  });

  it('refuses a second handler for the same path', async () => {
    h = await startServer();
    h.server.attachUpgrade('/heartbeat', () => {});
    expect(() => h?.server.attachUpgrade('/heartbeat', () => {})).toThrow('already has a WebSocket handler');
    expect(() => h?.server.attachUpgrade('/api/ws', () => {})).toThrow('already has a WebSocket handler');
  });
});

describe('close', () => {
  it('closes open snapshot clients with 1001 and resolves', async () => {
    h = await startServer();
    const a = open(h.server.port);
    const b = open(h.server.port);
    await Promise.all([a.waitFor(1), b.waitFor(1)]);
    await h.server.close();
    expect((await a.closed).code).toBe(CloseCode.GoingAway);
    expect((await b.closed).code).toBe(1001);
    expect(h.engine.listenerCount).toBe(0);
  });

  it('destroys sockets a mounted handler never closes, within the grace period', async () => {
    h = await startServer({ closeGraceMs: 200 });
    const stubborn = new WebSocketServer({ noServer: true });
    h.server.attachUpgrade('/heartbeat', (req, socket, head) => stubborn.handleUpgrade(req, socket, head, () => {}));
    const client = open(h.server.port, '/heartbeat');
    await client.opened;
    const started = Date.now();
    await h.server.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((await client.closed).code).toBe(1006);
    stubborn.close();
  });

  it('ends idle keep-alive HTTP connections', async () => {
    h = await startServer();
    const { Agent, get } = await import('node:http');
    const agent = new Agent({ keepAlive: true });
    await new Promise<void>((resolve) =>
      get({ host: '127.0.0.1', port: h?.server.port, path: '/api/health', agent }, (res) => res.resume().on('end', resolve)),
    );
    const started = Date.now();
    await h.server.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    agent.destroy();
  });
});

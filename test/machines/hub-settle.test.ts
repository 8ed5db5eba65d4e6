/**
 * The hub in-process on a loopback HTTP server, with a stand-in login source: `settle()` waits for
 * every connected machine's ack, a machine that never acks is marked lagging after the bound (with
 * a machine-lagging event) instead of being waited for forever, and 50 agents connecting at once
 * all get the login.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { silentLogger, systemClock } from '../../src-main/engine/ports.js';
import type { EngineEvent } from '../../src-main/shared/event-types.js';
import { createMachineRegistry } from '../../src-main/server/machine-registry.js';
import { createMachinesHub, type MachinesHub } from '../../src-main/server/machines-hub.js';
import type { Assignment } from '../../src-main/server/assignment-source.js';
import { parseHubMessage } from '../../src-main/shared/machines-protocol.js';

let dir: string;
let server: Server;
let hub: MachinesHub;
let url: string;
let assignment: Assignment;
const events: EngineEvent[] = [];
const sockets: WebSocket[] = [];

const assignmentOf = (n: number): Assignment => ({
  accountId: 'acct-a',
  login: {
    accessToken: `access-${n}`,
    expiresAtMs: 1_900_000_000_000,
    scopes: [],
    subscriptionType: null,
    rateLimitTier: null,
  },
  identity: null,
  fingerprint: `fp-${n}`,
});

/** A minimal agent: says hello and, when `acks`, acknowledges every login it gets. */
function connect(id: string, acks: boolean): Promise<{ logins: number[] }> {
  const ws = new WebSocket(url);
  sockets.push(ws);
  const seen = { logins: [] as number[] };
  ws.on('message', (data) => {
    const m = parseHubMessage(String(data));
    if (!m.ok || m.value.type !== 'login') return;
    seen.logins.push(m.value.generation);
    if (acks)
      ws.send(JSON.stringify({ v: 1, type: 'ack', accountId: m.value.accountId, generation: m.value.generation, fingerprint: 'x' }));
  });
  return new Promise((resolve) =>
    ws.on('open', () => {
      ws.send(JSON.stringify({ v: 1, type: 'hello', machineId: `machine-${id}`, host: id, agentVersion: 't', held: null }));
      resolve(seen);
    }),
  );
}

async function until(fn: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ccmax-hub-'));
  events.length = 0;
  assignment = assignmentOf(1);
  hub = createMachinesHub({
    registry: createMachineRegistry(dir, silentLogger),
    source: { current: async () => assignment, harvest: async () => 'stored' },
    clock: systemClock,
    logger: silentLogger,
    events: { append: (e) => events.push(e) },
    hubVersion: 'test',
    ackTimeoutMs: 300,
  });
  server = createServer();
  server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head, { ok: true, tokenSource: 'header' }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `ws://127.0.0.1:${(server.address() as { port: number }).port}/agent`;
});

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await hub.dispose();
  await new Promise<void>((r) => server.close(() => r()));
  await rm(dir, { recursive: true, force: true });
});

describe('the hub waits for machines, but not forever', () => {
  it('settle() resolves once every machine acked; a silent one is marked lagging after the bound', async () => {
    await connect('fast', true);
    await connect('silent', false);
    await until(() => hub.list().filter((m) => m.connected).length === 2);
    assignment = assignmentOf(2);
    const startedMs = Date.now();
    await hub.settle();
    const waitedMs = Date.now() - startedMs;
    expect(waitedMs).toBeGreaterThanOrEqual(250);
    expect(waitedMs).toBeLessThan(2_000);
    const byHost = new Map(hub.list().map((m) => [m.host, m]));
    expect(byHost.get('fast')).toMatchObject({ lagging: false, held: { generation: 2 } });
    expect(byHost.get('silent')).toMatchObject({ lagging: true, held: null });
    expect(events.filter((e) => e.kind === 'machine-lagging').map((e) => e.data?.machineId)).toEqual(['machine-silent']);
  });

  it('a refreshed login gets the next generation; the generation survives a hub restart', async () => {
    const seen = await connect('a', true);
    await until(() => seen.logins.length === 1);
    assignment = assignmentOf(2);
    await hub.settle();
    expect(seen.logins).toEqual([1, 2]);
    await hub.dispose();
    const again = createMachineRegistry(dir, silentLogger);
    expect(again.generationFor('acct-a', 'fp-2')).toBe(2);
    expect(again.generationFor('acct-a', 'fp-3')).toBe(3);
  });

  it('50 agents connecting at once all receive the login and are listed', async () => {
    const all = await Promise.all(Array.from({ length: 50 }, (_, i) => connect(`m${i}`, true)));
    await until(() => all.every((s) => s.logins.length === 1), 10_000);
    await until(() => hub.list().filter((m) => m.connected && m.held?.generation === 1).length === 50, 10_000);
  });
});

/**
 * What the hub lists per machine for the Machines panel and `status` (issue 13 item 5), over a real
 * `/agent` WebSocket on loopback: the login a machine confirmed holding stays listed after it
 * disconnects and across a hub restart (machines.json), with its token's expiry; a machine holding
 * an older generation than the one assigned now is "behind"; once disconnected past that expiry it
 * is out of reach.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { silentLogger, systemClock } from '../../src-main/engine/ports.js';
import { createMachineRegistry } from '../../src-main/server/machine-registry.js';
import { createMachinesHub, type MachinesHub } from '../../src-main/server/machines-hub.js';
import type { Assignment } from '../../src-main/server/assignment-source.js';
import { isBehind, isOutOfReach } from '../../src-main/shared/machine-reach.js';
import { parseHubMessage } from '../../src-main/shared/machines-protocol.js';

const EXPIRES_AT_MS = 1_900_000_000_000;
let dir: string;
let server: Server;
let hub: MachinesHub;
let url: string;
let assignment: Assignment;

const assignmentOf = (n: number): Assignment => ({
  accountId: 'acct-a',
  login: { accessToken: `access-${n}`, expiresAtMs: EXPIRES_AT_MS + n, scopes: [], subscriptionType: null, rateLimitTier: null },
  identity: null,
  fingerprint: `fp-${n}`,
});

function openHub(): MachinesHub {
  return createMachinesHub({
    registry: createMachineRegistry(dir, silentLogger),
    source: { current: async () => assignment, harvest: async () => 'stored' },
    clock: systemClock,
    logger: silentLogger,
    events: { append: () => undefined },
    hubVersion: 'test',
    ackTimeoutMs: 300,
  });
}

async function until(fn: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ccmax-hub-view-'));
  assignment = assignmentOf(1);
  hub = openHub();
  server = createServer();
  server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head, { ok: true, tokenSource: 'header' }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `ws://127.0.0.1:${(server.address() as { port: number }).port}/agent`;
});

afterEach(async () => {
  await hub.dispose();
  await new Promise<void>((r) => server.close(() => r()));
  await rm(dir, { recursive: true, force: true });
});

describe('the hub’s view of a machine', () => {
  it('keeps the held login after a disconnect and a restart; behind when a newer generation is assigned', async () => {
    const ws = new WebSocket(url);
    let acks = true;
    ws.on('message', (data) => {
      const m = parseHubMessage(String(data));
      if (!m.ok || m.value.type !== 'login' || !acks) return;
      const { accountId, generation, login } = m.value;
      ws.send(
        JSON.stringify({ v: 1, type: 'ack', accountId, generation, fingerprint: `fp-${generation}`, expiresAtMs: login.expiresAtMs }),
      );
    });
    await new Promise<void>((r) => ws.on('open', () => r()));
    ws.send(JSON.stringify({ v: 1, type: 'hello', machineId: 'machine-devbox', host: 'devbox', agentVersion: 't', held: null }));
    await until(() => hub.list()[0]?.held?.generation === 1);
    expect(isBehind(hub.list()[0]!)).toBe(false);
    expect(hub.list()[0]).toMatchObject({ currentGeneration: 1, heldExpiresAtMs: EXPIRES_AT_MS + 1 });

    acks = false;
    assignment = assignmentOf(2);
    await hub.settle();
    const lagging = hub.list()[0]!;
    expect(lagging).toMatchObject({ lagging: true, held: { generation: 1 }, currentGeneration: 2 });
    expect(isBehind(lagging)).toBe(true);

    ws.close();
    await until(() => hub.list()[0]?.connected === false);
    const away = hub.list()[0]!;
    expect(away).toMatchObject({ held: { accountId: 'acct-a', generation: 1, fingerprint: 'fp-1' }, heldExpiresAtMs: EXPIRES_AT_MS + 1 });
    expect(isOutOfReach(away, EXPIRES_AT_MS)).toBe(false);
    expect(isOutOfReach(away, EXPIRES_AT_MS + 1)).toBe(true);

    await hub.dispose();
    hub = openHub();
    expect(hub.list()).toMatchObject([
      { id: 'machine-devbox', connected: false, held: { generation: 1, fingerprint: 'fp-1' }, currentGeneration: 2 },
    ]);
  });
});

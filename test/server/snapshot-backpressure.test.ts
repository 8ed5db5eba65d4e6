import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { silentLogger } from '../../src-main/engine/ports.js';
import { createSnapshotSocket, type SnapshotSocket } from '../../src-main/server/snapshot-socket.js';
import type { SessionView } from '../../src-main/shared/view-model.js';
import { FakeEngine } from '../fakes/fake-engine.js';

let server: Server | null = null;
let snapshots: SnapshotSocket | null = null;
afterEach(async () => {
  await snapshots?.close(100);
  await new Promise((r) => server?.close(r));
  server = null;
});

const bigSessions = (n: number): SessionView[] =>
  Array.from({ length: 2000 }, (_, i) => ({
    id: `s-${n}-${i}`,
    host: 'h'.repeat(40),
    cwd: '/c'.repeat(20),
    state: { kind: 'idle' },
    lastPulseAtMs: n,
    accountId: null,
    loginOverrides: [],
  }));

it('skips sends to a client that stops reading, then delivers the latest snapshot', async () => {
  const engine = new FakeEngine();
  snapshots = createSnapshotSocket({ engine, logger: silentLogger, coalesceMs: 1, maxBufferedBytes: 256 * 1024 });
  server = createServer();
  server.on('upgrade', (req, socket, head) => snapshots?.handleUpgrade(req, socket, head));
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;

  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { maxPayload: 64 * 1024 * 1024 });
  const received: number[] = [];
  ws.on('message', (data) =>
    received.push((JSON.parse(String(data)) as { snapshot: { activeSessionCount: number } }).snapshot.activeSessionCount),
  );
  await new Promise((r) => ws.once('message', r));
  const tcp = (ws as unknown as { _socket: Socket })._socket;
  tcp.pause();

  const pushes = 150;
  for (let n = 1; n <= pushes; n++) {
    engine.setSnapshot({ activeSessionCount: n, sessions: bigSessions(n) });
    await new Promise((r) => setTimeout(r, 3));
  }
  tcp.resume();
  const deadline = Date.now() + 4_000;
  while (received.at(-1) !== pushes && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

  expect(received.at(-1)).toBe(pushes);
  // Every push is ~250 KB: without the check all 150 would have been queued.
  expect(received.length).toBeLessThan(pushes / 2);
  ws.terminate();
});

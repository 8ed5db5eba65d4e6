import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { connectWebSocket } from '../../src-main/cli/heartbeat/mini-ws.js';

let server: Server | null = null;
let wss: WebSocketServer | null = null;
const rawSockets = new Set<{ destroy(): void }>();
afterEach(async () => {
  for (const s of rawSockets) s.destroy();
  rawSockets.clear();
  for (const c of wss?.clients ?? []) c.terminate();
  wss?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = null;
});

async function echoServer(onConnection: (ws: WebSocket, headers: Record<string, unknown>) => void): Promise<URL> {
  server = createServer();
  wss = new WebSocketServer({ server });
  wss.on('connection', (ws, req) => onConnection(ws, req.headers));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  const address = server.address() as { port: number };
  return new URL(`ws://127.0.0.1:${address.port}/heartbeat`);
}

describe('minimal WebSocket client', () => {
  it('exchanges text messages of every length encoding with a real ws server', async () => {
    const url = await echoServer((ws) => ws.on('message', (data) => ws.send(`echo:${data.toString()}`)));
    const socket = await connectWebSocket(url);
    const received: string[] = [];
    socket.onText((t) => received.push(t));
    const sizes = [5, 200, 70_000];
    for (const n of sizes) socket.sendText('x'.repeat(n));
    const deadline = Date.now() + 2000;
    while (received.length < sizes.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(received.map((t) => t.length)).toEqual(sizes.map((n) => n + 5));
    socket.close();
  });

  it('answers pings so a keep-alive server keeps it', async () => {
    let pongs = 0;
    const url = await echoServer((ws) => {
      ws.on('pong', () => pongs++);
      ws.ping('are-you-there');
    });
    const socket = await connectWebSocket(url);
    const deadline = Date.now() + 2000;
    while (pongs === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(pongs).toBe(1);
    socket.close();
  });

  it('reports the close code the server sent', async () => {
    const url = await echoServer((ws) => ws.close(4400, 'bad'));
    const socket = await connectWebSocket(url);
    const code = await new Promise<number>((r) => socket.onClose(r));
    expect(code).toBe(4400);
  });

  it('sends the token as a bearer header on the upgrade', async () => {
    let auth: unknown;
    const url = await echoServer((_ws, headers) => (auth = headers.authorization));
    const socket = await connectWebSocket(url, { token: 't0k3n' });
    socket.close();
    expect(auth).toBe('Bearer t0k3n');
  });

  it('fails fast when nothing listens', async () => {
    const url = await echoServer(() => {});
    await new Promise<void>((r) => server!.close(() => r()));
    server = null;
    const started = Date.now();
    await expect(connectWebSocket(url)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('fails when the server refuses the upgrade', async () => {
    server = createServer((_req, res) => res.end());
    server.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n'));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as { port: number };
    await expect(connectWebSocket(new URL(`ws://127.0.0.1:${port}/heartbeat`))).rejects.toThrow('HTTP 401');
  });

  it('gives up on a server that accepts the connection but never answers', async () => {
    server = createServer();
    server.on('upgrade', (_req, socket) => rawSockets.add(socket));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as { port: number };
    await expect(connectWebSocket(new URL(`ws://127.0.0.1:${port}/heartbeat`), { timeoutMs: 150 })).rejects.toThrow('no WebSocket upgrade');
  });
});

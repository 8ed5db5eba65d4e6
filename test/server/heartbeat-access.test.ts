/**
 * The heartbeat socket answers to the same Host and Origin rules as every route and the dashboard
 * socket (issue 14 item 3, DNS rebinding): a web page whose name rebinds to 127.0.0.1 must not
 * reach it, while Claude Code's hooks (no Origin, a loopback Host) and token-holding remote agents
 * keep working. Real server on 127.0.0.1:0, raw upgrade requests with exactly the headers given.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger, systemClock } from '../../src-main/engine/ports.js';
import { createSessionRegistry, type SessionRegistry } from '../../src-main/engine/sessions/session-registry.js';
import { mountHeartbeat } from '../../src-main/server/mount-heartbeat.js';
import { CloseCode } from '../../src-main/shared/heartbeat-protocol.js';
import type { HttpServerOptions } from '../../src-main/server/http-server.js';
import { RecordingSink, msg } from '../sessions/message-builders.js';
import { startServer, type Harness } from './server-harness.js';

const TOKEN = 'remote-agent-token';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function startMonitor(options: Partial<HttpServerOptions> = {}): Promise<{ h: Harness; registry: SessionRegistry }> {
  const h = await startServer(options);
  const registry = createSessionRegistry({
    clock: systemClock,
    logger: silentLogger,
    events: new RecordingSink(),
    activeAccount: { accountId: () => null },
  });
  const heartbeat = mountHeartbeat({
    server: h.server,
    engine: h.engine,
    registry,
    clock: systemClock,
    logger: silentLogger,
    token: options.token ?? null,
  });
  cleanups.push(async () => {
    await heartbeat.dispose();
    registry.dispose();
    await h.stop();
  });
  return { h, registry };
}

interface Upgrade {
  /** The HTTP status of the answer to the upgrade. */
  readonly status: number;
  /** The close code of the first frame, when the server closed the socket right away; null while it stays open. */
  readonly closeCode: number | null;
  readonly socket: Socket;
  /** Sends one masked text frame and resolves with the first text frame answered, or null when the socket closes first. */
  exchange(text: string): Promise<string | null>;
}

/** Sends a raw WebSocket upgrade for /heartbeat to 127.0.0.1:`port` with exactly `headers`. */
function rawUpgrade(port: number, headers: Record<string, string>, settleMs = 300): Promise<Upgrade> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    cleanups.push(() => void socket.destroy());
    let buffer = Buffer.alloc(0);
    let status: number | null = null;
    let closed = false;
    const textWaiters: ((text: string | null) => void)[] = [];
    let settled = false;
    const settle = (closeCode: number | null) => {
      if (settled || status === null) return;
      settled = true;
      resolve({
        status,
        closeCode,
        socket,
        exchange(text) {
          if (closed) return Promise.resolve(null);
          socket.write(maskedTextFrame(text));
          return new Promise((r) => textWaiters.push(r));
        },
      });
    };
    const readFrames = () => {
      while (buffer.length >= 2) {
        const opcode = buffer[0]! & 0x0f;
        let length = buffer[1]! & 0x7f;
        let offset = 2;
        if (length === 126) {
          if (buffer.length < 4) return;
          length = buffer.readUInt16BE(2);
          offset = 4;
        }
        if (buffer.length < offset + length) return;
        const payload = buffer.subarray(offset, offset + length);
        buffer = buffer.subarray(offset + length);
        if (opcode === 0x8) {
          closed = true;
          settle(payload.length >= 2 ? payload.readUInt16BE(0) : 1005);
          for (const w of textWaiters.splice(0)) w(null);
        } else if (opcode === 0x1) {
          textWaiters.shift()?.(payload.toString('utf8'));
        }
      }
    };
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (status === null) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        status = Number(/^HTTP\/1\.1 (\d{3})/.exec(buffer.subarray(0, end).toString('latin1'))?.[1] ?? 0);
        buffer = buffer.subarray(end + 4);
        if (status !== 101) return settle(null);
        setTimeout(() => settle(null), settleMs);
      }
      readFrames();
    });
    socket.on('close', () => {
      closed = true;
      for (const w of textWaiters.splice(0)) w(null);
      settle(null);
    });
    socket.on('error', reject);
    const lines = [
      'GET /heartbeat HTTP/1.1',
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version: 13',
    ];
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}

/** A client text frame (clients must mask; a zero mask keeps the bytes as they are). */
function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const head =
    payload.length < 126
      ? Buffer.from([0x81, 0x80 | payload.length])
      : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([head, Buffer.alloc(4), payload]);
}

const started = (sessionId: string) => JSON.stringify({ ...msg.started(sessionId), id: 'm1' });

describe('heartbeat socket: DNS rebinding', () => {
  it('refuses an upgrade whose Host is a foreign name with a matching Origin, and records nothing', async () => {
    const { h, registry } = await startMonitor();
    const up = await rawUpgrade(h.server.port, { Host: `evil.example:${h.server.port}`, Origin: `http://evil.example:${h.server.port}` });
    expect(up.closeCode).toBe(CloseCode.Forbidden);
    expect(await up.exchange(started('rebound'))).toBeNull();
    expect(registry.sessions()).toHaveLength(0);
  });

  it('refuses a foreign Host without an Origin too', async () => {
    const { h } = await startMonitor();
    const up = await rawUpgrade(h.server.port, { Host: `evil.example:${h.server.port}` });
    expect(up.closeCode).toBe(CloseCode.Forbidden);
  });

  it('refuses a loopback Host with another port', async () => {
    const { h } = await startMonitor();
    const up = await rawUpgrade(h.server.port, { Host: `127.0.0.1:${h.server.port + 1}` });
    expect(up.closeCode).toBe(CloseCode.Forbidden);
  });

  it('refuses a foreign Origin with a loopback Host', async () => {
    const { h } = await startMonitor();
    const up = await rawUpgrade(h.server.port, { Host: `127.0.0.1:${h.server.port}`, Origin: 'https://evil.example' });
    expect(up.closeCode).toBe(CloseCode.Forbidden);
  });

  it('refuses a foreign Host with a matching Origin on a server with a token (no token sent)', async () => {
    const { h } = await startMonitor({ token: TOKEN });
    const up = await rawUpgrade(h.server.port, { Host: `evil.example:${h.server.port}`, Origin: `http://evil.example:${h.server.port}` });
    expect(up.closeCode).toBe(CloseCode.Forbidden);
  });

  it('refuses a rebound name on a server listening on every interface (token set, none sent)', async () => {
    const { h, registry } = await startMonitor({ host: '0.0.0.0', token: TOKEN });
    const up = await rawUpgrade(h.server.port, { Host: `evil.example:${h.server.port}`, Origin: `http://evil.example:${h.server.port}` });
    expect(up.closeCode).toBe(CloseCode.Unauthorized);
    expect(registry.sessions()).toHaveLength(0);
  });
});

describe('heartbeat socket: legitimate clients', () => {
  it.each(['127.0.0.1', 'localhost'])('serves a hook client with Host %s:PORT and no Origin', async (name) => {
    const { h, registry } = await startMonitor();
    const up = await rawUpgrade(h.server.port, { Host: `${name}:${h.server.port}` });
    expect(up.status).toBe(101);
    expect(up.closeCode).toBeNull();
    expect(JSON.parse((await up.exchange(started(`hook-${name}`))) ?? 'null')).toMatchObject({ type: 'ack', id: 'm1' });
    expect(registry.sessions().map((s) => s.id)).toEqual([`hook-${name}`]);
  });

  it('serves a loopback hook client without the token on a server that has one', async () => {
    const { h } = await startMonitor({ token: TOKEN });
    const up = await rawUpgrade(h.server.port, { Host: `127.0.0.1:${h.server.port}` });
    expect(up.closeCode).toBeNull();
    expect(JSON.parse((await up.exchange(started('hook-token'))) ?? 'null')).toMatchObject({ type: 'ack', id: 'm1' });
  });

  it('serves a remote agent that names the machine and sends the token (server on every interface)', async () => {
    const { h, registry } = await startMonitor({ host: '0.0.0.0', token: TOKEN });
    const up = await rawUpgrade(h.server.port, { Host: `monitor-box.lan:${h.server.port}`, Authorization: `Bearer ${TOKEN}` });
    expect(up.closeCode).toBeNull();
    expect(JSON.parse((await up.exchange(started('remote'))) ?? 'null')).toMatchObject({ type: 'ack', id: 'm1' });
    expect(registry.sessions().map((s) => s.id)).toEqual(['remote']);
  });

  it('refuses a remote agent without the token (server on every interface)', async () => {
    const { h } = await startMonitor({ host: '0.0.0.0', token: TOKEN });
    const up = await rawUpgrade(h.server.port, { Host: `monitor-box.lan:${h.server.port}` });
    expect(up.closeCode).toBe(CloseCode.Unauthorized);
  });
});

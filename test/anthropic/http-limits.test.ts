/**
 * Issue 14 item 8: an upstream answer can neither grow memory without bound (body size cap) nor
 * outlast the deadline by trickling its body (a hard timeout that ends the call whatever fetch does).
 * Real HTTP on loopback.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_RESPONSE_BYTES, sendHttp } from '../../src-main/engine/anthropic/http-call.js';

let server: Server | null = null;
const open = new Set<ServerResponse>();
afterEach(async () => {
  for (const res of open) res.destroy();
  open.clear();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

async function serve(handler: (res: ServerResponse) => void): Promise<string> {
  server = createServer((_req, res) => {
    open.add(res);
    handler(res);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

const request = (url: string, timeoutMs = 2_000) => ({ url, method: 'GET' as const, headers: {}, timeoutMs, secrets: [] });

describe('upstream answers', () => {
  it('refuses a body larger than the cap as a bad response, without reading all of it', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sentBytes = 0;
    const url = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const pump = () => {
        while (sentBytes < 20 * 1024 * 1024) {
          sentBytes += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    const result = await sendHttp(globalThis.fetch, request(url));
    expect(result).toMatchObject({ ok: false, error: { kind: 'bad-response', status: 200 } });
    expect(!result.ok && 'message' in result.error ? result.error.message : '').toMatch(/larger than/);
    expect(MAX_RESPONSE_BYTES).toBe(1024 * 1024);
    expect(sentBytes).toBeLessThan(20 * 1024 * 1024);
  });

  it('ends at the deadline a body that trickles one byte every 50 ms', async () => {
    const url = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
      const timer = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(timer));
    });
    const startedMs = Date.now();
    const result = await sendHttp(globalThis.fetch, request(url, 400));
    const tookMs = Date.now() - startedMs;
    expect(result).toEqual({ ok: false, error: { kind: 'timeout', afterMs: 400 } });
    expect(tookMs).toBeLessThan(1_500);
  });

  it('still reads an ordinary answer', async () => {
    const url = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'retry-after': '5' });
      res.end('{"ok":true}');
    });
    expect(await sendHttp(globalThis.fetch, request(url))).toEqual({
      ok: true,
      value: { status: 200, retryAfter: '5', text: '{"ok":true}' },
    });
  });
});

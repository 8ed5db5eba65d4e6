/**
 * `--tls-cert/--tls-key`: one port speaks HTTPS/WSS and, from loopback only, plain HTTP/WS; a real
 * certificate made by `openssl` in the test (skipped when openssl is missing).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import { request } from 'node:https';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { silentLogger } from '../../src-main/engine/ports.js';
import { closeFront, createTlsFront, isLoopbackAddress } from '../../src-main/server/tls-front.js';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
let cert: Buffer;
let key: Buffer;
let front: Server | null = null;

beforeAll(() => {
  if (!hasOpenssl) return;
  const dir = mkdtempSync(join(tmpdir(), 'ccmax-tls-'));
  const withSan = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { encoding: 'utf8', timeout: 30_000 },
  );
  expect(withSan.status, withSan.stderr).toBe(0);
  cert = readFileSync(join(dir, 'cert.pem'));
  key = readFileSync(join(dir, 'key.pem'));
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

afterEach(async () => {
  if (front) await closeFront(front);
  front = null;
});

async function serve(plainAllowed?: (address: string | undefined) => boolean): Promise<number> {
  const http: HttpServer = createServer((req, res) =>
    res.end(`${req.method} ${(req.socket as { encrypted?: boolean }).encrypted ? 'tls' : 'plain'}`),
  );
  const wss = new WebSocketServer({ noServer: true });
  http.on('upgrade', (req, socket, head) =>
    wss.handleUpgrade(req, socket, head, (ws) => ws.on('message', (m) => ws.send(`echo ${String(m)}`))),
  );
  front = createTlsFront(http, { cert, key }, silentLogger, plainAllowed ? { plainAllowed } : {});
  await new Promise<void>((resolve) => front!.listen(0, '127.0.0.1', () => resolve()));
  return (front.address() as { port: number }).port;
}

const httpsGet = (port: number, ca?: Buffer): Promise<string> =>
  new Promise((resolve, reject) => {
    const rq = request({ host: '127.0.0.1', port, path: '/', method: 'POST', ...(ca ? { ca } : {}) }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    rq.on('error', reject);
    rq.end('x'.repeat(50_000));
  });

const echo = (url: string, ca?: Buffer): Promise<string> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ca ? { ca } : {});
    ws.on('open', () => ws.send('hi'));
    ws.on('message', (m) => {
      resolve(String(m));
      ws.close();
    });
    ws.on('error', reject);
  });

describe.skipIf(!hasOpenssl)('TLS front', () => {
  it('serves HTTPS and WSS with the certificate, and plain HTTP and WS from loopback, on one port', async () => {
    const port = await serve();
    for (let i = 0; i < 5; i++) {
      expect(await httpsGet(port, cert)).toBe('POST tls');
      expect(await (await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: 'y'.repeat(80_000) })).text()).toBe('POST plain');
    }
    expect(await echo(`wss://127.0.0.1:${port}/agent`, cert)).toBe('echo hi');
    expect(await echo(`ws://127.0.0.1:${port}/heartbeat`)).toBe('echo hi');
  });

  it('a client that does not trust the certificate is refused by its own TLS check', async () => {
    const port = await serve();
    await expect(echo(`wss://127.0.0.1:${port}/agent`)).rejects.toThrow(/self.signed|certificate/i);
  });

  it('refuses plain HTTP from beyond loopback: the token would cross in clear', async () => {
    const port = await serve(() => false);
    const text = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(text).toContain('speaks HTTPS');
    expect(await httpsGet(port, cert)).toBe('POST tls');
  });

  it('counts only this machine’s addresses as loopback', () => {
    expect(['127.0.0.1', '127.8.9.1', '::1', '::ffff:127.0.0.1'].every(isLoopbackAddress)).toBe(true);
    expect(['10.0.0.2', '::ffff:10.0.0.2', '192.168.1.127', undefined].some(isLoopbackAddress)).toBe(false);
  });

  it('a certificate that is not one is refused at start', () => {
    expect(() => createTlsFront(createServer(), { cert: Buffer.from('not a cert'), key }, silentLogger)).toThrow();
  });
});

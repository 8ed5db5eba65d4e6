import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src-main/engine/ports.js';
import { createHttpServer } from '../../src-main/server/http-server.js';
import { FakeEngine } from '../fakes/fake-engine.js';
import { send, startServer, type Harness } from './server-harness.js';

const TOKEN = 'tok-3f9a1c77e2b84d05a6c1';
let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

const start = async (options: Parameters<typeof startServer>[0] = {}): Promise<Harness> => (h = await startServer(options));

describe('DNS-rebinding guard on loopback', () => {
  it('refuses a request whose Host is a foreign name', async () => {
    const { server } = await start();
    const res = await send(server.port, { path: '/api/state', headers: { host: `evil.example:${server.port}` } });
    expect(res.status).toBe(403);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('forbidden');
  });

  it('refuses a loopback Host with another port', async () => {
    const { server } = await start();
    expect((await send(server.port, { path: '/api/state', headers: { host: `127.0.0.1:${server.port + 1}` } })).status).toBe(403);
  });

  it('accepts localhost and [::1] with the right port', async () => {
    const { server } = await start();
    expect((await send(server.port, { path: '/api/health', headers: { host: `localhost:${server.port}` } })).status).toBe(200);
    expect((await send(server.port, { path: '/api/health', headers: { host: `[::1]:${server.port}` } })).status).toBe(200);
  });

  it('refuses a request without a Host header', async () => {
    const { server } = await start();
    const statusLine = await new Promise<string>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.write('GET /api/health HTTP/1.0\r\n\r\n'));
      let reply = '';
      socket.on('data', (d: Buffer) => (reply += d.toString()));
      socket.on('close', () => resolve(reply.split('\r\n')[0] ?? ''));
    });
    expect(statusLine).toBe('HTTP/1.1 403 Forbidden');
  });
});

describe('cross-origin guard', () => {
  it('refuses a request from another origin', async () => {
    const { server } = await start();
    const res = await send(server.port, { method: 'POST', path: '/api/refresh', headers: { origin: 'http://evil.example' } });
    expect(res.status).toBe(403);
    expect(h?.engine.calls.refreshNow).toEqual([]);
  });

  it('refuses the opaque origin null', async () => {
    const { server } = await start();
    expect((await send(server.port, { path: '/api/state', headers: { origin: 'null' } })).status).toBe(403);
  });

  it('refuses a loopback origin on another port', async () => {
    const { server } = await start();
    expect((await send(server.port, { path: '/api/state', headers: { origin: `http://127.0.0.1:${server.port + 1}` } })).status).toBe(403);
  });

  it('accepts its own origin', async () => {
    const { server } = await start();
    expect((await send(server.port, { path: '/api/state', headers: { origin: `http://127.0.0.1:${server.port}` } })).status).toBe(200);
  });
});

describe('token', () => {
  it('answers 401 with a clear message and WWW-Authenticate when no token is sent', async () => {
    const { server } = await start({ token: TOKEN });
    const res = await send(server.port, { path: '/api/state' });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="ccmax-monitor"');
    expect(res.json<{ error: { message: string } }>().error.message).toContain('Authorization: Bearer');
  });

  it('requires the token for health too', async () => {
    const { server } = await start({ token: TOKEN });
    expect((await send(server.port, { path: '/api/health' })).status).toBe(401);
  });

  it('requires the token for dashboard files too', async () => {
    const { server } = await start({ token: TOKEN });
    expect((await send(server.port, { path: '/app.js' })).status).toBe(401);
  });

  it('refuses a wrong bearer token', async () => {
    const { server } = await start({ token: TOKEN });
    const res = await send(server.port, { path: '/api/state', headers: { authorization: 'Bearer wrong-token' } });
    expect(res.status).toBe(401);
    expect(res.json<{ error: { message: string } }>().error.message).toContain('does not match');
  });

  it('accepts the bearer token', async () => {
    const { server } = await start({ token: TOKEN });
    expect((await send(server.port, { path: '/api/state', headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it('accepts the token in the query for API calls without setting a cookie', async () => {
    const { server } = await start({ token: TOKEN });
    const res = await send(server.port, { path: `/api/state?token=${TOKEN}` });
    expect(res.status).toBe(200);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('turns a query token on a page load into an HttpOnly SameSite=Strict cookie and strips it from the address', async () => {
    const { server } = await start({ token: TOKEN });
    const res = await send(server.port, { path: `/?token=${TOKEN}&tab=events` });
    expect(res.status).toBe(303);
    expect(res.headers['location']).toBe('/?tab=events');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toContain(`ccmax_token=${TOKEN}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
  });

  it('accepts the cookie on later requests', async () => {
    const { server } = await start({ token: TOKEN });
    const headers = { cookie: `other=1; ccmax_token=${TOKEN}` };
    expect((await send(server.port, { path: '/', headers })).status).toBe(200);
    expect((await send(server.port, { path: '/api/state', headers })).status).toBe(200);
  });

  it('never logs the token', async () => {
    const { server, logger } = await start({ token: TOKEN });
    await send(server.port, { path: `/?token=${TOKEN}` });
    await send(server.port, { path: `/api/state?token=${TOKEN}` });
    await send(server.port, { path: '/api/state', headers: { authorization: `Bearer ${TOKEN}` } });
    await send(server.port, { path: '/api/state', headers: { authorization: 'Bearer nope' } });
    expect(logger.entries.length).toBeGreaterThan(3);
    expect(logger.text()).not.toContain(TOKEN);
  });
});

describe('listening address', () => {
  it('refuses to start on 0.0.0.0 without a token', async () => {
    await expect(start({ host: '0.0.0.0' })).rejects.toThrow('listening on 0.0.0.0 needs a token: pass --token or set CCMAX_TOKEN');
  });

  it('starts on 0.0.0.0 with a token and still checks it', async () => {
    const { server } = await start({ host: '0.0.0.0', token: TOKEN });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect((await send(server.port, { path: '/api/health' })).status).toBe(401);
    expect((await send(server.port, { path: '/api/health', headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it('rejects when the port is taken and leaves no engine subscription behind', async () => {
    const { server } = await start();
    const engine = new FakeEngine();
    const second = createHttpServer({
      engine,
      port: server.port,
      rendererDir: '/nonexistent',
      demo: false,
      version: 'x',
      logger: silentLogger,
      vault: { kind: 'file', location: 'x' },
    });
    await expect(second).rejects.toThrow('EADDRINUSE');
    expect(engine.listenerCount).toBe(0);
  });

  it('refuses a token with spaces', async () => {
    await expect(start({ token: 'has space' })).rejects.toThrow('printable ASCII');
  });

  it('reports a loopback URL with the chosen port', async () => {
    const { server } = await start();
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
  });
});

describe('security headers', () => {
  const expectBaseHeaders = (headers: Record<string, unknown>) => {
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-frame-options']).toBe('DENY');
  };

  it('sets them on JSON, errors, files and refusals', async () => {
    const { server } = await start();
    for (const path of ['/api/state', '/api/nope', '/app.js', '/missing.js'])
      expectBaseHeaders((await send(server.port, { path })).headers);
    expectBaseHeaders((await send(server.port, { path: '/', headers: { origin: 'http://evil.example' } })).headers);
  });

  it('sends the page CSP with the dashboard HTML', async () => {
    const { server } = await start();
    const csp = String((await send(server.port, { path: '/' })).headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    // 'self' covers the dashboard's own ws:/wss: origin (CSP 3); a bare `ws:` would allow any host.
    expect(csp).toMatch(/connect-src 'self'(;|$)/);
    expect(csp).not.toMatch(/\bwss?:/);
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('ships a renderer whose own meta CSP connects to nothing but its origin', async () => {
    const html = await readFile(fileURLToPath(new URL('../../src-renderer/index.html', import.meta.url)), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(meta).toMatch(/connect-src 'self';/);
    expect(meta).not.toMatch(/\bwss?:/);
  });

  it('forbids any script or resource for JSON responses', async () => {
    const { server } = await start();
    expect((await send(server.port, { path: '/api/state' })).headers['content-security-policy']).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
  });
});

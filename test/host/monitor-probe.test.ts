import { createServer, type RequestListener, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { isMonitorAt } from '../../src-main/host/monitor-probe.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

async function serve(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return `http://127.0.0.1:${address.port}`;
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): RequestListener =>
  (_req, res) =>
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

describe('finding another ccmax-monitor', () => {
  it('recognises a healthy ccmax-monitor by its health answer', async () => {
    const url = await serve((req, res) =>
      req.url === '/api/health' ? json(200, { ok: true, product: 'ccmax-monitor', version: '1.0.0' })(req, res) : res.writeHead(404).end(),
    );
    expect(await isMonitorAt(url, { token: null })).toBe(true);
  });

  it('does not mistake another product for ccmax-monitor', async () => {
    const url = await serve(json(200, { ok: true, product: 'something-else' }));
    expect(await isMonitorAt(url, { token: null })).toBe(false);
  });

  it('counts a ccmax-monitor that wants a token we lack as another monitor', async () => {
    const url = await serve(json(401, { error: { code: 'unauthorized' } }, { 'www-authenticate': 'Bearer realm="ccmax-monitor"' }));
    expect(await isMonitorAt(url, { token: null })).toBe(true);
  });

  it('sends CCMAX_TOKEN as a bearer token', async () => {
    let seen: string | undefined;
    const url = await serve((req, res) => {
      seen = req.headers.authorization;
      json(200, { ok: true, product: 'ccmax-monitor' })(req, res);
    });
    await isMonitorAt(url, { token: 's3cret-token' });
    expect(seen).toBe('Bearer s3cret-token');
  });

  it('answers false for a closed port, a non-http address and garbage', async () => {
    const closed = await serve(() => {});
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const garbage = await serve((_req, res) => res.writeHead(200).end('not json'));
    expect(await isMonitorAt(closed, { token: null })).toBe(false);
    expect(await isMonitorAt('file:///etc/passwd', { token: null })).toBe(false);
    expect(await isMonitorAt('not a url', { token: null })).toBe(false);
    expect(await isMonitorAt(garbage, { token: null })).toBe(false);
  });

  it('gives up on a server that never answers within the timeout', async () => {
    const url = await serve(() => {}); // accepts, never responds
    const startedMs = Date.now();
    expect(await isMonitorAt(url, { token: null, timeoutMs: 100 })).toBe(false);
    expect(Date.now() - startedMs).toBeLessThan(1_000);
  });
});

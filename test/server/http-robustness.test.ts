import { request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { send, sendJsonBody, startServer, type Harness } from './server-harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startServer({ maxBodyBytes: 1024 });
});
afterEach(async () => {
  await h.stop();
});

const errorOf = (res: { json: <T>() => T }) => res.json<{ error: { code: string; message: string } }>().error;

/** Streams `chunks` as a chunked body; resolves with the status and Connection header of the reply. */
function sendChunked(port: number, chunks: Buffer[]): Promise<{ status: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const r = request(
      {
        host: '127.0.0.1',
        port,
        method: 'PATCH',
        path: '/api/settings',
        agent: false,
        headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, connection: res.headers.connection });
      },
    );
    // Writes after the server gave up may fail with EPIPE/ECONNRESET; only the reply matters.
    r.on('error', (error) => setTimeout(() => reject(error), 200));
    for (const chunk of chunks) r.write(chunk);
    r.end();
  });
}

describe('request bodies', () => {
  it('answers 413 and closes the connection when Content-Length exceeds the limit', async () => {
    const res = await send(h.server.port, {
      method: 'PATCH',
      path: '/api/settings',
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(4096, 0x20),
    });
    expect(res.status).toBe(413);
    expect(errorOf(res).code).toBe('payload-too-large');
    expect(res.headers['connection']).toBe('close');
  });

  it('answers 413 when a chunked body grows past the limit', async () => {
    const chunk = Buffer.alloc(600, 0x20);
    const res = await sendChunked(h.server.port, [chunk, chunk, chunk]);
    expect(res.status).toBe(413);
    expect(res.connection).toBe('close');
  });

  it('keeps serving after an oversize body', async () => {
    await send(h.server.port, {
      method: 'PATCH',
      path: '/api/settings',
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(4096, 0x20),
    });
    expect((await send(h.server.port, { path: '/api/health' })).status).toBe(200);
  });

  it('answers 400 for malformed JSON', async () => {
    const res = await send(h.server.port, {
      method: 'PATCH',
      path: '/api/settings',
      headers: { 'content-type': 'application/json' },
      body: '{"notifications": fal',
    });
    expect(res.status).toBe(400);
    expect(errorOf(res)).toEqual({
      code: 'invalid-json',
      message: 'The request body is not valid JSON; check the syntax and send it again.',
    });
  });

  it('answers 415 for a body that is not declared as JSON', async () => {
    const res = await send(h.server.port, {
      method: 'PATCH',
      path: '/api/settings',
      headers: { 'content-type': 'text/plain' },
      body: '{"notifications":false}',
    });
    expect(res.status).toBe(415);
    expect(h.engine.calls.updateSettings).toEqual([]);
  });

  it('accepts a charset parameter on the JSON content type', async () => {
    const res = await send(h.server.port, {
      method: 'PATCH',
      path: '/api/settings',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{"notifications":false}',
    });
    expect(res.status).toBe(200);
  });

  it('refuses unknown fields with 400 naming them', async () => {
    const res = await sendJsonBody(h.server.port, 'PATCH', '/api/settings', { notifications: false, colour: 'blue' });
    expect(res.status).toBe(400);
    expect(errorOf(res).message).toContain('colour');
    expect(h.engine.calls.updateSettings).toEqual([]);
  });

  it('refuses unknown fields in an account patch', async () => {
    const res = await sendJsonBody(h.server.port, 'PATCH', '/api/accounts/acct-1', { enabled: false, admin: true });
    expect(res.status).toBe(400);
    expect(errorOf(res).message).toContain('admin');
  });

  it('refuses unknown fields in a refresh body', async () => {
    expect((await sendJsonBody(h.server.port, 'POST', '/api/refresh', { everything: true })).status).toBe(400);
  });

  it('refuses a missing body where one is required', async () => {
    expect((await send(h.server.port, { method: 'PATCH', path: '/api/settings' })).status).toBe(400);
  });

  it('refuses a JSON array where an object is expected', async () => {
    expect((await sendJsonBody(h.server.port, 'POST', '/api/accounts', [1, 2])).status).toBe(400);
  });

  it('refuses a body on the import route', async () => {
    expect((await sendJsonBody(h.server.port, 'POST', '/api/accounts/import', { path: '/etc' })).status).toBe(400);
    expect(h.engine.calls.importFromClaudeCode).toBe(0);
  });
});

describe('methods and unknown addresses', () => {
  it('answers 405 with Allow for a wrong method on an API route', async () => {
    const res = await send(h.server.port, { method: 'DELETE', path: '/api/state' });
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('GET, HEAD');
  });

  it('lists every method of a path in Allow', async () => {
    const res = await send(h.server.port, { method: 'PUT', path: '/api/accounts/acct-1' });
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('PATCH, DELETE');
  });

  it('answers 405 for a write to a dashboard file', async () => {
    const res = await send(h.server.port, { method: 'POST', path: '/index.html' });
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('GET, HEAD');
  });

  it('answers 404 JSON for an unknown API path', async () => {
    const res = await send(h.server.port, { path: '/api/nope' });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(errorOf(res).code).toBe('not-found');
  });

  it('serves HEAD for an API route without a body', async () => {
    const res = await send(h.server.port, { method: 'HEAD', path: '/api/health' });
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
  });
});

describe('engine failures', () => {
  it('answers 500 with a generic message when the engine throws, and logs it', async () => {
    h.engine.throwOn.add('snapshot');
    const res = await send(h.server.port, { path: '/api/state' });
    expect(res.status).toBe(500);
    expect(errorOf(res)).toEqual({
      code: 'internal',
      message: 'Something went wrong inside ccmax-monitor; the server log has the details.',
    });
    expect(h.logger.entries.some((e) => e.level === 'error' && String(e.fields?.['error']).includes('fake engine failure: snapshot'))).toBe(
      true,
    );
  });

  it('keeps serving after an engine method threw', async () => {
    h.engine.throwOn.add('accounts.remove');
    expect((await send(h.server.port, { method: 'DELETE', path: '/api/accounts/acct-1' })).status).toBe(500);
    h.engine.throwOn.clear();
    expect((await send(h.server.port, { path: '/api/state' })).status).toBe(200);
  });

  it('answers 500 when refreshNow throws synchronously', async () => {
    h.engine.refreshNow = () => {
      throw new Error('sync failure');
    };
    expect((await send(h.server.port, { method: 'POST', path: '/api/refresh' })).status).toBe(500);
    expect((await send(h.server.port, { path: '/api/health' })).status).toBe(200);
  });
});

describe('slow clients', () => {
  it('cuts off a client that never finishes its headers', async () => {
    const slow = await startServer({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
    try {
      const started = Date.now();
      const outcome = await new Promise<string>((resolve) => {
        const socket = connect(slow.server.port, '127.0.0.1');
        socket.write(`GET /api/health HTTP/1.1\r\nHost: ${slow.hostHeader}\r\n`);
        let reply = '';
        socket.on('data', (d: Buffer) => (reply += d.toString()));
        socket.on('close', () => resolve(reply.split('\r\n')[0] ?? ''));
        socket.on('error', () => resolve('error'));
      });
      expect(outcome).toBe('HTTP/1.1 408 Request Timeout');
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await slow.stop();
    }
  });
});

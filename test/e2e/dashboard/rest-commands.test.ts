/**
 * The REST fallback of the dashboard bridge against a real HTTP server on 127.0.0.1 (port 0) that
 * records each request and answers like the ccmax-monitor API.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { CommandHandlers } from '../../../src-main/shared/contract.js';
import { createRestCommands } from '../../../src-renderer/lib/rest-commands.js';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly body: unknown;
}

let server: Server;
let commands: CommandHandlers;
const seen: Seen[] = [];
let reply: { status: number; body: unknown } = { status: 200, body: {} };

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : JSON.parse(text);
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void readBody(req).then((body) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', body });
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  commands = createRestCommands({ baseUrl: `http://127.0.0.1:${port}`, fetch: (url, init) => fetch(url, init) });
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen.length = 0;
  reply = { status: 200, body: {} };
});

describe('REST fallback commands', () => {
  test('map each command to its API request', async () => {
    const account = { id: 'a', email: 'a@example.com', label: null, enabled: true, plan: null };
    reply = { status: 200, body: { account, events: [], ok: true } };
    await commands.getSnapshot({});
    await commands.getEvents({ sinceMs: 5, kinds: ['account-switched', 'switch-deferred'], accountId: 'a b', limit: 20 });
    await commands.refreshNow({ accountId: 'a' });
    await commands.switchTo({ accountId: 'a' });
    await commands.pauseRotation({});
    await commands.resumeRotation({});
    await commands.importFromClaudeCode({});
    await commands.addFromCredentialsJson({ json: '{"claudeAiOauth":{"accessToken":"t"}}' });
    await commands.setLabel({ accountId: 'a/1', label: 'work' });
    await commands.setEnabled({ accountId: 'a', enabled: false });
    await commands.removeAccount({ accountId: 'a' });
    await commands.updateSettings({ fiveHourThresholdPct: 70 });
    expect(seen).toEqual([
      { method: 'GET', url: '/api/state', body: undefined },
      { method: 'GET', url: '/api/events?since=5&kind=account-switched%2Cswitch-deferred&account=a+b&limit=20', body: undefined },
      { method: 'POST', url: '/api/refresh', body: { accountId: 'a' } },
      { method: 'POST', url: '/api/switch', body: { accountId: 'a' } },
      { method: 'POST', url: '/api/pause', body: {} },
      { method: 'POST', url: '/api/resume', body: {} },
      { method: 'POST', url: '/api/accounts/import', body: {} },
      { method: 'POST', url: '/api/accounts', body: { credentials: { claudeAiOauth: { accessToken: 't' } } } },
      { method: 'PATCH', url: '/api/accounts/a%2F1', body: { label: 'work' } },
      { method: 'PATCH', url: '/api/accounts/a', body: { enabled: false } },
      { method: 'DELETE', url: '/api/accounts/a', body: undefined },
      { method: 'PATCH', url: '/api/settings', body: { fiveHourThresholdPct: 70 } },
    ]);
  });

  test('return the account of an account reply as the value', async () => {
    const account = { id: 'a', email: 'a@example.com', label: 'w', enabled: true, plan: 'Max 5x' };
    reply = { status: 201, body: { account } };
    expect(await commands.importFromClaudeCode({})).toEqual({ ok: true, value: account });
  });

  test('turn an API error body into the command error', async () => {
    reply = { status: 404, body: { error: { code: 'not-found', message: 'No account has the id "x".' } } };
    expect(await commands.removeAccount({ accountId: 'x' })).toEqual({
      ok: false,
      error: { code: 'not-found', message: 'No account has the id "x".' },
    });
  });

  test('refuse credentials that are not JSON without sending or repeating them', async () => {
    const result = await commands.addFromCredentialsJson({ json: 'sk-ant-oat01-SECRET not json' });
    expect(seen).toEqual([]);
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('SECRET');
  });

  test('report an unreachable server as a network error', async () => {
    const offline = createRestCommands({ baseUrl: 'http://127.0.0.1:1', fetch: (url, init) => fetch(url, init) });
    const result = await offline.refreshNow({});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('network');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CloseCode } from '../../src-main/server/close-codes.js';
import { startServer, type Harness } from './server-harness.js';
import { connect, terminateAll } from './ws-client.js';

let h: Harness | null = null;
afterEach(async () => {
  terminateAll();
  await h?.stop();
  h = null;
});

const start = async (options: Parameters<typeof startServer>[0] = {}): Promise<Harness> => (h = await startServer(options));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('calls over /api/ws', () => {
  it('answers getSnapshot with the engine snapshot under the call id', async () => {
    const { server, engine } = await start();
    const client = await connect(server.port);
    client.ws.send(JSON.stringify({ type: 'call', id: 7, name: 'getSnapshot', args: {} }));
    const message = await client.waitFor((m) => m.type === 'result');
    expect(message).toEqual({ type: 'result', id: 7, result: { ok: true, value: JSON.parse(JSON.stringify(engine.snapshotValue)) } });
  });

  it('runs refreshNow for the account named and answers accepted', async () => {
    const { server, engine } = await start();
    const client = await connect(server.port);
    expect(await client.call('refreshNow', { accountId: 'acct-1' })).toEqual({ ok: true, value: { accepted: true } });
    expect(engine.calls.refreshNow).toEqual(['acct-1']);
  });

  it('pins an account with switchTo', async () => {
    const { server, engine } = await start();
    const client = await connect(server.port);
    expect(await client.call('switchTo', { accountId: 'acct-1' })).toEqual({ ok: true, value: { accepted: true } });
    expect(engine.calls.switchTo).toEqual(['acct-1']);
  });

  it('answers switchTo an unusable account with its error and keeps the socket open', async () => {
    const { server, engine } = await start();
    engine.unusableAccountIds.add('acct-1');
    const client = await connect(server.port);
    const result = await client.call('switchTo', { accountId: 'acct-1' });
    expect(result).toEqual({ ok: false, error: { code: 'unusable', message: 'acct-1 cannot be used now (it needs a new login).' } });
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('answers setLabel with a bad argument as invalid-arguments without touching the engine', async () => {
    const { server, engine } = await start();
    const client = await connect(server.port);
    const result = await client.call('setLabel', { accountId: 'acct-1', label: 42 });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('invalid-arguments');
    expect(!result.ok && result.error.message).toContain('label');
    expect(engine.accountList[0]?.label).toBeNull();
  });

  it('pauses and resumes rotation, and pushes the paused snapshot', async () => {
    const { server, engine } = await start();
    const client = await connect(server.port);
    expect(await client.call('pauseRotation')).toEqual({ ok: true, value: { paused: true } });
    await client.waitFor((m) => m.type === 'snapshot' && m.snapshot?.paused === true);
    expect(await client.call('resumeRotation')).toEqual({ ok: true, value: { paused: false } });
    expect([engine.calls.pause, engine.calls.resume]).toEqual([1, 1]);
  });

  it('runs a call that leaves out args as if it sent {}', async () => {
    const { server } = await start();
    const client = await connect(server.port);
    client.ws.send(JSON.stringify({ type: 'call', id: 3, name: 'getEvents' }));
    const message = await client.waitFor((m) => m.type === 'result' && m.id === 3);
    expect(message.result?.ok).toBe(true);
  });

  it('accepts a call carrying 64 KiB of credentials JSON and never echoes or logs it', async () => {
    const { server, engine, logger } = await start();
    const client = await connect(server.port);
    const inner = { accessToken: 'sk-ant-oat01-SECRETACCESS', refreshToken: 'sk-ant-ort01-SECRETREFRESH', note: '' };
    // Quotes: every one doubles when escaped into the json string, and again inside the call message.
    inner.note = '"'.repeat(Math.floor((64 * 1024 - JSON.stringify({ claudeAiOauth: inner }).length) / 2));
    const json = JSON.stringify({ claudeAiOauth: inner });
    expect(json.length).toBeGreaterThan(64 * 1024 - 2);
    expect(json.length).toBeLessThanOrEqual(64 * 1024);
    expect(JSON.stringify({ type: 'call', id: 1, name: 'addFromCredentialsJson', args: { json } }).length).toBeGreaterThan(120 * 1024);
    const result = await client.call('addFromCredentialsJson', { json });
    expect(result).toEqual({
      ok: true,
      value: { id: 'acct-new', email: 'new@example.com', label: null, enabled: true, plan: 'Max 20x', outcome: 'added' },
    });
    expect(engine.calls.addFromCredentialsJson).toEqual([json]);
    expect(JSON.stringify(client.messages)).not.toContain('SECRET');
    expect(logger.text()).not.toContain('SECRET');
  });

  it('answers an engine failure as an internal error result', async () => {
    const { server, engine } = await start();
    const client = await connect(server.port);
    engine.throwOn.add('events');
    const result = await client.call('getEvents', {});
    expect(!result.ok && result.error.code).toBe('internal');
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('answers each call when it completes, so results can overtake each other', async () => {
    const { server, engine } = await start();
    let release!: () => void;
    engine.importGate = new Promise((r) => (release = r));
    const client = await connect(server.port);
    const slow = client.call('importFromClaudeCode', {}, 1);
    await client.call('getSnapshot', {}, 2);
    expect(client.results().map((m) => m.id)).toEqual([2]);
    release();
    expect((await slow).ok).toBe(true);
    expect(client.results().map((m) => m.id)).toEqual([2, 1]);
  });
});

describe('unknown and malformed calls', () => {
  it('answers an unknown command with an unknown-command result and keeps the socket open', async () => {
    const { server } = await start();
    const client = await connect(server.port);
    const result = await client.call('launchRockets', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown-command' } });
    expect(!result.ok && result.error.message).toContain('launchRockets');
    expect((await client.call('getSnapshot')).ok).toBe(true);
  });

  it('treats inherited names such as toString as unknown commands', async () => {
    const { server } = await start();
    const client = await connect(server.port);
    expect(await client.call('toString')).toMatchObject({ ok: false, error: { code: 'unknown-command' } });
    expect(await client.call('__proto__')).toMatchObject({ ok: false, error: { code: 'unknown-command' } });
  });

  const malformed: [string, unknown][] = [
    ['a call without an id', { type: 'call', name: 'getSnapshot', args: {} }],
    ['a call with a string id', { type: 'call', id: '1', name: 'getSnapshot', args: {} }],
    ['a call with a fractional id', { type: 'call', id: 1.5, name: 'getSnapshot', args: {} }],
    ['a call with a negative id', { type: 'call', id: -1, name: 'getSnapshot', args: {} }],
    ['a call without a name', { type: 'call', id: 1, args: {} }],
    ['a call with a numeric name', { type: 'call', id: 1, name: 5 }],
    ['a call with an extra field', { type: 'call', id: 1, name: 'getSnapshot', args: {}, token: 'x' }],
    ['an array', [{ type: 'call', id: 1, name: 'getSnapshot' }]],
    ['a message without a type', { id: 1, name: 'getSnapshot' }],
  ];
  for (const [what, message] of malformed) {
    it(`closes with 4400 on ${what}`, async () => {
      const { server } = await start();
      const client = await connect(server.port);
      client.ws.send(JSON.stringify(message));
      const closed = await client.closed;
      expect(closed.code).toBe(CloseCode.BadRequest);
      expect(closed.reason.length).toBeGreaterThan(10);
      expect(client.results()).toEqual([]);
    });
  }
});

describe('binary messages', () => {
  it('closes with 4400 on a binary message, even one holding a valid call', async () => {
    const { server } = await start();
    const client = await connect(server.port);
    client.ws.send(Buffer.from(JSON.stringify({ type: 'call', id: 1, name: 'getSnapshot', args: {} })));
    expect((await client.closed).code).toBe(CloseCode.BadRequest);
    expect(client.results()).toEqual([]);
  });
});

describe('limits', () => {
  it('answers rate-limited once the burst is spent, and serves again after the bucket refills', async () => {
    const { server } = await start({ wsCallLimits: { callsPerSec: 10, burst: 3, refusalsBeforeClose: 10 } });
    const client = await connect(server.port);
    for (let i = 0; i < 3; i++) expect((await client.call('getSnapshot')).ok).toBe(true);
    const refused = await client.call('getSnapshot');
    expect(refused).toMatchObject({ ok: false, error: { code: 'rate-limited' } });
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    await sleep(150);
    expect((await client.call('getSnapshot')).ok).toBe(true);
  });

  it('closes with 4429 a client that keeps flooding after rate-limited answers', async () => {
    const { server } = await start();
    const client = await connect(server.port);
    for (let id = 1; id <= 200; id++) client.ws.send(JSON.stringify({ type: 'call', id, name: 'getSnapshot', args: {} }));
    const closed = await client.closed;
    expect(closed.code).toBe(CloseCode.TooManyRequests);
    expect(closed.reason).toContain('too many calls');
    const codes = client.results().map((m) => (m.result?.ok ? 'ok' : m.result?.error.code));
    expect(codes).toContain('rate-limited');
    // Burst 40 (plus what refilled meanwhile) ran or was answered busy; at most 40 refusals before the close.
    expect(codes.filter((c) => c !== 'rate-limited').length).toBeLessThanOrEqual(45);
    expect(codes.filter((c) => c === 'rate-limited').length).toBeLessThanOrEqual(45);
  });

  it('answers busy beyond 8 calls in flight, and runs them all once they finish', async () => {
    const { server, engine } = await start();
    let release!: () => void;
    engine.importGate = new Promise((r) => (release = r));
    const client = await connect(server.port);
    const pending = Array.from({ length: 10 }, (_, i) => client.call('importFromClaudeCode', {}, i + 1));
    await client.waitFor((m) => m.type === 'result' && m.id === 10);
    expect(client.results().map((m) => [m.id, m.result?.ok ? 'ok' : m.result?.error.code])).toEqual([
      [9, 'busy'],
      [10, 'busy'],
    ]);
    expect(engine.calls.importFromClaudeCode).toBe(8);
    release();
    const results = await Promise.all(pending);
    expect(results.filter((r) => r.ok)).toHaveLength(8);
    expect((await client.call('importFromClaudeCode')).ok).toBe(true);
  });

  it('drops the results of calls still running when the client leaves, without logging errors', async () => {
    const { server, engine, logger } = await start();
    let release!: () => void;
    engine.importGate = new Promise((r) => (release = r));
    const client = await connect(server.port);
    client.ws.send(JSON.stringify({ type: 'call', id: 1, name: 'importFromClaudeCode', args: {} }));
    await new Promise<void>((r) => (engine.calls.importFromClaudeCode > 0 ? r() : setTimeout(r, 50)));
    client.ws.close();
    await client.closed;
    release();
    await sleep(20);
    expect(logger.entries.filter((e) => e.level === 'error' || e.level === 'warn')).toEqual([]);
  });
});

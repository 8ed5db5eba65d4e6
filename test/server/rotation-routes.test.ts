import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { send, sendJsonBody, startServer, type Harness } from './server-harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startServer();
});
afterEach(async () => {
  await h.stop();
});

const post = (path: string, body?: unknown) =>
  body === undefined ? send(h.server.port, { method: 'POST', path }) : sendJsonBody(h.server.port, 'POST', path, body);

describe('POST /api/switch/now', () => {
  it('lets the held switch go ahead and answers 202 (no body, or {})', async () => {
    expect((await post('/api/switch/now')).status).toBe(202);
    const res = await post('/api/switch/now', {});
    expect(res.status).toBe(202);
    expect(res.json()).toEqual({ ok: true });
    expect(h.engine.calls.switchNow).toBe(2);
  });

  it('answers 409 nothing-held when no switch is held', async () => {
    h.engine.switchNowAccepted = false;
    const res = await post('/api/switch/now');
    expect(res.status).toBe(409);
    expect((res.json() as { error: { code: string } }).error.code).toBe('nothing-held');
  });

  it('refuses a body with fields', async () => {
    const res = await post('/api/switch/now', { accountId: 'acct-1' });
    expect(res.status).toBe(400);
    expect(h.engine.calls.switchNow).toBe(0);
  });
});

describe('POST /api/switch', () => {
  it('pins an account and answers 202 with the pin', async () => {
    const res = await post('/api/switch', { accountId: 'acct-1' });
    expect(res.status).toBe(202);
    expect(res.json()).toEqual({ ok: true, pinnedAccountId: 'acct-1' });
    expect(h.engine.calls.switchTo).toEqual(['acct-1']);
  });

  it('unpins with a null account id', async () => {
    const res = await post('/api/switch', { accountId: null });
    expect(res.status).toBe(202);
    expect(res.json()).toEqual({ ok: true, pinnedAccountId: null });
    expect(h.engine.calls.switchTo).toEqual([null]);
  });

  it('answers 404 for an unknown account', async () => {
    const res = await post('/api/switch', { accountId: 'nobody' });
    expect(res.status).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not-found', message: "No account has the id 'nobody'. GET /api/accounts lists them." } });
  });

  it('answers 409 with the engine message for an unusable account', async () => {
    h.engine.unusableAccountIds.add('acct-1');
    const res = await post('/api/switch', { accountId: 'acct-1' });
    expect(res.status).toBe(409);
    expect(res.json()).toEqual({ error: { code: 'unusable', message: 'acct-1 cannot be used now (it needs a new login).' } });
  });

  it('refuses a missing body with 400 without calling the engine', async () => {
    expect((await post('/api/switch')).status).toBe(400);
    expect(h.engine.calls.switchTo).toEqual([]);
  });

  it('refuses a body without accountId, or with an unknown field, with 400', async () => {
    expect((await post('/api/switch', {})).status).toBe(400);
    const res = await post('/api/switch', { accountId: 'acct-1', force: true });
    expect(res.status).toBe(400);
    expect(res.json<{ error: { message: string } }>().error.message).toContain('force');
    expect(h.engine.calls.switchTo).toEqual([]);
  });

  it('refuses a non-string account id with 400', async () => {
    expect((await post('/api/switch', { accountId: 7 })).status).toBe(400);
    expect((await post('/api/switch', { accountId: '' })).status).toBe(400);
  });
});

describe('POST /api/pause and /api/resume', () => {
  it('pauses rotation and answers 202 with paused true', async () => {
    const res = await post('/api/pause');
    expect(res.status).toBe(202);
    expect(res.json()).toEqual({ ok: true, paused: true });
    expect(h.engine.calls.pause).toBe(1);
    expect(h.engine.snapshotValue.paused).toBe(true);
  });

  it('resumes rotation and answers 202 with paused false', async () => {
    await post('/api/pause', {});
    const res = await post('/api/resume', {});
    expect(res.status).toBe(202);
    expect(res.json()).toEqual({ ok: true, paused: false });
    expect(h.engine.calls.resume).toBe(1);
    expect(h.engine.snapshotValue.paused).toBe(false);
  });

  it('refuses a body with fields with 400 without pausing', async () => {
    const res = await post('/api/pause', { minutes: 5 });
    expect(res.status).toBe(400);
    expect(h.engine.calls.pause).toBe(0);
  });

  it('answers 405 to GET', async () => {
    const res = await send(h.server.port, { path: '/api/resume' });
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('POST');
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { send, sendJsonBody, startServer, type Harness } from './server-harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startServer();
});
afterEach(async () => {
  await h.stop();
});

const get = (path: string) => send(h.server.port, { path });

describe('read routes', () => {
  it('reports health with version, demo flag, uptime and account count', async () => {
    const res = await get('/api/health');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = res.json();
    expect(body).toMatchObject({ ok: true, product: 'ccmax-monitor', version: '9.9.9-test', demo: false, accounts: 1 });
    expect(typeof body['uptimeMs']).toBe('number');
  });

  it('serves the engine snapshot at /api/state', async () => {
    h.engine.setSnapshot({ paused: true, activeSessionCount: 3 });
    const res = await get('/api/state');
    expect(res.status).toBe(200);
    expect(res.json()).toEqual(JSON.parse(JSON.stringify(h.engine.snapshotValue)));
  });

  it('passes validated event filters to the engine and returns its events', async () => {
    const res = await get('/api/events?since=5&kind=account-switched,usage-polled&account=acct-1&limit=1');
    expect(res.status).toBe(200);
    expect(h.engine.calls.events.at(-1)).toEqual({
      sinceMs: 5,
      kinds: ['account-switched', 'usage-polled'],
      accountId: 'acct-1',
      limit: 1,
    });
    const events = res.json<{ events: { kind: string }[] }>().events;
    expect(events.map((e) => e.kind)).toEqual(['account-switched']);
  });

  it('refuses an unknown event kind with 400 naming it', async () => {
    const res = await get('/api/events?kind=account-exploded');
    expect(res.status).toBe(400);
    expect(res.json<{ error: { code: string; message: string } }>().error.message).toContain('account-exploded');
  });

  it('refuses a non-numeric since with 400', async () => {
    expect((await get('/api/events?since=yesterday')).status).toBe(400);
  });

  it('refuses a limit above 1000 with 400', async () => {
    expect((await get('/api/events?limit=5000')).status).toBe(400);
  });

  it('returns the settings at /api/settings', async () => {
    const res = await get('/api/settings');
    expect(res.status).toBe(200);
    expect(res.json()).toEqual(h.engine.settingsValue);
  });

  it('lists accounts without anything but their public fields', async () => {
    const res = await get('/api/accounts');
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ accounts: [{ id: 'acct-1', email: 'one@example.com', label: null, enabled: true, plan: 'Max 20x' }] });
  });

  it('answers a plain GET of the WebSocket address with 426', async () => {
    const res = await get('/api/ws');
    expect(res.status).toBe(426);
    expect(res.headers['upgrade']).toBe('websocket');
  });
});

describe('refresh', () => {
  it('answers 202 before the poll finishes', async () => {
    let release!: () => void;
    h.engine.refreshGate = new Promise((r) => (release = r));
    const res = await send(h.server.port, { method: 'POST', path: '/api/refresh' });
    expect(res.status).toBe(202);
    expect(res.json()).toEqual({ ok: true });
    expect(h.engine.calls.refreshNow).toEqual([undefined]);
    release();
  });

  it('refreshes one account when its id is given', async () => {
    const res = await sendJsonBody(h.server.port, 'POST', '/api/refresh', { accountId: 'acct-1' });
    expect(res.status).toBe(202);
    expect(h.engine.calls.refreshNow).toEqual(['acct-1']);
  });

  it('reports an unknown account id as 404 without polling', async () => {
    const res = await sendJsonBody(h.server.port, 'POST', '/api/refresh', { accountId: 'nobody' });
    expect(res.status).toBe(404);
    expect(h.engine.calls.refreshNow).toEqual([]);
  });

  it('logs a poll that fails after the reply instead of crashing', async () => {
    h.engine.refreshGate = Promise.reject(new Error('poll exploded'));
    h.engine.refreshGate.catch(() => {});
    expect((await send(h.server.port, { method: 'POST', path: '/api/refresh' })).status).toBe(202);
    await new Promise((r) => setTimeout(r, 20));
    expect(h.logger.entries.some((e) => e.level === 'error' && String(e.fields?.['error']).includes('poll exploded'))).toBe(true);
    expect((await get('/api/health')).status).toBe(200);
  });
});

describe('accounts', () => {
  it('adds an account from credentials and never echoes them', async () => {
    const credentials = {
      claudeAiOauth: { accessToken: 'sk-ant-oat01-SECRETACCESS', refreshToken: 'sk-ant-ort01-SECRETREFRESH', expiresAt: 1795554139000 },
    };
    const res = await sendJsonBody(h.server.port, 'POST', '/api/accounts', { credentials });
    expect(res.status).toBe(201);
    expect(res.json()).toEqual({
      account: { id: 'acct-new', email: 'new@example.com', label: null, enabled: true, plan: 'Max 20x', outcome: 'added' },
    });
    expect(res.text).not.toContain('SECRET');
    expect(JSON.parse(h.engine.calls.addFromCredentialsJson[0] ?? '{}')).toEqual(credentials);
  });

  it('maps invalid credentials to 400 with the engine message', async () => {
    const res = await sendJsonBody(h.server.port, 'POST', '/api/accounts', { credentials: { nothing: true } });
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({
      error: { code: 'invalid-credentials', message: 'The credentials have no accessToken; paste the whole file.' },
    });
  });

  it('maps a profile failure to 502', async () => {
    h.engine.nextAccountError = { kind: 'profile-failed', message: 'Could not read the profile.' };
    const res = await sendJsonBody(h.server.port, 'POST', '/api/accounts', { credentials: { accessToken: 'x' } });
    expect(res.status).toBe(502);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('profile-failed');
  });

  it('maps a vault failure to 500 with the engine message', async () => {
    h.engine.nextAccountError = { kind: 'vault-failed', message: 'The keychain is locked; unlock it and retry.' };
    const res = await send(h.server.port, { method: 'POST', path: '/api/accounts/import' });
    expect(res.status).toBe(500);
    expect(res.json<{ error: { message: string } }>().error.message).toBe('The keychain is locked; unlock it and retry.');
  });

  it('imports the login Claude Code holds', async () => {
    const res = await send(h.server.port, { method: 'POST', path: '/api/accounts/import' });
    expect(res.status).toBe(201);
    expect(res.json<{ account: { id: string } }>().account.id).toBe('acct-imported');
    expect(h.engine.calls.importFromClaudeCode).toBe(1);
  });

  it('refuses an import that carries a body, saying the login comes from Claude Code', async () => {
    const res = await sendJsonBody(h.server.port, 'POST', '/api/accounts/import', { credentials: {} });
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({
      error: { code: 'bad-request', message: 'This request takes no body (or {}); it imports the login Claude Code holds now.' },
    });
    expect(h.engine.calls.importFromClaudeCode).toBe(0);
  });

  it('maps a missing Claude Code login to 400', async () => {
    h.engine.nextAccountError = { kind: 'no-login', message: 'Claude Code is not logged in; run claude /login first.' };
    expect((await sendJsonBody(h.server.port, 'POST', '/api/accounts/import', {})).status).toBe(400);
  });

  it('labels and disables an account in one PATCH', async () => {
    const res = await sendJsonBody(h.server.port, 'PATCH', '/api/accounts/acct-1', { label: 'work', enabled: false });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ account: { id: 'acct-1', email: 'one@example.com', label: 'work', enabled: false, plan: 'Max 20x' } });
    expect(h.engine.accountList[0]).toMatchObject({ label: 'work', enabled: false });
  });

  it('clears a label with null', async () => {
    h.engine.accountList = [{ ...h.engine.accountList[0]!, label: 'old' }];
    const res = await sendJsonBody(h.server.port, 'PATCH', '/api/accounts/acct-1', { label: null });
    expect(res.json<{ account: { label: unknown } }>().account.label).toBeNull();
  });

  it('refuses an empty PATCH with 400', async () => {
    expect((await sendJsonBody(h.server.port, 'PATCH', '/api/accounts/acct-1', {})).status).toBe(400);
  });

  it('answers 404 when patching an unknown account', async () => {
    const res = await sendJsonBody(h.server.port, 'PATCH', '/api/accounts/nobody', { enabled: true });
    expect(res.status).toBe(404);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('not-found');
  });

  it('decodes percent-encoded ids in the path', async () => {
    h.engine.accountList = [{ id: 'a b/c', email: 'x@example.com', label: null, enabled: true, plan: null }];
    const res = await send(h.server.port, { method: 'DELETE', path: '/api/accounts/a%20b%2Fc' });
    expect(res.status).toBe(200);
    expect(h.engine.accountList).toEqual([]);
  });

  it('removes an account and returns it', async () => {
    const res = await send(h.server.port, { method: 'DELETE', path: '/api/accounts/acct-1' });
    expect(res.status).toBe(200);
    expect(res.json<{ account: { id: string } }>().account.id).toBe('acct-1');
    expect(h.engine.accountList).toEqual([]);
  });
});

describe('settings', () => {
  it('applies a settings patch and returns the new settings', async () => {
    const res = await sendJsonBody(h.server.port, 'PATCH', '/api/settings', { fiveHourThresholdPct: 85, deferralMode: 'turn' });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ fiveHourThresholdPct: 85, deferralMode: 'turn', hysteresisPct: 10 });
    expect(h.engine.calls.updateSettings).toEqual([{ fiveHourThresholdPct: 85, deferralMode: 'turn' }]);
  });

  it('passes only the fields sent, never defaults for the others', async () => {
    await sendJsonBody(h.server.port, 'PATCH', '/api/settings', { notifications: false });
    expect(h.engine.calls.updateSettings).toEqual([{ notifications: false }]);
  });

  it('answers 400 with the validation message for an out-of-range value', async () => {
    const res = await sendJsonBody(h.server.port, 'PATCH', '/api/settings', { fiveHourThresholdPct: 500 });
    expect(res.status).toBe(400);
    expect(res.json<{ error: { message: string } }>().error.message).toContain('fiveHourThresholdPct');
    expect(h.engine.calls.updateSettings).toEqual([]);
  });

  it('answers 400 with the engine message when the engine refuses the patch', async () => {
    h.engine.updateSettings = () => ({
      ok: false,
      error: { kind: 'invalid', message: 'The parked poll interval must be at least the active one.' },
    });
    const res = await sendJsonBody(h.server.port, 'PATCH', '/api/settings', { parkedPollIntervalMs: 180_000 });
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({
      error: { code: 'invalid-settings', message: 'The parked poll interval must be at least the active one.' },
    });
  });
});

/** The contract commands over a real engine (what the dashboard calls through IPC or the WebSocket). */
import { afterEach, describe, expect, it } from 'vitest';
import { createCommandHandlers } from '../../src-main/engine/command-handlers.js';
import { ok } from '../../src-main/shared/result.js';
import { settleIo, startEngineHarness, type EngineHarness } from './engine-harness.js';

let h: EngineHarness;
afterEach(async () => {
  await h?.close();
});

describe('command handlers', () => {
  it('changes only the settings named in an update, keeping the others as the user set them', async () => {
    h = await startEngineHarness({ count: 1 });
    const handlers = createCommandHandlers(h.opened.engine);
    expect((await handlers.updateSettings({ parkedPollIntervalMs: 20 * 60_000, minDwellMs: 0 })).ok).toBe(true);
    const changed = await handlers.updateSettings({ fiveHourThresholdPct: 70 });
    expect(changed.ok).toBe(true);
    const settings = h.opened.engine.settings();
    expect(settings.fiveHourThresholdPct).toBe(70);
    expect(settings.parkedPollIntervalMs).toBe(20 * 60_000);
    expect(settings.minDwellMs).toBe(0);
  });

  it('refuses unknown settings and out-of-range values with a message', async () => {
    h = await startEngineHarness({ count: 1 });
    const handlers = createCommandHandlers(h.opened.engine);
    const unknown = await handlers.updateSettings({ colour: 'red' } as never);
    expect(!unknown.ok && unknown.error.code).toBe('invalid-arguments');
    const range = await handlers.updateSettings({ fiveHourThresholdPct: 150 });
    expect(range.ok).toBe(false);
    expect(h.opened.engine.settings().fiveHourThresholdPct).toBe(80);
  });

  it('reports the three desktop settings the dashboard form shows', async () => {
    h = await startEngineHarness({ count: 1 });
    const handlers = createCommandHandlers(h.opened.engine);
    const r = await handlers.updateSettings({ launchAtLogin: true });
    expect(r.ok && r.value).toMatchObject({ launchAtLogin: true, listenHost: '127.0.0.1', listenPort: 47821 });
  });

  it('pins an account with switchTo and unpins with a null account id, as `switch --auto` does', async () => {
    h = await startEngineHarness({ count: 2 });
    const handlers = createCommandHandlers(h.opened.engine);
    const id = h.accountId(1);
    const c = h.simulator.credentials(id);
    const json = JSON.stringify({
      claudeAiOauth: { accessToken: c.accessToken, refreshToken: c.refreshToken, expiresAt: c.expiresAtMs, scopes: c.scopes },
    });
    expect((await handlers.addFromCredentialsJson({ json })).ok).toBe(true);
    await h.opened.engine.start();
    await h.opened.engine.refreshNow();
    expect(await handlers.switchTo({ accountId: id })).toEqual(ok({ accepted: true }));
    expect(h.opened.engine.snapshot().rotation?.pinnedAccountId).toBe(id);
    expect(await handlers.switchTo({ accountId: null })).toEqual(ok({ accepted: true }));
    expect(h.opened.engine.snapshot().rotation?.pinnedAccountId).toBeNull();
  });

  it('refuses a switch that names no account, and one to an unknown account', async () => {
    h = await startEngineHarness({ count: 1 });
    const handlers = createCommandHandlers(h.opened.engine);
    const missing = await handlers.switchTo({} as never);
    expect(!missing.ok && missing.error.code).toBe('invalid-arguments');
    const unknown = await handlers.switchTo({ accountId: 'nobody' });
    expect(!unknown.ok && unknown.error.code).toBe('not-found');
    expect(h.opened.engine.snapshot().rotation?.pinnedAccountId).toBeNull();
  });

  it('debounces refreshNow: 20 requests make one upstream usage call per account (issue 14 item 8)', async () => {
    h = await startEngineHarness({ count: 2 });
    const handlers = createCommandHandlers(h.opened.engine);
    for (const index of [0, 1]) {
      const c = h.simulator.credentials(h.accountId(index));
      const json = JSON.stringify({
        claudeAiOauth: { accessToken: c.accessToken, refreshToken: c.refreshToken, expiresAt: c.expiresAtMs, scopes: c.scopes },
      });
      expect((await handlers.addFromCredentialsJson({ json })).ok).toBe(true);
    }
    await h.opened.engine.start();
    await settleIo();
    const usageCalls = () => h.standIn.requests.filter((r) => r.path === '/api/oauth/usage').length;
    const before = usageCalls();
    for (let i = 0; i < 10; i++) expect(await handlers.refreshNow({})).toEqual(ok({ accepted: true }));
    await settleIo();
    for (let i = 0; i < 10; i++) {
      await handlers.refreshNow({});
      await settleIo();
    }
    expect(usageCalls() - before).toBe(2);
  });
});

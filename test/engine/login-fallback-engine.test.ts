/** Issue 14 item 6, end to end: a login left in the fallback folder by a previous run is in the vault after the next start. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultLoginFallbackDirs } from '../../src-main/host/open-engine.js';
import { createLoginFallback } from '../../src-main/engine/vault/login-fallback.js';
import { startEngineHarness, type EngineHarness } from './engine-harness.js';

let h: EngineHarness;
afterEach(async () => {
  await h?.close();
});

describe('login fallback at start', () => {
  it('moves the refreshed login a previous run could not store into the vault, and says so', async () => {
    h = await startEngineHarness({ count: 1 });
    const id = h.accountId(0);
    const c = h.simulator.credentials(id);
    const added = await h.opened.engine.accounts.addFromCredentialsJson(
      JSON.stringify({
        claudeAiOauth: { accessToken: c.accessToken, refreshToken: c.refreshToken, expiresAt: c.expiresAtMs, scopes: c.scopes },
      }),
    );
    expect(added.ok).toBe(true);
    await h.opened.close();
    // The previous run refreshed (the stand-in rotated the pair) but the vault refused the new one.
    expect(h.simulator.refresh(c.refreshToken).ok).toBe(true);
    const live = h.simulator.credentials(id);
    const dirs = defaultLoginFallbackDirs(h.dataDir);
    const saved = await createLoginFallback(dirs.slice(0, 1)).save(id, {
      version: 1,
      credentials: { ...live, expiresAtMs: c.expiresAtMs + 60_000 },
      refreshedAtMs: h.clock.now(),
      refreshPath: 'auto',
      needsLogin: false,
    });
    expect(saved.ok).toBe(true);
    const reopened = await h.reopen();
    await reopened.engine.load();
    const vault = JSON.parse(await readFile(join(h.dataDir, 'vault.json'), 'utf8')) as { entries: Record<string, string> };
    expect((JSON.parse(vault.entries[id]!) as { credentials: { refreshToken: string } }).credentials.refreshToken).toBe(live.refreshToken);
    expect(reopened.engine.events({ kinds: ['token-refreshed'] }).some((e) => /fallback/.test(e.message))).toBe(true);
    expect(await createLoginFallback(dirs).loadAll()).toEqual([]);
  });
});

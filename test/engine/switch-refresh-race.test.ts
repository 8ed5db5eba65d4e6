/**
 * Issue 14 item 1: a switch must never overwrite a login Claude Code has just refreshed. Claude Code
 * refreshes the outgoing account under its own proper-lockfile locks at the worst moment — while the
 * switcher freshens the incoming token — and the outgoing account's newest refresh token must end up
 * in the vault (harvested inside the locks), never lost.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import lockfile from 'proper-lockfile';
import { realpathSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { settleIo, startEngineHarness, type EngineHarness } from './engine-harness.js';

let h: EngineHarness;
afterEach(async () => {
  await h?.close();
});

const M = 60_000;

async function importAccount(id: string, expiresAtMs?: number): Promise<void> {
  const c = h.simulator.credentials(id);
  const added = await h.opened.engine.accounts.addFromCredentialsJson(
    JSON.stringify({
      claudeAiOauth: {
        accessToken: c.accessToken,
        refreshToken: c.refreshToken,
        expiresAt: expiresAtMs ?? c.expiresAtMs,
        scopes: c.scopes,
        subscriptionType: c.subscriptionType,
        rateLimitTier: c.rateLimitTier,
      },
    }),
  );
  expect(added.ok).toBe(true);
}

/** Plays Claude Code refreshing `id` under its own two locks, as CLAUDE-CODE.md describes. */
async function claudeCodeRefreshes(id: string): Promise<string> {
  const configDir = h.claudePaths.configDir;
  const options = { realpath: false, stale: 10_000, retries: { retries: 200, minTimeout: 5, maxTimeout: 20 } };
  const releaseDir = await lockfile.lock(configDir, { ...options, lockfilePath: join(configDir, '.oauth_refresh.lock') });
  const legacy = `${realpathSync(configDir)}.lock`;
  const releaseLegacy = await lockfile.lock(legacy, { ...options, lockfilePath: legacy });
  try {
    const stored = JSON.parse(await readFile(h.claudePaths.credentialsFile, 'utf8')) as { claudeAiOauth: { refreshToken: string } };
    const refreshed = h.simulator.refresh(stored.claudeAiOauth.refreshToken);
    expect(refreshed.ok).toBe(true);
    const c = h.simulator.credentials(id);
    const doc = {
      claudeAiOauth: {
        accessToken: c.accessToken,
        refreshToken: c.refreshToken,
        expiresAt: c.expiresAtMs,
        scopes: c.scopes,
        subscriptionType: c.subscriptionType,
        rateLimitTier: c.rateLimitTier,
      },
    };
    const tmp = join(dirname(h.claudePaths.credentialsFile), '.cc-refresh.tmp');
    await writeFile(tmp, JSON.stringify(doc), { mode: 0o600 });
    const { rename } = await import('node:fs/promises');
    await rename(tmp, h.claudePaths.credentialsFile);
    return c.refreshToken;
  } finally {
    await releaseLegacy();
    await releaseDir();
  }
}

async function vaultRefreshToken(id: string): Promise<string> {
  const vault = JSON.parse(await readFile(join(h.dataDir, 'vault.json'), 'utf8')) as { entries: Record<string, string> };
  return (JSON.parse(vault.entries[id]!) as { credentials: { refreshToken: string } }).credentials.refreshToken;
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('switch vs. a concurrent Claude Code refresh', () => {
  it('keeps the outgoing account’s newest refresh token when Claude Code refreshes it while the incoming token is freshened', async () => {
    h = await startEngineHarness({ count: 3 });
    const [alex, blake, casey] = [h.accountId(0), h.accountId(1), h.accountId(2)];
    await importAccount(alex);
    await importAccount(blake);
    // casey's stored token expires in 80 min; an hour on, the switcher has to freshen it before activation.
    await importAccount(casey, h.clock.now() + 80 * M);
    expect(h.opened.engine.updateSettings({ tokenRefreshAheadMs: 5 * M }).ok).toBe(true);
    await h.loginClaudeCode(blake);
    await h.opened.engine.start();
    await settleIo();
    expect(h.opened.engine.snapshot().activeAccountId).toBe(blake);
    // An hour on, so Claude Code's refresh yields a later expiry than blake's stored one.
    for (let i = 0; i < 6; i++) {
      await h.clock.advance(10 * M);
      await settleIo();
    }

    // The freshen of casey's token is slow (1.5 s upstream), as in the probe.
    h.standIn.faults.inject({ kind: 'delay', ms: 1_500 }, { accountId: casey, path: '/v1/oauth/token', times: 1 });
    const tokenCallsBefore = h.standIn.requests.filter((r) => r.path === '/v1/oauth/token').length;
    expect(h.opened.engine.switchTo(casey).ok).toBe(true);
    await until(() => h.standIn.requests.filter((r) => r.path === '/v1/oauth/token').length > tokenCallsBefore);
    // Meanwhile Claude Code refreshes blake, properly under its own locks.
    const newest = await claudeCodeRefreshes(blake);
    await until(() => h.opened.engine.events({ kinds: ['account-switched'] }).length > 0, 10_000);
    await h.opened.engine.settleRotation();
    await settleIo();

    const file = JSON.parse(await readFile(h.claudePaths.credentialsFile, 'utf8')) as { claudeAiOauth: { accessToken: string } };
    expect(file.claudeAiOauth.accessToken).toBe(h.simulator.credentials(casey).accessToken);
    // blake's only live refresh token is in the vault.
    expect(await vaultRefreshToken(blake)).toBe(newest);
  });
});

/**
 * Issue 9 item 5, the custody ledger, end to end: a real engine on the loopback stand-in, real temp
 * dirs, the real tracker and harvest path. Claude Code's credentials file is written as Claude Code,
 * `/login` and another tool would write it; every change must be attributed on the account's row and
 * in the event log, an older generation put back must never be harvested over the newer login, and
 * repeated foreign writes must raise one warning.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fingerprint, type OAuthCredentials } from '../../src-main/engine/vault/credentials.js';
import type { FleetSnapshot } from '../../src-main/shared/view-model.js';
import { settleIo, startEngineHarness, type EngineHarness } from './engine-harness.js';

const M = 60_000;
const H = 60 * M;

let h: EngineHarness;
afterEach(async () => {
  await h?.close();
});

/** Advances the fake clock in steps (the tracker looks every 10 s), letting real I/O settle between them. */
async function advance(ms: number, stepMs = 10_000): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) {
    await h.clock.advance(Math.min(stepMs, ms - t));
    await settleIo();
  }
}

async function importAccount(id: string, expiresAtMs?: number): Promise<void> {
  const c = h.simulator.credentials(id);
  const claudeAiOauth = { ...c, expiresAt: expiresAtMs ?? c.expiresAtMs };
  const added = await h.opened.engine.accounts.addFromCredentialsJson(JSON.stringify({ claudeAiOauth }));
  expect(added.ok).toBe(true);
}

async function vaultLogin(id: string): Promise<OAuthCredentials> {
  const vault = JSON.parse(await readFile(join(h.dataDir, 'vault.json'), 'utf8')) as { entries: Record<string, string> };
  return (JSON.parse(vault.entries[id]!) as { credentials: OAuthCredentials }).credentials;
}

const row = (s: FleetSnapshot, id: string) => s.accounts.find((a) => a.id === id);
const changes = () => h.opened.engine.events({ kinds: ['login-changed'] });
/** The newest `login-changed` event (the log answers newest first). */
const lastChange = () => changes()[0];

/** A new token pair for the account, as a refresh or a fresh `/login` would get (the old refresh token dies). */
function newPair(id: string): OAuthCredentials {
  expect(h.simulator.refresh(h.simulator.credentials(id).refreshToken).ok).toBe(true);
  return h.simulator.credentials(id);
}

describe('custody ledger (engine, real files)', () => {
  it('attributes our switch, Claude Code’s refresh, a /login and another tool putting back an older login — which is never harvested', async () => {
    h = await startEngineHarness({ count: 3 });
    const [alex, blake, casey] = [h.accountId(0), h.accountId(1), h.accountId(2)];
    await h.loginClaudeCode(alex, h.simulator.credentials(alex));
    await importAccount(alex);
    // Blake's stored login expires in 40 minutes, so Claude Code refreshes it within the test (and
    // the token keeper, refreshing 5 minutes ahead, leaves it alone).
    await importAccount(blake, h.clock.now() + 40 * M);
    await importAccount(casey);
    expect(h.opened.engine.updateSettings({ tokenRefreshAheadMs: 5 * M }).ok).toBe(true);
    expect(h.opened.engine.switchTo(alex).ok).toBe(true); // pinned: rotation moves only when told
    await h.opened.engine.start();
    await advance(20_000);

    // 1. Our switch.
    expect(h.opened.engine.switchTo(blake).ok).toBe(true);
    await h.opened.engine.settleRotation();
    await advance(20_000);
    h.opened.engine.pause(); // from here on only Claude Code, /login and the other tool write
    const written = await vaultLogin(blake);
    expect(lastChange()).toMatchObject({ kind: 'login-changed', level: 'info', accountId: blake, data: { by: 'ours' } });
    expect(row(h.opened.engine.snapshot(), blake)?.custody).toMatchObject({
      kind: 'ours',
      text: 'switched in by ccmax-monitor',
      accessFp: fingerprint(written.accessToken),
      refreshFp: fingerprint(written.refreshToken),
      foreign: false,
    });

    // 2. Claude Code refreshes blake 36 minutes on (its token expires within 5 minutes).
    await advance(36 * M, 60_000);
    const refreshed = newPair(blake);
    await h.loginClaudeCode(blake, refreshed);
    await advance(20_000);
    expect(lastChange()).toMatchObject({ accountId: blake, data: { by: 'claude-refresh', token: fingerprint(refreshed.accessToken) } });
    expect(row(h.opened.engine.snapshot(), blake)?.custody?.text).toBe('refreshed by Claude Code');
    expect((await vaultLogin(blake)).refreshToken).toBe(refreshed.refreshToken); // harvested

    // 3. The user runs /login with casey: fresh tokens, identity block and tokens move together.
    const fresh = newPair(casey);
    await h.loginClaudeCode(casey, fresh);
    await advance(20_000);
    expect(lastChange()).toMatchObject({ accountId: casey, data: { by: 'new-login', reason: 'another-account' } });
    expect(row(h.opened.engine.snapshot(), casey)?.custody?.text).toBe('logged in (/login)');

    // 4. Another tool puts back blake's older generation (the pair we wrote, whose refresh token Claude
    //    Code already spent), with an expiry that even looks newer than the vault's.
    const older = { ...written, expiresAtMs: refreshed.expiresAtMs + 12 * H };
    await h.loginClaudeCode(blake, older);
    await advance(20_000);
    expect(lastChange()).toMatchObject({
      level: 'warn',
      accountId: blake,
      data: { by: 'unknown-writer', reason: 'older-generation', refresh: fingerprint(written.refreshToken) },
    });
    expect(lastChange()?.message).toContain('never saved over');
    expect(row(h.opened.engine.snapshot(), blake)?.custody).toMatchObject({ text: 'older login put back by another tool', foreign: true });
    // The vault keeps the newer login: the older one was not harvested by the tracker's look …
    expect((await vaultLogin(blake)).refreshToken).toBe(refreshed.refreshToken);
    const harvests = h.opened.engine.events({ kinds: ['token-harvested'] }).length;

    // … nor by the switch that replaces it (harvest-before-overwrite inside Claude Code's locks).
    h.opened.engine.resume();
    expect(h.opened.engine.switchTo(alex).ok).toBe(true);
    await h.opened.engine.settleRotation();
    await advance(20_000);
    expect(h.opened.engine.events({ kinds: ['account-switched'] })[0]?.accountId).toBe(alex);
    expect((await vaultLogin(blake)).refreshToken).toBe(refreshed.refreshToken);
    expect(h.opened.engine.events({ kinds: ['token-harvested'] })).toHaveLength(harvests);
    expect(lastChange()).toMatchObject({ accountId: alex, data: { by: 'ours' } });

    // Only fingerprints, never a token, in the events and the snapshot.
    const shown = JSON.stringify([h.opened.engine.events({}), h.opened.engine.snapshot()]);
    for (const secret of [written.accessToken, written.refreshToken, refreshed.refreshToken, fresh.accessToken]) {
      expect(shown).not.toContain(secret);
    }
  });

  it('three writes by another tool within 10 minutes raise one warning naming what was seen; the rows survive a restart', async () => {
    h = await startEngineHarness({ count: 2 });
    const [alex, blake] = [h.accountId(0), h.accountId(1)];
    await h.loginClaudeCode(alex, h.simulator.credentials(alex));
    await importAccount(alex);
    await importAccount(blake);
    h.opened.engine.pause(); // no switches of our own in between
    await h.opened.engine.start();
    await advance(20_000);

    // Another switcher flips Claude Code between the two logins our vault holds, every 2 minutes.
    for (const id of [blake, alex, blake, alex]) {
      await h.loginClaudeCode(id, h.simulator.credentials(id));
      await advance(2 * M);
    }
    const foreign = changes().filter((e) => e.data?.['by'] === 'unknown-writer');
    expect(foreign.map((e) => e.data?.['reason'])).toEqual(['stored-copy', 'stored-copy', 'stored-copy', 'stored-copy']);
    const warnings = h.opened.engine.events({ kinds: ['foreign-writer-detected'] });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.level).toBe('warn');
    expect(warnings[0]?.message).toMatch(/Another tool is writing Claude Code's login: 3 changes in 10 minutes/);
    expect(warnings[0]?.message).toContain(fingerprint(h.simulator.credentials(blake).accessToken));
    expect(warnings[0]?.message).toContain('Close other switchers');
    expect(row(h.opened.engine.snapshot(), alex)?.custody).toMatchObject({ kind: 'unknown-writer', foreign: true });

    await h.reopen();
    await h.opened.engine.load();
    expect(row(h.opened.engine.snapshot(), alex)?.custody).toMatchObject({ kind: 'unknown-writer', text: 'written by another tool' });
  });
});

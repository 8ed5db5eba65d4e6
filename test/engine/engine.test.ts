import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SETTINGS_DEFAULTS } from '../../src-main/engine/storage/state-schema.js';
import { fingerprint } from '../../src-main/engine/vault/credentials.js';
import type { FleetSnapshot } from '../../src-main/shared/view-model.js';
import { importAll, settleIo as settle, startEngineHarness, type EngineHarness } from './engine-harness.js';

const M = 60_000;
const H = 60 * M;

let h: EngineHarness;
afterEach(async () => {
  await h?.close();
});

/** Advances the fake clock in steps, letting real file and socket I/O settle between them. */
async function advance(ms: number, stepMs = 30_000): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) {
    await h.clock.advance(Math.min(stepMs, ms - t));
    await settle();
  }
}

/**
 * Advances the fake clock a second at a time until `done()` holds: a file watcher's report can
 * arrive late on a loaded machine. Fails naming what it waited for after 20 s of real time.
 */
async function advanceUntil(what: string, done: () => boolean): Promise<void> {
  const giveUpAtMs = Date.now() + 20_000;
  while (!done()) {
    if (Date.now() > giveUpAtMs) throw new Error(`gave up waiting for ${what}`);
    await h.clock.advance(1_000);
    await settle();
  }
}

const row = (s: FleetSnapshot, id: string) => s.accounts.find((a) => a.id === id);
const usageCalls = (id: string) => h.standIn.requests.filter((r) => r.path === '/api/oauth/usage' && r.accountId === id).length;
const tokenCalls = () => h.standIn.requests.filter((r) => r.path === '/v1/oauth/token').length;

describe('engine', () => {
  it('imports Claude Code’s login with the identity from the profile endpoint and shows its figures within one poll', async () => {
    h = await startEngineHarness();
    const id = h.accountId(1);
    await h.loginClaudeCode(id);
    const imported = await h.opened.engine.accounts.importFromClaudeCode();
    expect(imported.ok && imported.value).toMatchObject({ id, email: h.simulator.account(id)?.email, outcome: 'added' });
    await h.opened.engine.start();
    await advance(SETTINGS_DEFAULTS.activePollIntervalMs);
    const s = h.opened.engine.snapshot();
    const r = row(s, id);
    const sim = h.simulator.account(id)!;
    expect(s.activeAccountId).toBe(id);
    expect(s.activeMatchedBy).toBe('access-token');
    expect(r?.email).toBe(sim.email);
    expect(r?.plan).toBe('Max 20x');
    // Usage keeps accruing on the active account after the poll: the figures are within a point or two.
    expect(Math.abs(r!.sevenDay.utilizationPct! - sim.windows.sevenDayPct)).toBeLessThan(2);
    expect(Math.abs(r!.fiveHour.utilizationPct! - sim.windows.fiveHourPct)).toBeLessThan(2);
    expect(r?.statusText).toBe('ok');
    expect(r?.token.fingerprint).toBe(fingerprint(h.simulator.credentials(id).accessToken));
  });

  it('keeps one account when the same login is imported twice, and never replaces a newer token with an older copy', async () => {
    h = await startEngineHarness();
    const id = h.accountId(0);
    const old = h.simulator.credentials(id);
    const json = (c: typeof old) =>
      JSON.stringify({
        claudeAiOauth: { accessToken: c.accessToken, refreshToken: c.refreshToken, expiresAt: c.expiresAtMs, scopes: c.scopes },
      });
    await h.opened.engine.accounts.addFromCredentialsJson(json(old));
    await h.clock.advance(H);
    const refreshed = h.simulator.refresh(old.refreshToken);
    expect(refreshed.ok).toBe(true);
    const newer = h.simulator.credentials(id);
    const second = await h.opened.engine.accounts.addFromCredentialsJson(json(newer));
    expect(second.ok && second.value.outcome).toBe('updated');
    const third = await h.opened.engine.accounts.addFromCredentialsJson(json(old));
    expect(third.ok && third.value.outcome).toBe('kept-newer');
    expect(h.opened.engine.accounts.list()).toHaveLength(1);
    const vault = JSON.parse(await readFile(join(h.dataDir, 'vault.json'), 'utf8')) as { entries: Record<string, string> };
    expect(JSON.parse(vault.entries[id]!).credentials.refreshToken).toBe(newer.refreshToken);
  });

  it('refuses to import a login whose token the profile endpoint rejects, and never refreshes it', async () => {
    h = await startEngineHarness();
    const id = h.accountId(0);
    h.simulator.expireAccessToken(id);
    await h.loginClaudeCode(id);
    const imported = await h.opened.engine.accounts.importFromClaudeCode();
    expect(imported.ok).toBe(false);
    expect(!imported.ok && imported.error.message).toMatch(/rejected/);
    expect(tokenCalls()).toBe(0);
  });

  it('harvests the login Claude Code refreshed on its own, recognising the account by its identity block', async () => {
    h = await startEngineHarness();
    const id = h.accountId(1);
    await h.loginClaudeCode(id);
    await h.opened.engine.accounts.importFromClaudeCode();
    await h.opened.engine.start();
    await settle();
    // An hour later Claude Code refreshes its token: both tokens change, only oauthAccount still names the account.
    await advance(H, 10 * M);
    const before = h.simulator.credentials(id);
    expect(h.simulator.refresh(before.refreshToken).ok).toBe(true);
    await h.loginClaudeCode(id, h.simulator.credentials(id));
    await advanceUntil('the harvest', () => h.opened.engine.events({ kinds: ['token-harvested'] }).length > 0);
    const s = h.opened.engine.snapshot();
    expect(s.activeAccountId).toBe(id);
    expect(row(s, id)?.token.refreshPath).toBe('claude');
    expect(row(s, id)?.token.fingerprint).toBe(fingerprint(h.simulator.credentials(id).accessToken));
    const events = h.opened.engine.events({ kinds: ['token-harvested'] });
    expect(events).toHaveLength(1);
    // The vault now holds the only live refresh token.
    const vault = JSON.parse(await readFile(join(h.dataDir, 'vault.json'), 'utf8')) as { entries: Record<string, string> };
    expect(JSON.parse(vault.entries[id]!).credentials.refreshToken).toBe(h.simulator.credentials(id).refreshToken);
  });

  it('does not claim an account is active when Claude Code holds someone else’s token under its identity block', async () => {
    h = await startEngineHarness();
    const [a, b] = [h.accountId(0), h.accountId(2)];
    await importAll(h);
    // The identity block names a, but the credentials belong to b after a refresh we have not seen.
    const bCreds = h.simulator.credentials(b);
    expect(h.simulator.refresh(bCreds.refreshToken).ok).toBe(true);
    await h.loginClaudeCode(a, h.simulator.credentials(b));
    await h.opened.engine.start();
    await settle();
    const s = h.opened.engine.snapshot();
    expect(s.activeAccountId).toBeNull();
    expect(h.opened.engine.events({ kinds: ['token-harvested'] })).toHaveLength(0);
  });

  it('refreshes a parked account’s token an hour before it expires and persists the new pair', async () => {
    h = await startEngineHarness();
    const ids = await importAll(h);
    await h.loginClaudeCode(ids[1]!);
    h.opened.engine.pause(); // this test is about token care, not rotation: keep the active account put
    await h.opened.engine.start();
    const parked = ids[0]!;
    const firstRefresh = h.simulator.credentials(parked).refreshToken;
    const expiresAtMs = h.simulator.credentials(parked).expiresAtMs;
    await advance(expiresAtMs - h.clock.now() - 55 * M, 5 * M);
    const r = row(h.opened.engine.snapshot(), parked)!;
    expect(r.token.refreshPath).toBe('auto');
    expect(r.token.expiresAtMs).toBeGreaterThan(expiresAtMs);
    expect(h.simulator.ownerOfRefreshToken(firstRefresh)).toBe(parked);
    const vault = JSON.parse(await readFile(join(h.dataDir, 'vault.json'), 'utf8')) as { entries: Record<string, string> };
    expect(JSON.parse(vault.entries[parked]!).credentials.refreshToken).toBe(h.simulator.credentials(parked).refreshToken);
    // The active account's token belongs to Claude Code and is never refreshed by us.
    expect(row(h.opened.engine.snapshot(), ids[1]!)!.token.refreshPath).toBe('login');
  });

  it('marks a revoked login `needs login` once and never retries the refresh in a loop', async () => {
    h = await startEngineHarness();
    const ids = await importAll(h);
    await h.loginClaudeCode(ids[1]!);
    await h.opened.engine.start();
    const parked = ids[0]!;
    const expiresAtMs = h.simulator.credentials(parked).expiresAtMs;
    h.simulator.revokeLogin(parked);
    await advance(expiresAtMs - h.clock.now() - 50 * M, 5 * M);
    const after = tokenCalls();
    expect(row(h.opened.engine.snapshot(), parked)!.token.health).toBe('needs-login');
    expect(row(h.opened.engine.snapshot(), parked)!.statusText).toBe('needs login');
    await advance(6 * H, 10 * M);
    const refreshesOfParked = h.standIn.requests.filter((r) => r.path === '/v1/oauth/token' && r.accountId === parked).length;
    expect(refreshesOfParked).toBe(1);
    expect(tokenCalls()).toBeGreaterThanOrEqual(after);
    expect(h.opened.engine.events({ kinds: ['login-needed'] })).toHaveLength(1);
  });

  it('honours a 429 retry-after for that account only, keeping its last good figures with their age', async () => {
    h = await startEngineHarness();
    const ids = await importAll(h);
    await h.loginClaudeCode(ids[1]!);
    await h.opened.engine.start();
    await advance(2 * M);
    const parked = ids[2]!;
    const good = row(h.opened.engine.snapshot(), parked)!;
    expect(good.sevenDay.utilizationPct).not.toBeNull();
    h.standIn.faults.inject({ kind: 'rate-limited', retryAfter: '3600' }, { accountId: parked, path: '/api/oauth/usage' });
    await advance(SETTINGS_DEFAULTS.parkedPollIntervalMs * 1.2, M);
    const limited = row(h.opened.engine.snapshot(), parked)!;
    expect(limited.status.kind).toBe('rate-limited');
    expect(limited.statusText).toMatch(/^rate-limited, retry in (59|60|5\d)m/);
    expect(limited.sevenDay.utilizationPct).toBe(good.sevenDay.utilizationPct);
    const callsWhileLimited = usageCalls(parked);
    h.standIn.faults.clear();
    await advance(50 * M, 5 * M);
    expect(usageCalls(parked)).toBe(callsWhileLimited);
    expect(row(h.opened.engine.snapshot(), parked)!.stale).toBe(true);
    await advance(30 * M, 5 * M);
    const back = row(h.opened.engine.snapshot(), parked)!;
    expect(back.statusText).toBe('ok');
    expect(back.stale).toBe(false);
  });

  it('keeps the last figures across a restart and shows them before the first poll', async () => {
    h = await startEngineHarness();
    const ids = await importAll(h);
    await h.opened.engine.start();
    await advance(2 * M);
    const before = row(h.opened.engine.snapshot(), ids[0]!)!;
    expect(before.sevenDay.utilizationPct).not.toBeNull();
    const reopened = await h.reopen();
    await reopened.engine.load();
    expect(row(reopened.engine.snapshot(), ids[0]!)!.sevenDay).toEqual(before.sevenDay);
  });

  it('pushes a new snapshot to subscribers when a poll changes the figures', async () => {
    h = await startEngineHarness();
    await importAll(h);
    const seen: FleetSnapshot[] = [];
    h.opened.engine.subscribe((s) => seen.push(s));
    await h.opened.engine.start();
    await advance(2 * M);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)!.accounts.some((a) => a.sevenDay.utilizationPct !== null)).toBe(true);
  });
});

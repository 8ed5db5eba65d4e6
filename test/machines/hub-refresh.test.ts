/**
 * A hub refreshes the active account's token itself, well ahead of Claude Code's own threshold, and
 * writes the new login where Claude Code reads it (then says so, for the push to every agent). The
 * engine on the stand-in API with the FakeClock; a simulated Claude Code on the same config dir
 * refreshes its stored login the way the real one does (when it expires within 5 min) and must never
 * need to.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { CLAUDE_CODE_REFRESH_THRESHOLD_MS } from '../../src-main/engine/claude-code/claude-refresh-threshold.js';
import { createCredentialsFileTarget } from '../../src-main/engine/claude-code/credential-targets/credentials-file-target.js';
import { silentLogger } from '../../src-main/engine/ports.js';
import { fingerprint } from '../../src-main/engine/vault/credentials.js';
import { ACTIVE_REFRESH_MIN_AHEAD_MS, writeRefreshedActiveLogin } from '../../src-main/engine/switching/active-refresh.js';
import { settleIo, startEngineHarness, type EngineHarness } from '../engine/engine-harness.js';

const M = 60_000;
const H = 60 * M;
const DAY = 24 * H;

let h: EngineHarness;
afterEach(async () => {
  await h?.close();
});

interface StoredLogin {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
}
const readClaude = async (): Promise<StoredLogin> =>
  (JSON.parse(await readFile(h.claudePaths.credentialsFile, 'utf8')) as { claudeAiOauth: StoredLogin }).claudeAiOauth;

async function importAll(): Promise<string[]> {
  const ids = h.fleet.accounts.map((a) => a.accountUuid);
  for (const id of ids) {
    const c = h.simulator.credentials(id);
    const claudeAiOauth = {
      accessToken: c.accessToken,
      refreshToken: c.refreshToken,
      expiresAt: c.expiresAtMs,
      scopes: c.scopes,
      subscriptionType: c.subscriptionType,
      rateLimitTier: c.rateLimitTier,
    };
    const added = await h.opened.engine.accounts.addFromCredentialsJson(JSON.stringify({ claudeAiOauth }));
    expect(added.ok).toBe(true);
  }
  return ids;
}

/** What Claude Code does before each request: refresh its stored login when it expires within 5 min. */
async function claudeCodeTurn(figures: { claudeRefreshes: number; reuses: number }): Promise<void> {
  const stored = await readClaude();
  if (stored.expiresAt > h.clock.now() + CLAUDE_CODE_REFRESH_THRESHOLD_MS) return;
  const refreshed = h.simulator.refresh(stored.refreshToken);
  if (!refreshed.ok) {
    figures.reuses++;
    return;
  }
  figures.claudeRefreshes++;
  const doc = JSON.parse(await readFile(h.claudePaths.credentialsFile, 'utf8')) as { claudeAiOauth: Record<string, unknown> };
  const { accessToken, refreshToken, expiresInSec } = refreshed.value;
  doc.claudeAiOauth = { ...doc.claudeAiOauth, accessToken, refreshToken, expiresAt: h.clock.now() + expiresInSec * 1000 };
  await writeFile(h.claudePaths.credentialsFile, JSON.stringify(doc), { mode: 0o600 });
}

/**
 * The clock jumps 30 min per step while the hub's I/O takes real time: before Claude Code looks, let
 * the hub finish what is due — nothing left to refresh now, and Claude Code's store holding the active
 * account's newest login. A timer the hub armed for "now" while its I/O ran fires without the clock
 * moving (`advance(0)`), as a real 0 ms timer would. A hub that does not get there within the bound
 * fails the test, saying what it waited for (it never silently lets Claude Code look).
 */
async function hubCaughtUp(timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = h.opened.engine.snapshot();
    const row = s.accounts.find((a) => a.id === s.activeAccountId);
    const nextMs = s.nextTokenRefreshAtMs ?? Infinity;
    const held = fingerprint((await readClaude()).accessToken);
    if (nextMs > h.clock.now() && row?.token.fingerprint === held) return;
    if (Date.now() > deadline) {
      const at = new Date(h.clock.now()).toISOString();
      throw new Error(
        `the hub did not catch up by ${at} within ${timeoutMs} ms: next refresh at ${new Date(nextMs).toISOString()}, ` +
          `active ${s.activeAccountId} holds ${row?.token.fingerprint}, Claude Code's store holds ${held}`,
      );
    }
    await h.clock.advance(0);
    await settleIo();
  }
}

const tokenCalls = () => h.standIn.requests.filter((r) => r.path === '/v1/oauth/token');

describe('a hub refreshes the active account itself', () => {
  it('refreshes the active token ahead of Claude Code’s threshold and writes it where Claude Code reads it', async () => {
    const written: string[] = [];
    h = await startEngineHarness({ refreshActive: { onLoginWritten: (id) => written.push(id) } });
    const ids = await importAll();
    const active = ids[1]!;
    await h.loginClaudeCode(active);
    h.opened.engine.pause(); // token care only: the active account stays put
    await h.opened.engine.start();
    const before = await readClaude();
    // Up to the minimum margin before expiry (plus one step): the hub has refreshed it by then.
    const untilMs = before.expiresAt - ACTIVE_REFRESH_MIN_AHEAD_MS + 5 * M - h.clock.now();
    for (let t = 0; t < untilMs; t += 5 * M) {
      await h.clock.advance(5 * M);
      await settleIo();
    }
    const after = await readClaude();
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.expiresAt).toBeGreaterThan(before.expiresAt);
    // The store holds exactly the pair the token endpoint issued last, and the vault has it too.
    expect(after.refreshToken).toBe(h.simulator.credentials(active).refreshToken);
    expect(written).toContain(active);
    const row = h.opened.engine.snapshot().accounts.find((a) => a.id === active)!;
    expect(row.token.refreshPath).toBe('auto');
    expect(row.token.fingerprint).toBeTruthy();
    // Custody attributes the hub's write of the refreshed login to us, not to another tool.
    await h.opened.engine.refreshNow(active);
    expect(h.opened.engine.snapshot().accounts.find((a) => a.id === active)?.custody).toMatchObject({ kind: 'ours', foreign: false });
    expect(tokenCalls().every((r) => r.status === 200)).toBe(true);
  }, 60_000);

  // Switches, parked refreshes and the active account's refresh meet in the same 30-min steps: the
  // keeper's refresh of a parked account landing while a switch to it wrote its previous login once
  // left Claude Code on a spent refresh token (fixed in the switcher; see switch-incoming-refresh.test.ts).
  it('over a simulated week Claude Code never reaches its own threshold and no refresh token is reused', async () => {
    h = await startEngineHarness({ refreshActive: { onLoginWritten: () => undefined } });
    const ids = await importAll();
    await h.loginClaudeCode(ids[0]!);
    // Fewer polls keep a week of steps short; rotation still runs on what they read.
    const polls = h.opened.engine.updateSettings({ activePollIntervalMs: 30 * M, parkedPollIntervalMs: 6 * H });
    expect(polls.ok).toBe(true);
    await h.opened.engine.start();
    const figures = { claudeRefreshes: 0, reuses: 0 };
    // Claude Code looks every 30 min: a token the hub left unrefreshed is refreshed by it (counted) at the
    // first look within 5 min of its expiry or after it.
    const stepMs = 30 * M;
    for (let t = 0; t < 7 * DAY; t += stepMs) {
      await h.clock.advance(stepMs);
      await h.opened.engine.settleRotation();
      await hubCaughtUp();
      await claudeCodeTurn(figures);
    }
    const calls = tokenCalls();
    // (A refresh of the outgoing account landing after a switch away from it finds Claude Code holding
    // another login and leaves it alone: that is the rule, not trouble.)
    const trouble = h.logLines.filter((l) =>
      /could not write the refreshed|gave up writing|refresh token rejected|token refresh failed/.test(l),
    );
    expect({ ...figures, failedCalls: calls.filter((r) => r.status !== 200).length, trouble }).toEqual({
      claudeRefreshes: 0,
      reuses: 0,
      failedCalls: 0,
      trouble: [],
    });
    // Rotation ran: the week is not one account's.
    expect(h.opened.engine.events({ kinds: ['account-switched'] }).length).toBeGreaterThan(0);
    // 8-hour tokens over a week: about 21 refreshes of whichever account is active, plus parked ones.
    expect(calls.length).toBeGreaterThanOrEqual(20);
    // Every account still has a live login: nothing was revoked.
    expect(h.opened.engine.snapshot().accounts.every((a) => a.token.health !== 'needs-login')).toBe(true);
  }, 240_000);

  it('writes a refreshed login only over the login it replaced; a login Claude Code got elsewhere stays', async () => {
    h = await startEngineHarness();
    const target = createCredentialsFileTarget({ paths: h.claudePaths });
    const [a, b] = h.fleet.accounts.map((x) => x.accountUuid);
    const replaced = h.simulator.credentials(a!);
    await h.loginClaudeCode(a!, replaced);
    const pair = h.simulator.refresh(replaced.refreshToken);
    if (!pair.ok) throw new Error('the stand-in refused the refresh');
    const fresh = {
      ...replaced,
      accessToken: pair.value.accessToken,
      refreshToken: pair.value.refreshToken,
      expiresAtMs: replaced.expiresAtMs + 8 * H,
    };
    expect(await writeRefreshedActiveLogin(target, silentLogger, a!, fresh, replaced)).toBe('written');
    expect((await readClaude()).accessToken).toBe(fresh.accessToken);
    expect(await writeRefreshedActiveLogin(target, silentLogger, a!, fresh, replaced)).toBe('already-held');
    // Claude Code now holds another account (a /login, a switch): a late refresh of the first never lands.
    await h.loginClaudeCode(b!);
    const other = await readClaude();
    expect(await writeRefreshedActiveLogin(target, silentLogger, a!, fresh, replaced)).toBe('store-changed');
    expect(await writeRefreshedActiveLogin(target, silentLogger, a!, fresh, null)).toBe('store-changed');
    expect(await readClaude()).toEqual(other);
  });
});

/**
 * A hub refreshes the active account's token itself, well ahead of Claude Code's own threshold, and
 * writes the new login where Claude Code reads it (then says so, for the push to every agent). The
 * engine on the stand-in API with the FakeClock; a simulated Claude Code on the same config dir
 * refreshes its stored login the way the real one does (when it expires within 5 min) and must never
 * need to.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createCredentialsFileTarget } from '../../src-main/engine/claude-code/credential-targets/credentials-file-target.js';
import { silentLogger } from '../../src-main/engine/ports.js';
import { ACTIVE_REFRESH_MIN_AHEAD_MS, writeRefreshedActiveLogin } from '../../src-main/engine/switching/active-refresh.js';
import { importAll, settleIo, startEngineHarness, type EngineHarness } from '../engine/engine-harness.js';
import { bounded, claudeCodeTurn, hubCaughtUp, noTrouble, readStoredLogin } from './simulated-claude.js';

const M = 60_000;
const H = 60 * M;
const DAY = 24 * H;

let h: EngineHarness;
afterEach(async () => {
  await h?.close();
});

const readClaude = () => readStoredLogin(h.claudePaths.credentialsFile);

const tokenCalls = () => h.standIn.requests.filter((r) => r.path === '/v1/oauth/token');

describe('a hub refreshes the active account itself', () => {
  it('refreshes the active token ahead of Claude Code’s threshold and writes it where Claude Code reads it', async () => {
    const written: string[] = [];
    h = await startEngineHarness({ refreshActive: { onLoginWritten: (id) => written.push(id) } });
    const ids = await importAll(h);
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
    const ids = await importAll(h);
    await h.loginClaudeCode(ids[0]!);
    // Fewer polls keep a week of steps short; rotation still runs on what they read.
    const polls = h.opened.engine.updateSettings({ activePollIntervalMs: 30 * M, parkedPollIntervalMs: 6 * H });
    expect(polls.ok).toBe(true);
    await h.opened.engine.start();
    const figures = noTrouble();
    // Claude Code looks every 30 min: a token the hub left unrefreshed is refreshed by it (counted) at the
    // first look within 5 min of its expiry or after it.
    const stepMs = 30 * M;
    for (let t = 0; t < 7 * DAY; t += stepMs) {
      await h.clock.advance(stepMs);
      await bounded('the hub’s rotation decision', h.opened.engine.settleRotation());
      await hubCaughtUp(h);
      await claudeCodeTurn(h, h.claudePaths.credentialsFile, figures);
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
      stranded: 0,
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

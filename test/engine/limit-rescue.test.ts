/**
 * Limit-hit rescue through the real engine (issue 9 item 4): a turn that ended on the usage limit
 * switches at once — inside the dwell time after a previous switch, with no deferral for the
 * stopped session — and the stopped session's statusline says where its next prompt runs.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeSessionStates } from '../fakes/fake-session-states.js';
import { settleIo, startEngineHarness, type EngineHarness } from './engine-harness.js';

let h: EngineHarness;
let sessions: FakeSessionStates;
afterEach(async () => {
  await h?.close();
});

async function settle(): Promise<void> {
  await settleIo();
  await h.opened.engine.settleRotation();
  await settleIo();
}

async function claudeAccessToken(): Promise<string> {
  const json = JSON.parse(await readFile(h.claudePaths.credentialsFile, 'utf8')) as { claudeAiOauth: { accessToken: string } };
  return json.claudeAiOauth.accessToken;
}

async function setup(): Promise<string[]> {
  sessions = new FakeSessionStates();
  h = await startEngineHarness({ count: 3, sessions });
  const ids = [h.accountId(0), h.accountId(1), h.accountId(2)];
  for (const id of ids) {
    const c = h.simulator.credentials(id);
    await h.opened.engine.accounts.addFromCredentialsJson(
      JSON.stringify({
        claudeAiOauth: { accessToken: c.accessToken, refreshToken: c.refreshToken, expiresAt: c.expiresAtMs, scopes: c.scopes },
      }),
    );
  }
  await h.loginClaudeCode(ids[1]!);
  await h.opened.engine.start();
  await h.opened.engine.refreshNow();
  await settle();
  return ids;
}

describe('limit-hit rescue', () => {
  it('switches at once, even within the dwell time after the last switch', async () => {
    const [, blake, casey] = await setup();
    // A manual switch to casey, then back to automatic: the last switch was a moment ago, so the
    // dwell time keeps casey although blake is preferred.
    h.opened.engine.switchTo(casey!);
    await settle();
    h.opened.engine.switchTo(null);
    await h.clock.advance(30_000);
    await settle();
    const before = h.opened.engine.snapshot().lastSwitch;
    expect(before).toMatchObject({ toId: casey, trigger: 'manual' });
    expect(h.opened.engine.activeAccountId()).toBe(casey);
    sessions.set('s1', { kind: 'idle' }, h.clock.now());
    sessions.set('s2', { kind: 'in-turn', sinceMs: h.clock.now() }, h.clock.now());
    sessions.limitHit({ sessionId: 's1', host: 'devbox', atMs: h.clock.now() });
    await settle();
    expect(h.opened.engine.activeAccountId()).not.toBe(casey);
    expect(await claudeAccessToken()).not.toBe(h.simulator.credentials(casey!).accessToken);
    expect(h.opened.engine.snapshot().lastSwitch?.atMs).toBeGreaterThan(before!.atMs);
    expect(h.opened.engine.snapshot().lastSwitch?.atMs).toBe(h.clock.now());
    const [hit] = h.opened.engine.events({ kinds: ['limit-hit'] });
    expect(hit?.accountId).toBe(casey);
    const [rescued] = h.opened.engine.events({ kinds: ['limit-rescued'] });
    const toId = h.opened.engine.activeAccountId();
    expect(rescued?.data).toMatchObject({ sessionId: 's1', fromId: casey, toId });
    expect(h.opened.engine.sessionNotice?.('s1')).toMatch(/^limit hit on .+ · next prompt runs on .+$/);
    expect(h.opened.engine.sessionNotice?.('other-session')).toBeNull();
    expect(toId === blake || toId === h.accountId(0)).toBe(true);
  });

  it('keeps the notice for ten minutes only', async () => {
    await setup();
    sessions.limitHit({ sessionId: 's1', host: 'devbox', atMs: h.clock.now() });
    await settle();
    expect(h.opened.engine.sessionNotice?.('s1')).not.toBeNull();
    await h.clock.advance(10 * 60_000 + 1);
    expect(h.opened.engine.sessionNotice?.('s1')).toBeNull();
  });
});

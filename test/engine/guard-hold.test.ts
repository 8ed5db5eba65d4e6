/**
 * Claude Code's session-owner guard through the real engine (issue 9 item 2): with the flag on in
 * `.claude.json`, a due switch waits while a session is alive (one `rotation-held` event per hold),
 * happens when the last session ends, or at once on "switch now".
 */
import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { CLAUDE_CODE_FACTS } from '../../src-main/shared/claude-code-facts.js';
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
}

async function claudeAccessToken(): Promise<string> {
  const json = JSON.parse(await readFile(h.claudePaths.credentialsFile, 'utf8')) as { claudeAiOauth: { accessToken: string } };
  return json.claudeAiOauth.accessToken;
}

/** Sets the flag in Claude Code's `.claude.json` the way the CLI caches it, keeping the rest. */
async function setGuardFlag(on: boolean): Promise<void> {
  const config = JSON.parse(await readFile(h.claudePaths.claudeJson, 'utf8')) as Record<string, unknown>;
  const flags = { tengu_streamed_thimble: true, [CLAUDE_CODE_FACTS.sessionOwnerGuardFlag.value]: on };
  await writeFile(h.claudePaths.claudeJson, JSON.stringify({ ...config, cachedGrowthBookFeatures: flags }));
}

async function setup(guardOn: boolean): Promise<{ blake: string; casey: string }> {
  sessions = new FakeSessionStates();
  h = await startEngineHarness({ count: 3, sessions });
  const [alex, blake, casey] = [h.accountId(0), h.accountId(1), h.accountId(2)];
  for (const id of [alex, blake, casey]) {
    const c = h.simulator.credentials(id);
    const json = {
      claudeAiOauth: { accessToken: c.accessToken, refreshToken: c.refreshToken, expiresAt: c.expiresAtMs, scopes: c.scopes },
    };
    expect((await h.opened.engine.accounts.addFromCredentialsJson(JSON.stringify(json))).ok).toBe(true);
  }
  await h.loginClaudeCode(blake);
  await setGuardFlag(guardOn);
  await h.opened.engine.start();
  await h.opened.engine.refreshNow();
  await settle();
  return { blake, casey };
}

async function breach(blake: string): Promise<void> {
  h.simulator.setWindows(blake, { fiveHourPct: 85 });
  await h.opened.engine.refreshNow(blake);
  await settle();
}

const held = () => h.opened.engine.events({ kinds: ['rotation-held'] });

describe('session-owner guard in the engine', () => {
  it('publishes the flag and which config said it', async () => {
    await setup(true);
    const guard = h.opened.engine.snapshot().sessionOwnerGuard;
    expect(guard).toEqual({ on: true, configs: [{ path: h.claudePaths.claudeJson, state: 'on' }] });
    const [changed] = h.opened.engine.events({ kinds: ['session-owner-guard-changed'] });
    expect(changed?.level).toBe('warn');
    expect(changed?.message).toContain(h.claudePaths.claudeJson);
  });

  it('holds a due switch while a session is alive, says so once, and switches when the last session ends', async () => {
    const { blake, casey } = await setup(true);
    sessions.set('session-1', { kind: 'idle' }, h.clock.now());
    await breach(blake);
    expect(await claudeAccessToken()).toBe(h.simulator.credentials(blake).accessToken);
    expect(h.opened.engine.snapshot().rotation?.guardHold).toMatchObject({ toId: casey, trigger: 'breach', sessionCount: 1 });
    // Ticks and new readings do not repeat the event.
    await h.clock.advance(60_000);
    await h.opened.engine.refreshNow(blake);
    await settle();
    expect(held()).toHaveLength(1);
    expect(held()[0]?.message).toMatch(/session-owner guard is on, and 1 running session would stop/);
    expect(await claudeAccessToken()).toBe(h.simulator.credentials(blake).accessToken);
    // The session ends: the switch happens without waiting for a tick.
    sessions.set('session-1', null, h.clock.now());
    await settle();
    expect(await claudeAccessToken()).toBe(h.simulator.credentials(casey).accessToken);
    expect(h.opened.engine.snapshot().rotation?.guardHold).toBeNull();
  });

  it('switches at once on "switch now" while sessions are alive', async () => {
    const { blake, casey } = await setup(true);
    sessions.set('session-1', { kind: 'idle' }, h.clock.now());
    sessions.set('session-2', { kind: 'in-turn', sinceMs: h.clock.now() }, h.clock.now());
    expect(h.opened.engine.switchNow()).toBe(false);
    await breach(blake);
    expect(h.opened.engine.snapshot().rotation?.guardHold?.sessionCount).toBe(2);
    expect(h.opened.engine.switchNow()).toBe(true);
    await settle();
    expect(await claudeAccessToken()).toBe(h.simulator.credentials(casey).accessToken);
    expect(h.opened.engine.snapshot().rotation?.guardHold).toBeNull();
  });

  it('does not hold for a session a swap cannot reach, nor defer for its tool call', async () => {
    const { blake, casey } = await setup(true);
    sessions.setUnrotatable('desktop');
    sessions.set('desktop', { kind: 'tool', toolName: 'Bash', sinceMs: h.clock.now() }, h.clock.now());
    await breach(blake);
    expect(await claudeAccessToken()).toBe(h.simulator.credentials(casey).accessToken);
    expect(held()).toHaveLength(0);
    expect(h.opened.engine.events({ kinds: ['switch-deferred'] })).toHaveLength(0);
  });

  it('with the guard off, switches under a live idle session as before', async () => {
    const { blake, casey } = await setup(false);
    sessions.set('session-1', { kind: 'idle' }, h.clock.now());
    await breach(blake);
    expect(await claudeAccessToken()).toBe(h.simulator.credentials(casey).accessToken);
    expect(held()).toHaveLength(0);
    expect(h.opened.engine.snapshot().sessionOwnerGuard.on).toBe(false);
  });

  it('notices the flag turning on at the next detect tick, and a held switch goes once it turns off', async () => {
    const { blake, casey } = await setup(false);
    sessions.set('session-1', { kind: 'idle' }, h.clock.now());
    await setGuardFlag(true);
    await h.clock.advance(10_000);
    await settle();
    expect(h.opened.engine.snapshot().sessionOwnerGuard.on).toBe(true);
    await breach(blake);
    expect(await claudeAccessToken()).toBe(h.simulator.credentials(blake).accessToken);
    await setGuardFlag(false);
    await h.clock.advance(10_000);
    await settle();
    expect(await claudeAccessToken()).toBe(h.simulator.credentials(casey).accessToken);
    // Newest first: on, then off — and nothing for the first read (off).
    expect(h.opened.engine.events({ kinds: ['session-owner-guard-changed'] }).map((e) => e.data?.on)).toEqual([false, true]);
  });
});

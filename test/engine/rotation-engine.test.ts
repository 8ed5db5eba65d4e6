/**
 * Rotation through the real engine: policy → loop → switcher → Claude Code's credentials file, on
 * the loopback stand-in. Demo fleet of three: alex (soonest reset, but over its 5h threshold),
 * blake (active, carrying the load), casey (fresh).
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FleetSnapshot } from '../../src-main/shared/view-model.js';
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

async function setup(): Promise<{ alex: string; blake: string; casey: string }> {
  sessions = new FakeSessionStates();
  h = await startEngineHarness({ count: 3, sessions });
  const [alex, blake, casey] = [h.accountId(0), h.accountId(1), h.accountId(2)];
  for (const id of [alex, blake, casey]) {
    const c = h.simulator.credentials(id);
    const added = await h.opened.engine.accounts.addFromCredentialsJson(
      JSON.stringify({
        claudeAiOauth: { accessToken: c.accessToken, refreshToken: c.refreshToken, expiresAt: c.expiresAtMs, scopes: c.scopes },
      }),
    );
    expect(added.ok).toBe(true);
  }
  await h.loginClaudeCode(blake);
  await h.opened.engine.start();
  await h.opened.engine.refreshNow();
  await settle();
  expect(h.opened.engine.snapshot().activeAccountId).toBe(blake);
  return { alex, blake, casey };
}

/** Pushes blake's 5h window over the threshold and lets the engine read it. */
async function breach(blake: string): Promise<void> {
  h.simulator.setWindows(blake, { fiveHourPct: 85 });
  await h.opened.engine.refreshNow(blake);
  await settle();
}

const lastSwitchOf = (s: FleetSnapshot) => s.lastSwitch;

describe('rotation in the engine', () => {
  it('stays on the active account while it is the right one', async () => {
    const { blake } = await setup();
    expect(await claudeAccessToken()).toBe(h.simulator.credentials(blake).accessToken);
    expect(h.opened.engine.events({ kinds: ['account-switched'] })).toHaveLength(0);
  });

  it('switches on a 5h breach, writing the next account’s login where Claude Code reads it', async () => {
    const { blake, casey } = await setup();
    await breach(blake);
    expect(await claudeAccessToken()).toBe(h.simulator.credentials(casey).accessToken);
    const s = h.opened.engine.snapshot();
    expect(s.activeAccountId).toBe(casey);
    expect(lastSwitchOf(s)).toMatchObject({ trigger: 'breach', fromId: blake, toId: casey });
    const [event] = h.opened.engine.events({ kinds: ['account-switched'] });
    expect(event?.message).toMatch(/5-hour usage reached 85%/);
    expect(event?.data).toMatchObject({ trigger: 'breach', fromFiveHourPct: 85 });
    const identity = JSON.parse(await readFile(h.claudePaths.claudeJson, 'utf8')) as {
      numStartups: number;
      oauthAccount: { accountUuid: string };
    };
    expect(identity.oauthAccount.accountUuid).toBe(casey);
    expect(identity.numStartups).toBe(3);
  });

  it('defers the switch while a tool call runs and carries it out the moment the call ends', async () => {
    const { blake, casey } = await setup();
    sessions.set('session-1', { kind: 'tool', toolName: 'Bash', sinceMs: h.clock.now() }, h.clock.now());
    await breach(blake);
    expect(await claudeAccessToken()).toBe(h.simulator.credentials(blake).accessToken);
    const [deferred] = h.opened.engine.events({ kinds: ['switch-deferred'] });
    expect(deferred?.data).toMatchObject({ blockedBy: 'session-1', tool: 'Bash' });
    expect(h.opened.engine.snapshot().rotation?.pendingSwitch).toMatchObject({ toId: casey, blockedByTool: 'Bash' });
    // The tool call ends: no clock tick is needed for the switch.
    sessions.set('session-1', { kind: 'in-turn', sinceMs: h.clock.now() }, h.clock.now());
    await h.opened.engine.settleRotation();
    expect(await claudeAccessToken()).toBe(h.simulator.credentials(casey).accessToken);
    expect(h.opened.engine.snapshot().rotation?.pendingSwitch).toBeNull();
  });

  it('does not wait for a tool call when the active account is at 100 % (no deferral at a wall)', async () => {
    const { blake, casey } = await setup();
    sessions.set('session-1', { kind: 'tool', toolName: 'Bash', sinceMs: h.clock.now() }, h.clock.now());
    h.simulator.setWindows(blake, { fiveHourPct: 100 });
    await h.opened.engine.refreshNow(blake);
    await settle();
    expect(await claudeAccessToken()).toBe(h.simulator.credentials(casey).accessToken);
    expect(h.opened.engine.events({ kinds: ['switch-deferred'] })).toHaveLength(0);
    const [event] = h.opened.engine.events({ kinds: ['account-switched'] });
    expect(event?.data).toMatchObject({ trigger: 'breach', deferralSkipped: 'at-limit', blockingSessionId: 'session-1', forced: false });
  });

  it('pins a manually chosen account and unpins on request', async () => {
    const { casey } = await setup();
    const pinned = h.opened.engine.switchTo(casey);
    expect(pinned.ok).toBe(true);
    await settle();
    expect(await claudeAccessToken()).toBe(h.simulator.credentials(casey).accessToken);
    expect(h.opened.engine.snapshot().lastSwitch?.trigger).toBe('manual');
    expect(h.opened.engine.snapshot().rotation?.pinnedAccountId).toBe(casey);
    h.opened.engine.switchTo(null);
    await settle();
    expect(h.opened.engine.snapshot().rotation?.pinnedAccountId).toBeNull();
  });

  it('refuses a manual switch to an unknown or disabled account', async () => {
    const { alex } = await setup();
    expect(h.opened.engine.switchTo('nobody').ok).toBe(false);
    h.opened.engine.accounts.setEnabled(alex, false);
    const r = h.opened.engine.switchTo(alex);
    expect(!r.ok && r.error.kind).toBe('unusable');
  });

  it('makes no switch while paused, and catches up on resume', async () => {
    const { blake, casey } = await setup();
    h.opened.engine.pause();
    await breach(blake);
    expect(await claudeAccessToken()).toBe(h.simulator.credentials(blake).accessToken);
    expect(h.opened.engine.snapshot().paused).toBe(true);
    h.opened.engine.resume();
    await settle();
    expect(await claudeAccessToken()).toBe(h.simulator.credentials(casey).accessToken);
  });

  it('still makes the switch the user asks for while paused (pause stops only automatic ones)', async () => {
    const { blake, casey } = await setup();
    h.opened.engine.pause();
    expect(h.opened.engine.switchTo(casey).ok).toBe(true);
    await settle();
    expect(await claudeAccessToken()).toBe(h.simulator.credentials(casey).accessToken);
    expect(h.opened.engine.snapshot()).toMatchObject({ paused: true, activeAccountId: casey });
    // Still paused, the pin is not re-imposed: a /login of another account stays.
    await h.loginClaudeCode(blake);
    await h.opened.engine.refreshNow();
    await settle();
    expect(await claudeAccessToken()).toBe(h.simulator.credentials(blake).accessToken);
    // Unpinned and still paused: blake over its threshold makes no automatic switch.
    expect(h.opened.engine.switchTo(null).ok).toBe(true);
    await breach(blake);
    expect(await claudeAccessToken()).toBe(h.simulator.credentials(blake).accessToken);
  });

  it('harvests the outgoing login Claude Code refreshed before switching away from it', async () => {
    const { blake } = await setup();
    await h.clock.advance(60 * 60_000);
    const old = h.simulator.credentials(blake);
    expect(h.simulator.refresh(old.refreshToken).ok).toBe(true);
    await h.loginClaudeCode(blake, h.simulator.credentials(blake));
    await breach(blake);
    const vault = JSON.parse(await readFile(join(h.dataDir, 'vault.json'), 'utf8')) as { entries: Record<string, string> };
    const stored = JSON.parse(vault.entries[blake]!) as { credentials: { refreshToken: string }; refreshPath: string };
    expect(stored.credentials.refreshToken).toBe(h.simulator.credentials(blake).refreshToken);
    expect(stored.refreshPath).toBe('claude');
  });

  it('keeps every other key of Claude Code’s credentials file and its 0600 mode', async () => {
    const { blake, casey } = await setup();
    const current = JSON.parse(await readFile(h.claudePaths.credentialsFile, 'utf8')) as Record<string, unknown>;
    await writeFile(h.claudePaths.credentialsFile, JSON.stringify({ ...current, mcpOAuth: { server: { token: 'mcp-secret' } } }), {
      mode: 0o600,
    });
    await breach(blake);
    const after = JSON.parse(await readFile(h.claudePaths.credentialsFile, 'utf8')) as {
      mcpOAuth: unknown;
      claudeAiOauth: { accessToken: string };
    };
    expect(after.mcpOAuth).toEqual({ server: { token: 'mcp-secret' } });
    expect(after.claudeAiOauth.accessToken).toBe(h.simulator.credentials(casey).accessToken);
    expect((await stat(h.claudePaths.credentialsFile)).mode & 0o777).toBe(0o600);
  });

  it('remembers pause, pin and the last switch across a restart', async () => {
    const { blake, casey } = await setup();
    await breach(blake);
    h.opened.engine.pause();
    const reopened = await h.reopen();
    await reopened.engine.load();
    const s = reopened.engine.snapshot();
    expect(s.paused).toBe(true);
    expect(s.lastSwitch).toMatchObject({ fromId: blake, toId: casey, trigger: 'breach' });
  });
});

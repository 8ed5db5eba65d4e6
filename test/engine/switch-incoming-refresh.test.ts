/**
 * A switch to an account whose token the keeper is refreshing at that very moment (it was parked,
 * its token due): the switch writes the login it has, the refresh spends that login's refresh token.
 * Claude Code must end up holding the refreshed login — never the spent one, which it would reuse
 * (and be logged out) when its token runs out. Found as the cause of the simulated-week stall (issue
 * 13): the refresh landed between the switch's write and the account becoming active, so nobody
 * wrote it. Both orders are forced here: the refresh lands during the switch, or after it.
 * On a hub and on a single monitor alike.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createCredentialsFileTarget } from '../../src-main/engine/claude-code/credential-targets/credentials-file-target.js';
import type { CredentialTarget } from '../../src-main/engine/claude-code/credential-targets/credential-target.js';
import { toClaudeAiOauth } from '../../src-main/engine/claude-code/credential-targets/credentials-json.js';
import { builtInAnswer, TOKEN_PATH } from '../../src-main/demo/stand-in-request.js';
import { fingerprint } from '../../src-main/engine/vault/credentials.js';
import { settleIo, startEngineHarness, type EngineHarness } from './engine-harness.js';

const M = 60_000;

let h: EngineHarness;
afterEach(async () => {
  await h?.close();
});

async function until(what: string, fn: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await settleIo();
  }
}

/** Fingerprint of the refresh token Claude Code holds (tokens never appear in a failure message). */
const claudeRefreshToken = async (): Promise<string> =>
  fingerprint(
    (JSON.parse(await readFile(h.claudePaths.credentialsFile, 'utf8')) as { claudeAiOauth: { refreshToken: string } }).claudeAiOauth
      .refreshToken,
  );
const newestRefreshToken = (id: string): string => fingerprint(h.simulator.credentials(id).refreshToken);

interface Setup {
  readonly blake: string;
  /** Lets the held token request of blake through. */
  release(): void;
  /** Set by a test: runs after each successful write of Claude Code's login, before the switch goes on. */
  afterWrite: (() => Promise<void>) | null;
}

/** Alex active (pinned), blake parked with a token due for the keeper (45 min left), casey fresh; blake's refresh is held. */
async function start(hub: boolean): Promise<Setup> {
  let release: () => void = () => undefined;
  const held = new Promise<void>((r) => (release = r));
  const setup: Setup = { blake: '', release: () => release(), afterWrite: null };
  const wrap = (paths: EngineHarness['claudePaths']): CredentialTarget => {
    const real = createCredentialsFileTarget({ paths });
    return {
      read: () => real.read(),
      describe: () => real.describe(),
      async write(value, options) {
        const written = await real.write(value, options);
        if (written.ok) await setup.afterWrite?.();
        return written;
      },
    };
  };
  h = await startEngineHarness({
    count: 3,
    credentialsTarget: wrap,
    ...(hub ? { refreshActive: { onLoginWritten: () => undefined } } : {}),
  });
  const [alex, blake, casey] = [h.accountId(0), h.accountId(1), h.accountId(2)];
  Object.assign(setup, { blake });
  h.standIn.addRoute('POST', TOKEN_PATH, async (request) => {
    if (request.accountId === blake) await held;
    return builtInAnswer(request, 'named');
  });
  for (const id of [alex, blake, casey]) {
    const c = h.simulator.credentials(id);
    const claudeAiOauth = toClaudeAiOauth({ ...c, expiresAtMs: id === blake ? h.clock.now() + 45 * M : c.expiresAtMs });
    expect((await h.opened.engine.accounts.addFromCredentialsJson(JSON.stringify({ claudeAiOauth }))).ok).toBe(true);
  }
  await h.loginClaudeCode(alex);
  expect(h.opened.engine.switchTo(alex).ok).toBe(true); // pinned: rotation moves only when told
  await h.opened.engine.start();
  await h.clock.advance(0);
  await until('the keeper to ask for blake’s refresh', () =>
    h.standIn.requests.some((r) => r.path === TOKEN_PATH && r.accountId === blake),
  );
  return setup;
}

const blakeFingerprint = (blake: string) => h.opened.engine.snapshot().accounts.find((a) => a.id === blake)?.token.fingerprint;

describe.each([
  ['a single monitor', false],
  ['a hub', true],
])('on %s, a switch to an account whose refresh is in flight', (_name, hub) => {
  it('the refresh lands while the switch writes: Claude Code ends on the refreshed login', async () => {
    const s = await start(hub);
    const before = blakeFingerprint(s.blake);
    s.afterWrite = async () => {
      s.afterWrite = null;
      s.release();
      // The keeper saved blake's refreshed login (and told everyone) before the switch goes on.
      await until('the keeper to save blake’s refreshed login', () => blakeFingerprint(s.blake) !== before);
    };
    expect(h.opened.engine.switchTo(s.blake).ok).toBe(true);
    await h.opened.engine.settleRotation();
    await until('the switch to blake', () => h.opened.engine.activeAccountId() === s.blake);
    await settleIo();
    expect(s.afterWrite).toBeNull(); // the forced order happened
    expect(await claudeRefreshToken()).toBe(newestRefreshToken(s.blake));
    expect(h.standIn.requests.filter((r) => r.path === TOKEN_PATH).every((r) => r.status === 200)).toBe(true);
  });

  it('the refresh lands after the switch: Claude Code ends on the refreshed login', async () => {
    const s = await start(hub);
    const spent = newestRefreshToken(s.blake);
    expect(h.opened.engine.switchTo(s.blake).ok).toBe(true);
    await h.opened.engine.settleRotation();
    await until('the switch to blake', () => h.opened.engine.activeAccountId() === s.blake);
    expect(await claudeRefreshToken()).toBe(spent);
    s.release();
    await until('Claude Code to hold blake’s refreshed login', async () => (await claudeRefreshToken()) !== spent);
    expect(await claudeRefreshToken()).toBe(newestRefreshToken(s.blake));
    expect(fingerprint(h.simulator.credentials(s.blake).accessToken)).toBe(blakeFingerprint(s.blake));
  });
});

/**
 * Issue 14 item 8: a kill between the two writes of a switch (the tokens written, the identity block
 * not yet) leaves `oauthAccount` naming the previous account. The next start repairs it from the
 * tokens, which decide which account Claude Code really uses.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { settleIo, startEngineHarness, type EngineHarness } from './engine-harness.js';

let h: EngineHarness;
afterEach(async () => {
  await h?.close();
});

describe('identity block at start', () => {
  it('rewrites oauthAccount to the account whose tokens Claude Code holds, keeping the rest of .claude.json', async () => {
    h = await startEngineHarness({ count: 2 });
    const [alex, blake] = [h.accountId(0), h.accountId(1)];
    for (const id of [alex, blake]) {
      const c = h.simulator.credentials(id);
      const added = await h.opened.engine.accounts.addFromCredentialsJson(
        JSON.stringify({
          claudeAiOauth: { accessToken: c.accessToken, refreshToken: c.refreshToken, expiresAt: c.expiresAtMs, scopes: c.scopes },
        }),
      );
      expect(added.ok).toBe(true);
    }
    // The switch to blake wrote the tokens, then was killed before the identity block.
    await h.loginClaudeCode(blake);
    const doc = JSON.parse(await readFile(h.claudePaths.claudeJson, 'utf8')) as Record<string, unknown>;
    await writeFile(
      h.claudePaths.claudeJson,
      JSON.stringify({ ...doc, oauthAccount: { accountUuid: alex, emailAddress: 'alex@example' } }),
    );
    await h.opened.engine.start();
    await settleIo();
    const after = JSON.parse(await readFile(h.claudePaths.claudeJson, 'utf8')) as {
      numStartups: number;
      oauthAccount: { accountUuid: string };
    };
    expect(after.oauthAccount.accountUuid).toBe(blake);
    expect(after.numStartups).toBe(3);
    expect(h.opened.engine.snapshot().activeAccountId).toBe(blake);
  });

  it('leaves a matching identity block alone', async () => {
    h = await startEngineHarness({ count: 1 });
    const id = h.accountId(0);
    await h.loginClaudeCode(id);
    await h.opened.engine.accounts.importFromClaudeCode();
    const before = await readFile(h.claudePaths.claudeJson, 'utf8');
    await h.opened.engine.start();
    await settleIo();
    expect(await readFile(h.claudePaths.claudeJson, 'utf8')).toBe(before);
  });
});

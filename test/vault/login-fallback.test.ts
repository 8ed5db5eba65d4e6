/**
 * Issue 14 item 6: a refreshed pair the vault cannot store (disk full) is the only live login of its
 * account. It goes to a fallback file, is retried, is reported as at risk when even that fails, and
 * is moved into the vault at the next start.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src-main/engine/ports.js';
import { createTokenKeeper } from '../../src-main/engine/tokens/token-keeper.js';
import { createLoginFallback, recoverFallbackLogins } from '../../src-main/engine/vault/login-fallback.js';
import { FakeAnthropicClient } from '../fakes/fake-anthropic-client.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { MemoryVault, vaultRecord } from '../fakes/memory-vault.js';

const H = 3_600_000;
let root: string;
beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'ccmax-fallback-'));
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

function keeperWith(dirs: readonly string[]) {
  const clock = new FakeClock();
  const client = new FakeAnthropicClient(() => clock.now());
  const vault = new MemoryVault({ a: vaultRecord({ accessToken: 'at-a', refreshToken: 'rt-a', expiresAtMs: clock.now() + 30 * 60_000 }) });
  const unsaved: { id: string; file: string | null }[] = [];
  const fallback = createLoginFallback(dirs);
  const keeper = createTokenKeeper({
    clock,
    client,
    vault,
    accounts: () => [{ id: 'a', enabled: true, active: false, sevenDayPct: 10, sevenDayResetsAtMs: null }],
    settings: () => ({ tokenRefreshAheadMs: H }),
    onRefreshed: () => undefined,
    onFailed: () => undefined,
    fallback,
    onUnsaved: (id, file) => unsaved.push({ id, file }),
    logger: silentLogger,
  });
  return { clock, client, vault, keeper, unsaved, fallback };
}

describe('refreshed login the vault refuses', () => {
  it('is saved to the first fallback folder that takes it (0600), and removed once the vault takes it', async () => {
    const blocked = path.join(root, 'a-file');
    await fs.writeFile(blocked, 'not a folder');
    const good = path.join(root, 'fallback');
    const t = keeperWith([path.join(blocked, 'pending'), good]);
    t.vault.failWrites = 1;
    const first = await t.keeper.refreshNow('a', 'manual');
    expect(first.ok).toBe(false);
    const file = path.join(good, 'a.pending-login.json');
    expect(t.unsaved).toEqual([{ id: 'a', file }]);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await fs.readFile(file, 'utf8')) as { record: { credentials: { refreshToken: string } } };
    expect(saved.record.credentials.refreshToken).toBe(t.keeper.pendingRecord('a')?.credentials.refreshToken);
    // The retry reaches the vault: the pair is there, the fallback file is gone, no second refresh was made.
    const second = await t.keeper.refreshNow('a', 'manual');
    expect(second.ok).toBe(true);
    expect(t.client.refreshCallCount()).toBe(1);
    expect(t.vault.records.get('a')?.credentials.refreshToken).toBe(saved.record.credentials.refreshToken);
    await expect(fs.stat(file)).rejects.toThrow();
    expect(await t.keeper.stop()).toEqual([]);
  });

  it('is reported at risk by stop() when neither the vault nor any fallback folder takes it', async () => {
    const blocked = path.join(root, 'a-file');
    await fs.writeFile(blocked, 'not a folder');
    const t = keeperWith([path.join(blocked, 'one'), path.join(blocked, 'two')]);
    t.vault.failWrites = 100;
    await t.keeper.refreshNow('a', 'manual');
    expect(t.unsaved).toEqual([{ id: 'a', file: null }]);
    expect(await t.keeper.stop()).toEqual(['a']);
  });

  it('is not at risk at stop() when the fallback holds it', async () => {
    const t = keeperWith([path.join(root, 'fallback')]);
    t.vault.failWrites = 100;
    await t.keeper.refreshNow('a', 'manual');
    expect(await t.keeper.stop()).toEqual([]);
  });
});

describe('recovery at start', () => {
  it('moves a newer fallback login into the vault and drops one the vault already supersedes', async () => {
    const dirs = [path.join(root, 'one'), path.join(root, 'two')];
    const fallback = createLoginFallback(dirs);
    const newer = vaultRecord({ accessToken: 'at-new', refreshToken: 'rt-new', expiresAtMs: 2_000 }, { refreshPath: 'auto' });
    const stale = vaultRecord({ accessToken: 'at-old', refreshToken: 'rt-old', expiresAtMs: 500 });
    expect((await fallback.save('a', newer)).ok).toBe(true);
    expect((await fallback.save('b', stale)).ok).toBe(true);
    const vault = new MemoryVault({
      a: vaultRecord({ accessToken: 'at-a', refreshToken: 'rt-a', expiresAtMs: 1_000 }),
      b: vaultRecord({ accessToken: 'at-b', refreshToken: 'rt-b', expiresAtMs: 1_000 }),
    });
    expect(await recoverFallbackLogins(fallback, vault)).toEqual({ recovered: ['a'], waiting: [] });
    expect(vault.records.get('a')?.credentials.refreshToken).toBe('rt-new');
    expect(vault.records.get('b')?.credentials.refreshToken).toBe('rt-b');
    expect(await fallback.loadAll()).toEqual([]);
  });

  it('keeps the file when the vault still refuses, and ignores files that are not ours', async () => {
    const dir = path.join(root, 'one');
    const fallback = createLoginFallback([dir]);
    await fallback.save('a', vaultRecord({ accessToken: 'at-new', refreshToken: 'rt-new', expiresAtMs: 2_000 }));
    await fs.writeFile(path.join(dir, 'junk.pending-login.json'), '{"accountId": "../x", "record": 1}');
    const vault = new MemoryVault();
    vault.failWrites = 1;
    expect(await recoverFallbackLogins(fallback, vault)).toEqual({ recovered: [], waiting: ['a'] });
    expect((await fallback.loadAll()).map((e) => e.accountId)).toEqual(['a']);
  });
});

import { describe, expect, it } from 'vitest';
import { err, ok, type Result } from '../../src-main/shared/result.js';
import type { RefreshError } from '../../src-main/engine/anthropic/api-types.js';
import { silentLogger } from '../../src-main/engine/ports.js';
import { createTokenKeeper, type KeeperAccount } from '../../src-main/engine/tokens/token-keeper.js';
import { MIN_REFRESH_INTERVAL_MS } from '../../src-main/engine/tokens/refresh-plan.js';
import type { OAuthCredentials, VaultRecord } from '../../src-main/engine/vault/credentials.js';
import { FakeAnthropicClient } from '../fakes/fake-anthropic-client.js';
import { FakeClock, flushMicrotasks } from '../fakes/fake-clock.js';
import { MemoryVault, vaultRecord } from '../fakes/memory-vault.js';

const M = 60_000;
const H = 60 * M;
const D = 24 * H;

function setup(opts: { expiresInMs?: number; account?: Partial<KeeperAccount>; isOwnedByClaudeCode?: (id: string) => boolean } = {}) {
  const clock = new FakeClock();
  const t0 = clock.now();
  const client = new FakeAnthropicClient(() => clock.now());
  const vault = new MemoryVault({
    a: vaultRecord({ accessToken: 'at-a', refreshToken: 'rt-a', expiresAtMs: t0 + (opts.expiresInMs ?? 3 * H) }),
  });
  const accounts: KeeperAccount[] = [
    { id: 'a', enabled: true, active: false, sevenDayPct: 40, sevenDayResetsAtMs: t0 + 3 * D, ...opts.account },
  ];
  const refreshed: { id: string; record: VaultRecord }[] = [];
  const failed: { id: string; error: RefreshError }[] = [];
  const implausible: { id: string; lifetimeMs: number }[] = [];
  const keeper = createTokenKeeper({
    clock,
    client,
    vault,
    accounts: () => accounts,
    ...(opts.isOwnedByClaudeCode ? { isOwnedByClaudeCode: opts.isOwnedByClaudeCode } : {}),
    settings: () => ({ tokenRefreshAheadMs: H }),
    onRefreshed: (id, record) => refreshed.push({ id, record }),
    onFailed: (id, error) => failed.push({ id, error }),
    onImplausibleLifetime: (id, lifetimeMs) => implausible.push({ id, lifetimeMs }),
    logger: silentLogger,
  });
  return { clock, t0, client, vault, accounts, refreshed, failed, implausible, keeper };
}

const newCreds = (nowMs: number, n: number): OAuthCredentials => ({
  accessToken: `at-new-${n}`,
  refreshToken: `rt-new-${n}`,
  expiresAtMs: nowMs + 8 * H,
  scopes: [],
  subscriptionType: 'max',
  rateLimitTier: null,
});

describe('token keeper', () => {
  it('refreshes a parked account one hour before expiry, not earlier', async () => {
    const t = setup();
    t.keeper.start();
    await t.clock.advanceTo(t.t0 + 2 * H - 1);
    expect(t.client.refreshCallCount()).toBe(0);
    await t.clock.advanceTo(t.t0 + 2 * H);
    expect(t.client.refreshCalls).toEqual([{ refreshToken: 'rt-a', nowMs: t.t0 + 2 * H }]);
    await t.keeper.stop();
  });

  it('stores the new pair tagged auto with the refresh time', async () => {
    const t = setup({ expiresInMs: 30 * M });
    t.keeper.start();
    await t.clock.advance(1);
    const stored = t.vault.records.get('a')!;
    expect(stored).toMatchObject({ refreshPath: 'auto', refreshedAtMs: t.t0, needsLogin: false });
    expect(stored.credentials.refreshToken).not.toBe('rt-a');
    expect(t.refreshed).toEqual([{ id: 'a', record: stored }]);
    expect(t.keeper.nextRefreshAtMs()).toBe(stored.credentials.expiresAtMs - H);
    await t.keeper.stop();
  });

  it('keeps refreshing every cycle with one timer pending', async () => {
    const t = setup();
    t.keeper.start();
    for (let i = 0; i < 24; i++) {
      await t.clock.advance(H);
      expect(t.clock.pendingTimers).toBe(1);
    }
    // Expiry at 3 h, then every 8 h: refreshes at 2 h, 9 h, 16 h, 23 h.
    expect(t.client.refreshCalls.map((c) => (c.nowMs - t.t0) / H)).toEqual([2, 9, 16, 23]);
    await t.keeper.stop();
    expect(t.clock.pendingTimers).toBe(0);
  });

  it('never refreshes the account Claude Code owns', async () => {
    const t = setup({ expiresInMs: -H, account: { active: true } });
    t.keeper.start();
    await t.clock.advance(2 * D);
    const result = await t.keeper.refreshNow('a', 'manual');
    expect(result.ok ? null : result.error.kind).toBe('owned-by-claude-code');
    expect(t.client.refreshCallCount()).toBe(0);
    await t.keeper.stop();
  });

  it('asks the ownership port rather than assuming', async () => {
    const t = setup({ expiresInMs: 10 * M, isOwnedByClaudeCode: () => true });
    t.keeper.start();
    await t.clock.advance(D);
    expect(t.client.refreshCallCount()).toBe(0);
    await t.keeper.stop();
  });

  it('does not refresh a disabled account on its own', async () => {
    const t = setup({ expiresInMs: 10 * M, account: { enabled: false } });
    t.keeper.start();
    await t.clock.advance(D);
    expect(t.client.refreshCallCount()).toBe(0);
    await t.keeper.stop();
  });

  it('marks a rejected login as needing a login once and never retries it, even hours later', async () => {
    const t = setup({ expiresInMs: 30 * M });
    t.client.scriptRefresh('rt-a', err({ kind: 'invalid-grant', message: 'refresh token revoked' }));
    t.keeper.start();
    await t.clock.advance(3 * D);
    expect(t.client.refreshCallCount()).toBe(1);
    expect(t.vault.records.get('a')?.needsLogin).toBe(true);
    expect(t.failed).toEqual([{ id: 'a', error: { kind: 'invalid-grant', message: 'refresh token revoked' } }]);
    const again = await t.keeper.refreshNow('a', 'manual');
    expect(again.ok ? null : again.error.kind).toBe('needs-login');
    expect(t.client.refreshCallCount()).toBe(1);
    await t.keeper.stop();
  });

  it('does not retry a rejected login even when marking it in the vault failed', async () => {
    const t = setup({ expiresInMs: 30 * M });
    t.client.scriptRefresh('rt-a', err({ kind: 'invalid-grant', message: 'invalid_grant' }));
    t.vault.failWrites = 1;
    t.keeper.start();
    await t.clock.advance(D);
    expect(t.vault.records.get('a')?.needsLogin).toBe(false);
    expect(t.client.refreshCallCount()).toBe(1);
    await t.keeper.stop();
  });

  it('refreshes again once a new login replaces the rejected one', async () => {
    const t = setup({ expiresInMs: 30 * M });
    t.client.scriptRefresh('rt-a', err({ kind: 'invalid-grant', message: 'invalid_grant' }));
    t.keeper.start();
    await t.clock.advance(H);
    await t.vault.write(
      'a',
      vaultRecord({ accessToken: 'at-login', refreshToken: 'rt-login', expiresAtMs: t.clock.now() + 2 * H }, { refreshPath: 'login' }),
    );
    t.keeper.credentialsChanged('a');
    await t.clock.advance(H);
    expect(t.client.refreshCallCount('rt-login')).toBe(1);
    await t.keeper.stop();
  });

  it('writes the new pair to the vault before telling anyone', async () => {
    const t = setup({ expiresInMs: 30 * M });
    const order: string[] = [];
    t.vault.onWrite = () => order.push('vault-write');
    const keeper = createTokenKeeper({
      clock: t.clock,
      client: t.client,
      vault: t.vault,
      accounts: () => t.accounts,
      settings: () => ({ tokenRefreshAheadMs: H }),
      onRefreshed: () => order.push('on-refreshed'),
      onFailed: () => order.push('on-failed'),
      logger: silentLogger,
    });
    const result = await keeper.refreshNow('a', 'manual');
    expect(result.ok).toBe(true);
    expect(order).toEqual(['vault-write', 'on-refreshed']);
  });

  it('keeps a refreshed pair whose write failed, retries the write and never refreshes with the dead token', async () => {
    const t = setup({ expiresInMs: 30 * M });
    t.vault.failWrites = 3;
    t.keeper.start();
    await t.clock.advance(1);
    expect(t.client.refreshCallCount()).toBe(1);
    expect(t.refreshed).toEqual([]);
    expect(t.vault.records.get('a')?.credentials.refreshToken).toBe('rt-a');
    const pending = t.keeper.pendingRecord('a');
    expect(pending?.credentials.refreshToken).not.toBe('rt-a');
    const now = await t.keeper.refreshNow('a', 'manual');
    expect(now.ok ? null : now.error.kind).toBe('vault-failed');
    await t.clock.advance(10 * M);
    expect(t.vault.records.get('a')?.credentials).toEqual(pending?.credentials);
    expect(t.refreshed.map((r) => r.record)).toEqual([pending]);
    expect(t.keeper.pendingRecord('a')).toBeNull();
    expect(t.client.refreshCallCount()).toBe(1);
    expect(t.vault.writes.map((w) => w.ok)).toEqual([false, false, false, true]);
    await t.keeper.stop();
  });

  it('retries transient failures with a growing, capped backoff', async () => {
    const t = setup({ expiresInMs: 30 * M });
    t.client.scriptRefresh('rt-a', err({ kind: 'network', message: 'ECONNRESET' }));
    t.keeper.start();
    await t.clock.advance(4 * H);
    const times = t.client.refreshCalls.map((c) => (c.nowMs - t.t0) / M);
    expect(times).toEqual([0, 1, 6, 21, 51, 111, 171, 231]);
    expect(t.failed.every((f) => f.error.kind === 'network')).toBe(true);
    expect(t.vault.records.get('a')?.needsLogin).toBe(false);
    await t.keeper.stop();
  });

  it('defers an exhausted account until its 7-day reset', async () => {
    const t = setup({ expiresInMs: 30 * M, account: { sevenDayPct: 100 } });
    t.accounts[0] = { ...t.accounts[0]!, sevenDayResetsAtMs: t.t0 + 2 * D };
    t.keeper.start();
    await t.clock.advanceTo(t.t0 + 2 * D - 1);
    expect(t.client.refreshCallCount()).toBe(0);
    expect(t.keeper.nextRefreshAtMs()).toBe(t.t0 + 2 * D);
    await t.clock.advanceTo(t.t0 + 2 * D);
    expect(t.client.refreshCallCount()).toBe(1);
    await t.keeper.stop();
  });

  it('defers an exhausted account with no known reset indefinitely', async () => {
    const t = setup({ expiresInMs: 30 * M, account: { sevenDayPct: 100, sevenDayResetsAtMs: null } });
    t.keeper.start();
    await t.clock.advance(3 * D);
    expect(t.client.refreshCallCount()).toBe(0);
    expect(t.keeper.nextRefreshAtMs()).toBeNull();
    await t.keeper.stop();
  });

  it('refreshes an account whose exhausted window has already reset', async () => {
    const t = setup({ expiresInMs: 30 * M, account: { sevenDayPct: 100 } });
    t.accounts[0] = { ...t.accounts[0]!, sevenDayResetsAtMs: t.t0 - 1 };
    t.keeper.start();
    await t.clock.advance(1);
    expect(t.client.refreshCallCount()).toBe(1);
    await t.keeper.stop();
  });

  it('lets a second refresh request join the one in flight', async () => {
    const t = setup();
    let release!: (r: Result<OAuthCredentials, RefreshError>) => void;
    t.client.scriptRefresh('rt-a', () => new Promise((r) => (release = r)));
    const first = t.keeper.refreshNow('a', 'before-activation');
    const second = t.keeper.refreshNow('a', 'manual');
    await flushMicrotasks();
    expect([...t.keeper.refreshingIds()]).toEqual(['a']);
    release(ok(newCreds(t.clock.now(), 1)));
    const [r1, r2] = await Promise.all([first, second]);
    expect(r1).toEqual(r2);
    expect(r1.ok && r1.value.credentials.accessToken).toBe('at-new-1');
    expect(t.client.refreshCallCount()).toBe(1);
    expect(t.keeper.refreshingIds().size).toBe(0);
  });

  it('refreshes on request an account the schedule would defer', async () => {
    const t = setup({ expiresInMs: 5 * H, account: { sevenDayPct: 100 } });
    const result = await t.keeper.refreshNow('a', 'before-activation');
    expect(result.ok).toBe(true);
    expect(t.client.refreshCallCount()).toBe(1);
  });

  it('reports an account without a stored login', async () => {
    const t = setup();
    const result = await t.keeper.refreshNow('ghost', 'manual');
    expect(result.ok ? null : result.error.kind).toBe('no-login');
  });

  it('keeps looking, without spinning, when the vault throws', async () => {
    const t = setup({ expiresInMs: 30 * M });
    let reads = 0;
    let broken = true;
    const vault = {
      kind: t.vault.kind,
      location: t.vault.location,
      read: async (id: string) => {
        reads++;
        if (broken) throw new Error('keychain daemon gone');
        return t.vault.read(id);
      },
      write: t.vault.write.bind(t.vault),
      remove: t.vault.remove.bind(t.vault),
    };
    const keeper = createTokenKeeper({
      clock: t.clock,
      client: t.client,
      vault,
      accounts: () => t.accounts,
      settings: () => ({ tokenRefreshAheadMs: H }),
      onRefreshed: () => {},
      onFailed: () => {},
      logger: silentLogger,
    });
    keeper.start();
    await t.clock.advance(10 * M);
    expect(reads).toBeGreaterThan(5);
    expect(reads).toBeLessThanOrEqual(12);
    broken = false;
    await t.clock.advance(M);
    expect(t.client.refreshCallCount()).toBe(1);
    await keeper.stop();
  });

  it('never puts a token in what it reports', async () => {
    const t = setup({ expiresInMs: 30 * M });
    t.client.scriptRefresh('rt-a', err({ kind: 'invalid-grant', message: 'invalid_grant' }));
    const result = await t.keeper.refreshNow('a', 'manual');
    const again = await t.keeper.refreshNow('a', 'manual');
    expect(JSON.stringify([result, again, t.failed])).not.toMatch(/at-a|rt-a/);
  });
});

describe('token keeper: no refresh storm on short or missing token lifetimes', () => {
  for (const lifetimeMs of [H, 30 * M, 0, -5 * M]) {
    it(`refreshes at most every ${MIN_REFRESH_INTERVAL_MS / M} min when the endpoint answers a ${lifetimeMs / M} min lifetime, and says so once`, async () => {
      const t = setup({ expiresInMs: 30 * M });
      t.client.refreshLifetimeMs = lifetimeMs;
      t.keeper.start();
      for (let i = 0; i < 20; i++) await t.clock.advance(M);
      expect(t.client.refreshCallCount()).toBe(1);
      await t.clock.advanceTo(t.t0 + 24 * H);
      expect(t.client.refreshCallCount()).toBeGreaterThan(1);
      expect(t.client.refreshCallCount()).toBeLessThanOrEqual(1 + (24 * H) / MIN_REFRESH_INTERVAL_MS);
      const gaps = t.client.refreshCalls.slice(1).map((c, i) => c.nowMs - t.client.refreshCalls[i]!.nowMs);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(MIN_REFRESH_INTERVAL_MS);
      expect(t.implausible).toEqual([{ id: 'a', lifetimeMs }]);
      await t.keeper.stop();
    });
  }

  it('plans half-way through a lifetime shorter than twice the refresh-ahead time', async () => {
    const t = setup({ expiresInMs: 30 * M });
    t.client.refreshLifetimeMs = 90 * M;
    t.keeper.start();
    await t.clock.advance(1);
    expect(t.keeper.nextRefreshAtMs()).toBe(t.t0 + 45 * M);
    await t.keeper.stop();
  });

  it('says nothing about the normal 8 h lifetime', async () => {
    const t = setup({ expiresInMs: 30 * M });
    t.keeper.start();
    await t.clock.advanceTo(t.t0 + 24 * H);
    expect(t.client.refreshCallCount()).toBe(4);
    expect(t.implausible).toEqual([]);
    await t.keeper.stop();
  });
});

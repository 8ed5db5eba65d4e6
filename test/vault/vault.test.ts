import { describe, expect, it } from 'vitest';
import type { SecretStore } from '../../src-main/engine/ports.js';
import type { VaultRecord } from '../../src-main/engine/vault/credentials.js';
import { createVault } from '../../src-main/engine/vault/vault.js';
import { MemorySecretStore } from '../fakes/memory-secret-store.js';

const ACCESS = 'sk-ant-oat01-access-token-value';
const REFRESH = 'sk-ant-ort01-refresh-token-value';

const record = (overrides: Partial<VaultRecord> = {}): VaultRecord => ({
  version: 1,
  credentials: {
    accessToken: ACCESS,
    refreshToken: REFRESH,
    expiresAtMs: Date.UTC(2026, 10, 25),
    scopes: ['user:inference', 'user:profile'],
    subscriptionType: 'max',
    rateLimitTier: 'default_claude_max_20x',
  },
  refreshedAtMs: Date.UTC(2026, 10, 24),
  refreshPath: 'login',
  needsLogin: false,
  ...overrides,
});

describe('createVault', () => {
  it('reads back the record it wrote', async () => {
    const store = new MemorySecretStore();
    const vault = createVault(store);
    expect(await vault.write('acc-1', record())).toEqual({ ok: true, value: undefined });
    expect(await vault.read('acc-1')).toEqual({ ok: true, value: record() });
    expect(JSON.parse(store.values.get('acc-1')!)).toEqual(record());
  });

  it('reads null for an account with no record', async () => {
    expect(await createVault(new MemorySecretStore()).read('nobody')).toEqual({ ok: true, value: null });
  });

  it('removes a record', async () => {
    const vault = createVault(new MemorySecretStore());
    await vault.write('acc-1', record());
    expect((await vault.remove('acc-1')).ok).toBe(true);
    expect(await vault.read('acc-1')).toEqual({ ok: true, value: null });
  });

  it('reports a stored value that is not JSON as corrupt, without quoting it', async () => {
    const store = new MemorySecretStore();
    store.values.set('acc-1', `{"accessToken":"${ACCESS}"`);
    const read = await createVault(store).read('acc-1');
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.error.kind).toBe('corrupt');
    expect(read.error.message).not.toContain(ACCESS);
  });

  it('reports a record missing a field as corrupt, naming the field but not any value', async () => {
    const store = new MemorySecretStore();
    const broken = { ...record(), credentials: { ...record().credentials, refreshToken: 42 } };
    store.values.set('acc-1', JSON.stringify(broken));
    const read = await createVault(store).read('acc-1');
    expect(!read.ok && read.error.kind).toBe('corrupt');
    expect(!read.ok && read.error.message).toMatch(/credentials\.refreshToken/);
    expect(JSON.stringify(read)).not.toContain(ACCESS);
  });

  it('reports a record from a newer version as corrupt with what to do', async () => {
    const store = new MemorySecretStore();
    store.values.set('acc-1', JSON.stringify({ ...record(), version: 2 }));
    const read = await createVault(store).read('acc-1');
    expect(!read.ok && read.error).toEqual({
      kind: 'corrupt',
      message: 'the stored login of account acc-1 was written by a newer ccmax-monitor (record version 2); update ccmax-monitor',
    });
  });

  it('turns a store failure on write into an unavailable error with the secret removed', async () => {
    const store = new MemorySecretStore();
    store.failNext = new Error(`backend choked on ${REFRESH} and ${ACCESS}`);
    const written = await createVault(store).write('acc-1', record());
    expect(written.ok).toBe(false);
    if (written.ok) return;
    expect(written.error.kind).toBe('unavailable');
    expect(written.error.message).toMatch(/could not write the login of account acc-1 in the file \(memory\)/);
    expect(written.error.message).not.toContain(REFRESH);
    expect(written.error.message).not.toContain(ACCESS);
  });

  it('turns a store failure on read into an unavailable error', async () => {
    const store = new MemorySecretStore();
    store.failNext = new Error('Secret Service is locked');
    const read = await createVault(store).read('acc-1');
    expect(!read.ok && read.error.kind).toBe('unavailable');
    expect(!read.ok && read.error.message).toMatch(/Secret Service is locked/);
  });

  it('throws on an invalid record, which is a caller bug', async () => {
    const bad = { ...record(), needsLogin: 'no' } as unknown as VaultRecord;
    await expect(createVault(new MemorySecretStore()).write('acc-1', bad)).rejects.toThrow(/needsLogin/);
  });

  it('applies writes for one account in call order even when the store finishes them out of order', async () => {
    const values = new Map<string, string>();
    const delaysMs = [30, 0];
    const slowStore: SecretStore = {
      kind: 'file',
      location: 'slow',
      get: async (id) => values.get(id) ?? null,
      set: async (id, value) => {
        await new Promise((r) => setTimeout(r, delaysMs.shift() ?? 0));
        values.set(id, value);
      },
      delete: async (id) => void values.delete(id),
    };
    const vault = createVault(slowStore);
    const first = vault.write('acc-1', record({ refreshPath: 'auto' }));
    const second = vault.write('acc-1', record({ refreshPath: 'claude' }));
    const read = await vault.read('acc-1');
    await Promise.all([first, second]);
    expect(read.ok && read.value?.refreshPath).toBe('claude');
  });
});

/**
 * The real keychain round trip runs wherever a keychain works (CI runs it under
 * scripts/with-keyring.sh); elsewhere those tests are skipped with the probe's reason — unless
 * CCMAX_REQUIRE_KEYRING=1 (set by with-keyring.sh), where a missing keychain is a failure.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { VaultRecord } from '../../src-main/engine/vault/credentials.js';
import { createKeyringSecretStore, fixHint, probeKeyring, type KeyringEntry } from '../../src-main/engine/vault/keyring-secret-store.js';
import { createVault } from '../../src-main/engine/vault/vault.js';

const service = `ccmax-monitor-test-${randomBytes(4).toString('hex')}`;
// CCMAX_KEYRING_TESTS=off (set by `npm test` when no private keyring can be started) keeps these
// tests away from the developer's own login keychain.
const disabled = process.env.CCMAX_KEYRING_TESTS === 'off';
const probe = disabled
  ? ({ ok: false, error: { kind: 'unavailable', message: 'CCMAX_KEYRING_TESTS=off: not touching this machine’s own keychain' } } as const)
  : await probeKeyring({ service });
const skipReason = probe.ok ? '' : `no usable keychain here (run under scripts/with-keyring.sh): ${probe.error.message}`;
const store = createKeyringSecretStore({ service });
const usedAccounts = new Set<string>();
const account = (name: string): string => {
  usedAccounts.add(name);
  return name;
};

afterAll(async () => {
  if (!probe.ok) return;
  for (const id of usedAccounts) await store.delete(id).catch(() => undefined);
});

describe('keychain store against the real keychain', () => {
  it.runIf(process.env.CCMAX_REQUIRE_KEYRING === '1')('finds a working keychain where one is required', () => {
    expect(probe.ok ? 'available' : skipReason).toBe('available');
  });

  it('stores, overwrites, reads back and deletes a value', async ({ skip }) => {
    skip(!probe.ok, skipReason);
    const id = account('round-trip');
    await store.set(id, 'first');
    expect(await store.get(id)).toBe('first');
    await store.set(id, 'second');
    expect(await store.get(id)).toBe('second');
    await store.delete(id);
    expect(await store.get(id)).toBeNull();
  });

  it('reads null for an account without an entry, and deleting it again is harmless', async ({ skip }) => {
    skip(!probe.ok, skipReason);
    const id = account('never-stored');
    expect(await store.get(id)).toBeNull();
    await expect(store.delete(id)).resolves.toBeUndefined();
  });

  it('keeps unicode intact', async ({ skip }) => {
    skip(!probe.ok, skipReason);
    const id = account('unicode');
    const value = 'pässwörd — 密码 — 🔑🧪 — \u0000-free';
    await store.set(id, value);
    expect(await store.get(id)).toBe(value);
  });

  it('keeps a 4 KB value intact', async ({ skip }) => {
    skip(!probe.ok, skipReason);
    const id = account('large');
    const value = randomBytes(2048).toString('hex');
    expect(value).toHaveLength(4096);
    await store.set(id, value);
    expect(await store.get(id)).toBe(value);
  });

  it('keeps accounts apart', async ({ skip }) => {
    skip(!probe.ok, skipReason);
    await store.set(account('left'), 'L');
    await store.set(account('right'), 'R');
    expect([await store.get('left'), await store.get('right')]).toEqual(['L', 'R']);
  });

  it('round-trips a full vault record through createVault', async ({ skip }) => {
    skip(!probe.ok, skipReason);
    const record: VaultRecord = {
      version: 1,
      credentials: {
        accessToken: `sk-ant-oat01-${randomBytes(40).toString('base64url')}`,
        refreshToken: `sk-ant-ort01-${randomBytes(40).toString('base64url')}`,
        expiresAtMs: Date.UTC(2026, 10, 25),
        scopes: ['user:inference', 'user:profile'],
        subscriptionType: 'max',
        rateLimitTier: null,
      },
      refreshedAtMs: null,
      refreshPath: null,
      needsLogin: false,
    };
    const vault = createVault(store);
    expect((await vault.write(account('vault-record'), record)).ok).toBe(true);
    expect(await vault.read('vault-record')).toEqual({ ok: true, value: record });
    expect(vault.kind).toBe('keychain');
    expect(vault.location).toBe(service);
  });
});

describe('keychain store failures', () => {
  const SECRET = 'sk-ant-oat01-must-not-leak';
  const failing = (message: string): KeyringEntry => ({
    setPassword: async () => {
      throw new Error(message);
    },
    getPassword: async () => {
      throw new Error(message);
    },
    deletePassword: async () => {
      throw new Error(message);
    },
  });

  it('says what failed and how to fix it, without the value', async () => {
    const broken = createKeyringSecretStore({ service: 'svc', platform: 'linux', createEntry: () => failing(`DBus said no to ${SECRET}`) });
    const error = await broken.set('acc-1', SECRET).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(/^Keychain write failed for account acc-1 \(service "svc"\)/);
    expect(message).toMatch(/No Secret Service available.*--vault file/);
    expect(message).not.toContain(SECRET);
  });

  it('reports a constructor failure (no backend at all) as a failed call', async () => {
    const broken = createKeyringSecretStore({
      service: 'svc',
      platform: 'linux',
      createEntry: () => {
        throw new Error('Platform failure: DBus error');
      },
    });
    await expect(broken.get('acc-1')).rejects.toThrow(/Keychain read failed .*Platform failure: DBus error/);
  });

  it('probes as unavailable, with the fix, when the keychain fails', async () => {
    const result = await probeKeyring({ platform: 'linux', createEntry: () => failing('no result found') });
    expect(!result.ok && result.error.message).toMatch(/No Secret Service available/);
  });

  it('probes as unavailable when a written value does not read back', async () => {
    const forgetful: KeyringEntry = {
      setPassword: async () => undefined,
      getPassword: async () => null,
      deletePassword: async () => false,
    };
    const result = await probeKeyring({ createEntry: () => forgetful });
    expect(!result.ok && result.error.message).toMatch(/did not read back/);
  });

  it('gives a fix for each platform that points at the file vault', () => {
    expect(fixHint('darwin', '')).toMatch(/login keychain.*--vault file/);
    expect(fixHint('win32', '')).toMatch(/Credential Manager.*--vault file/);
    expect(fixHint('linux', 'collection is locked')).toMatch(/locked.*--vault file/);
  });
});

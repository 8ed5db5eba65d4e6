import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretStore, vaultKindFromEnv } from '../../src-main/engine/vault/create-secret-store.js';
import type { KeyringEntry } from '../../src-main/engine/vault/keyring-secret-store.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ccmax-vaultkind-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** A keychain that works, kept in a map, counting the entries created. */
function workingKeychain() {
  const values = new Map<string, string>();
  let entries = 0;
  const createEntry = (service: string, account: string): KeyringEntry => {
    entries++;
    const key = `${service}/${account}`;
    return {
      setPassword: async (v) => void values.set(key, v),
      getPassword: async () => values.get(key) ?? null,
      deletePassword: async () => values.delete(key),
    };
  };
  return { createEntry, values, entriesCreated: () => entries };
}

const brokenKeychain = (): KeyringEntry => {
  throw new Error('Platform failure: DBus error');
};

describe('vaultKindFromEnv', () => {
  it('defaults to the keychain', () => {
    expect(vaultKindFromEnv(undefined, undefined)).toEqual({ ok: true, value: 'keychain' });
    expect(vaultKindFromEnv('', ' ')).toEqual({ ok: true, value: 'keychain' });
  });

  it('takes the file vault from CCMAX_VAULT', () => {
    expect(vaultKindFromEnv(undefined, 'file')).toEqual({ ok: true, value: 'file' });
  });

  it('lets the --vault flag override CCMAX_VAULT, ignoring case', () => {
    expect(vaultKindFromEnv('File', 'keychain')).toEqual({ ok: true, value: 'file' });
    expect(vaultKindFromEnv('AUTO', undefined)).toEqual({ ok: true, value: 'auto' });
  });

  it('rejects an unknown kind and lists the choices', () => {
    expect(vaultKindFromEnv(undefined, 'keyring')).toEqual({
      ok: false,
      error: { kind: 'invalid', message: 'CCMAX_VAULT=keyring is not a vault kind; use one of: keychain, file, auto' },
    });
  });
});

describe('createSecretStore', () => {
  it('uses vault.json in the data dir for the file kind', async () => {
    const created = await createSecretStore({ kind: 'file', dataDir: dir });
    expect(created.warning).toBeNull();
    expect(created.store.kind).toBe('file');
    expect(created.store.location).toBe(path.join(dir, 'vault.json'));
  });

  it('uses the keychain for the keychain kind without probing it', async () => {
    const keychain = workingKeychain();
    const created = await createSecretStore({
      kind: 'keychain',
      dataDir: dir,
      service: 'svc',
      keyring: { createEntry: keychain.createEntry },
    });
    expect(created.store.kind).toBe('keychain');
    expect(created.store.location).toBe('svc');
    expect(keychain.entriesCreated()).toBe(0);
    await created.store.set('acc-1', 'v');
    expect(keychain.values.get('svc/acc-1')).toBe('v');
  });

  it('picks the keychain in auto mode when the probe works, leaving no probe entry behind', async () => {
    const keychain = workingKeychain();
    const created = await createSecretStore({ kind: 'auto', dataDir: dir, keyring: { createEntry: keychain.createEntry } });
    expect(created.store.kind).toBe('keychain');
    expect(created.warning).toBeNull();
    expect(keychain.entriesCreated()).toBeGreaterThan(0);
    expect(keychain.values.size).toBe(0);
  });

  it('falls back to the file in auto mode when the keychain fails, with a warning that says where and why', async () => {
    const created = await createSecretStore({ kind: 'auto', dataDir: dir, keyring: { createEntry: brokenKeychain, platform: 'linux' } });
    expect(created.store.kind).toBe('file');
    expect(created.warning).toContain(path.join(dir, 'vault.json'));
    expect(created.warning).toMatch(/keychain is not available.*DBus error/);
  });
});

/**
 * The OS keychain as a {@link SecretStore} via `@napi-rs/keyring`: macOS Keychain, Windows
 * Credential Manager, Linux Secret Service. One entry per account: service `ccmax-monitor`,
 * account = our account id. Failures throw an Error saying what failed and how to fix it; the
 * message never contains the stored value.
 */
import { randomBytes } from 'node:crypto';
import { err, ok, type Result } from '../../shared/result.js';
import type { SecretStore } from '../ports.js';
import { redactSecrets } from './redact.js';

/** The keychain service name entries are stored under. */
export const DEFAULT_KEYRING_SERVICE = 'ccmax-monitor';

/** The slice of `AsyncEntry` we use; injectable so failure handling can be tested without a keychain. */
export interface KeyringEntry {
  setPassword(password: string): Promise<void>;
  getPassword(): Promise<string | null>;
  deletePassword(): Promise<boolean>;
}

/**
 * Which Linux backend to use. `secret-service` (default) fails loudly when no Secret Service runs;
 * `auto` lets the binding fall back to the kernel keyring, which is in-memory only and loses every
 * login at reboot — so it is never the default for credentials.
 */
export type LinuxKeyringStore = 'secret-service' | 'keyutils' | 'auto';

export interface KeyringSecretStoreOptions {
  /** Keychain service name; default {@link DEFAULT_KEYRING_SERVICE}. Tests use a unique one. */
  readonly service?: string;
  readonly linuxStore?: LinuxKeyringStore;
  readonly platform?: NodeJS.Platform;
  /** Default: a real `AsyncEntry`. */
  readonly createEntry?: (service: string, account: string) => KeyringEntry | Promise<KeyringEntry>;
}

/** Creates the keychain store. Nothing is touched until the first call; see {@link probeKeyring}. */
export function createKeyringSecretStore(options: KeyringSecretStoreOptions = {}): SecretStore {
  const service = options.service ?? DEFAULT_KEYRING_SERVICE;
  const platform = options.platform ?? process.platform;
  const createEntry = options.createEntry ?? defaultEntryFactory(options.linuxStore ?? 'secret-service');

  async function call<T>(op: string, accountId: string, secrets: readonly string[], fn: (e: KeyringEntry) => Promise<T>): Promise<T> {
    try {
      return await fn(await createEntry(service, accountId));
    } catch (error) {
      const detail = redactSecrets(error instanceof Error ? error.message : String(error), secrets);
      throw new Error(`Keychain ${op} failed for account ${accountId} (service "${service}"): ${detail}. ${fixHint(platform, detail)}`);
    }
  }

  return {
    kind: 'keychain',
    location: service,
    get: (accountId) => call('read', accountId, [], (e) => e.getPassword()),
    set: (accountId, value) => call('write', accountId, [value], (e) => e.setPassword(value)),
    async delete(accountId) {
      await call('delete', accountId, [], (e) => e.deletePassword());
    },
  };
}

function defaultEntryFactory(linuxStore: LinuxKeyringStore): (service: string, account: string) => Promise<KeyringEntry> {
  // Loaded on first use: the native module costs ~10 MB, which a file-vault server never needs.
  let binding: Promise<typeof import('@napi-rs/keyring')> | null = null;
  return async (service, account) => {
    const { AsyncEntry } = await (binding ??= import('@napi-rs/keyring'));
    return linuxStore === 'auto' ? new AsyncEntry(service, account) : new AsyncEntry(service, account, { linux: { store: linuxStore } });
  };
}

/** How to fix a keychain failure, in words, for the platform. */
export function fixHint(platform: NodeJS.Platform, detail: string): string {
  const fileVault = 'or use the file vault instead (--vault file, or CCMAX_VAULT=file)';
  if (platform === 'darwin') return `Allow ccmax-monitor to use the login keychain (Keychain Access), ${fileVault}.`;
  if (platform === 'win32') return `Check that Windows Credential Manager is available, ${fileVault}.`;
  if (/locked/i.test(detail)) return `The keyring is locked: unlock it (log in to the desktop session), ${fileVault}.`;
  return (
    'No Secret Service available: run under a desktop session with a keyring (GNOME Keyring, KWallet), ' +
    `start one headless with scripts/with-keyring.sh, ${fileVault}.`
  );
}

/** What {@link probeKeyring} found. */
export interface KeyringProbeFailure {
  readonly kind: 'unavailable';
  /** What failed and how to fix it. */
  readonly message: string;
}

/**
 * Checks that the keychain works here by writing, reading back and deleting a throwaway entry
 * (account `ccmax-probe-<random>`). Never throws.
 */
export async function probeKeyring(options: KeyringSecretStoreOptions = {}): Promise<Result<void, KeyringProbeFailure>> {
  const store = createKeyringSecretStore(options);
  const account = `ccmax-probe-${randomBytes(6).toString('hex')}`;
  const value = randomBytes(16).toString('hex');
  try {
    await store.set(account, value);
    const readBack = await store.get(account);
    if (readBack !== value) {
      return err({
        kind: 'unavailable',
        message: `Keychain probe failed: a value written to service "${store.location}" did not read back.`,
      });
    }
    return ok(undefined);
  } catch (error) {
    return err({ kind: 'unavailable', message: redactSecrets((error as Error).message, [value]) });
  } finally {
    await store.delete(account).catch(() => undefined);
  }
}

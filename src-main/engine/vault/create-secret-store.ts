/**
 * Chooses the secret store: the OS keychain by default, the 0600 file only when asked for
 * (`--vault file` / `CCMAX_VAULT=file`), or `auto`: the keychain when it works here, else the file
 * with a warning the caller must show (PRODUCT §3: the UI flags the file fallback).
 */
import { err, ok, type Result } from '../../shared/result.js';
import type { Logger, SecretStore } from '../ports.js';
import { silentLogger } from '../ports.js';
import { createFileSecretStore, type FileVaultReport } from './file-secret-store.js';
import { createKeyringSecretStore, probeKeyring, type KeyringSecretStoreOptions } from './keyring-secret-store.js';

export type VaultKind = 'keychain' | 'file' | 'auto';

const VAULT_KINDS: readonly VaultKind[] = ['keychain', 'file', 'auto'];

/**
 * The vault kind from the `--vault` flag, else `CCMAX_VAULT`, else `keychain`. Case-insensitive;
 * an empty value counts as unset; anything else is an error that lists the choices.
 */
export function vaultKindFromEnv(
  argvFlag: string | undefined,
  envValue: string | undefined,
): Result<VaultKind, { readonly kind: 'invalid'; readonly message: string }> {
  const [source, value] = argvFlag?.trim() ? ['--vault', argvFlag] : envValue?.trim() ? ['CCMAX_VAULT', envValue] : [null, null];
  if (source === null || value === null) return ok('keychain');
  const normalised = value.trim().toLowerCase();
  const kind = VAULT_KINDS.find((k) => k === normalised);
  if (kind) return ok(kind);
  return err({ kind: 'invalid', message: `${source}=${value} is not a vault kind; use one of: ${VAULT_KINDS.join(', ')}` });
}

export interface CreateSecretStoreOptions {
  readonly kind: VaultKind;
  /** Folder of `vault.json` for the file store. */
  readonly dataDir: string;
  /** Keychain service name; default `ccmax-monitor`. */
  readonly service?: string;
  readonly logger?: Logger;
  /** Corruption / permission repairs found by the file store. */
  readonly onFileReport?: (report: FileVaultReport) => void;
  /** Keychain options (Linux backend, injected entries for tests). */
  readonly keyring?: Omit<KeyringSecretStoreOptions, 'service'>;
}

export interface CreatedSecretStore {
  readonly store: SecretStore;
  /** Set when `auto` fell back to the file: why, in words, for the UI/CLI to show. */
  readonly warning: string | null;
}

/**
 * Builds the store for `kind`. `keychain` is not probed (the first call fails with a fix hint);
 * `auto` probes once (a write/read/delete of a throwaway entry). Never throws.
 */
export async function createSecretStore(options: CreateSecretStoreOptions): Promise<CreatedSecretStore> {
  const logger = options.logger ?? silentLogger;
  const keyringOptions: KeyringSecretStoreOptions = { ...options.keyring, service: options.service };
  const file = (): SecretStore => createFileSecretStore({ dataDir: options.dataDir, logger, onReport: options.onFileReport });

  if (options.kind === 'file') return { store: file(), warning: null };
  if (options.kind === 'keychain') return { store: createKeyringSecretStore(keyringOptions), warning: null };

  const probe = await probeKeyring(keyringOptions);
  if (probe.ok) return { store: createKeyringSecretStore(keyringOptions), warning: null };
  const store = file();
  const warning = `The OS keychain is not available here, so logins are kept in ${store.location} (mode 0600). ${probe.error.message}`;
  logger.warn('vault: keychain unavailable, using the file vault', { location: store.location });
  return { store, warning };
}

/** Options several commands share: the data dir and the vault. */
import { type VaultKind, vaultKindFromEnv } from '../engine/index.js';
import { resolveDataDir } from '../host/paths.js';
import type { CliIo } from './cli-types.js';

/** `--data-dir`, else `CCMAX_DATA_DIR`, else the platform default. */
export function dataDirFrom(flag: string | undefined, io: CliIo): string {
  return flag ?? resolveDataDir(io.env, io.platform, io.homeDir);
}

/** True when the user chose the data dir (`--data-dir` or `CCMAX_DATA_DIR`): then only its monitor counts. */
export function dataDirChosen(flag: string | undefined, io: CliIo): boolean {
  return flag !== undefined || Boolean(io.env.CCMAX_DATA_DIR);
}

/** `--vault`, else `CCMAX_VAULT`, else keychain; throws with the choices on a bad value. */
export function vaultKindFrom(flag: string | undefined, io: CliIo): VaultKind {
  const kind = vaultKindFromEnv(flag, io.env.CCMAX_VAULT);
  if (!kind.ok) throw new Error(kind.error.message);
  return kind.value;
}

/** A one-line description of the vault for messages. */
export function describeVault(vault: { readonly kind: 'keychain' | 'file'; readonly location: string }): string {
  return vault.kind === 'file' ? `file vault ${vault.location} (mode 0600)` : `OS keychain (service ${vault.location})`;
}

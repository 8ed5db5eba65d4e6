/** The typed vault over a {@link SecretStore}: one {@link VaultRecord} per account. */
import type { Result } from '../../shared/result.js';
import type { VaultRecord } from './credentials.js';

export type VaultError =
  | { readonly kind: 'unavailable'; readonly message: string }
  | { readonly kind: 'corrupt'; readonly message: string };

export interface Vault {
  readonly kind: 'keychain' | 'file';
  readonly location: string;
  /** The record, null when the account has none, or an error (never containing the secret). */
  read(accountId: string): Promise<Result<VaultRecord | null, VaultError>>;
  /** Writes atomically; concurrent writes for one account are serialised in call order. */
  write(accountId: string, record: VaultRecord): Promise<Result<void, VaultError>>;
  remove(accountId: string): Promise<Result<void, VaultError>>;
}

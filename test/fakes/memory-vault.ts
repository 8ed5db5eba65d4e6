/** An in-memory Vault for tests: records every write in order and can be told to fail writes. */
import { err, ok, type Result } from '../../src-main/shared/result.js';
import type { OAuthCredentials, VaultRecord } from '../../src-main/engine/vault/credentials.js';
import type { Vault, VaultError } from '../../src-main/engine/vault/vault-types.js';

/** A healthy vault record for tests. */
export function vaultRecord(
  credentials: Partial<OAuthCredentials> & Pick<OAuthCredentials, 'accessToken' | 'refreshToken' | 'expiresAtMs'>,
  extra: Partial<VaultRecord> = {},
): VaultRecord {
  return {
    version: 1,
    credentials: { scopes: ['user:inference', 'user:profile'], subscriptionType: 'max', rateLimitTier: null, ...credentials },
    refreshedAtMs: null,
    refreshPath: null,
    needsLogin: false,
    ...extra,
  };
}

export class MemoryVault implements Vault {
  readonly kind = 'file' as const;
  readonly location = 'memory';
  readonly records = new Map<string, VaultRecord>();
  /** Every write attempt, in call order (failed ones included, with `ok: false`). */
  readonly writes: { readonly accountId: string; readonly record: VaultRecord; readonly ok: boolean }[] = [];
  /** The next this-many writes fail with `unavailable`. */
  failWrites = 0;
  /** Called on every write attempt, before it takes effect (for ordering assertions). */
  onWrite: ((accountId: string, record: VaultRecord) => void) | null = null;

  constructor(initial: Record<string, VaultRecord> = {}) {
    for (const [id, record] of Object.entries(initial)) this.records.set(id, record);
  }

  async read(accountId: string): Promise<Result<VaultRecord | null, VaultError>> {
    return ok(this.records.get(accountId) ?? null);
  }

  async write(accountId: string, record: VaultRecord): Promise<Result<void, VaultError>> {
    this.onWrite?.(accountId, record);
    if (this.failWrites > 0) {
      this.failWrites--;
      this.writes.push({ accountId, record, ok: false });
      return err({ kind: 'unavailable', message: 'the test vault refused the write' });
    }
    this.writes.push({ accountId, record, ok: true });
    this.records.set(accountId, record);
    return ok(undefined);
  }

  async remove(accountId: string): Promise<Result<void, VaultError>> {
    this.records.delete(accountId);
    return ok(undefined);
  }
}

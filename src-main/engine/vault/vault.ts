/**
 * The typed vault: one JSON-serialised {@link VaultRecord} per account in a {@link SecretStore}.
 * Stored values are untrusted and schema-checked on read; every failure is a value whose message
 * never contains a secret. Operations on one account run one after another in call order.
 */
import { err, ok, type Result } from '../../shared/result.js';
import type { SecretStore } from '../ports.js';
import type { VaultRecord } from './credentials.js';
import { redactSecrets } from './redact.js';
import { VaultRecordSchema } from './vault-record-schema.js';
import type { Vault, VaultError } from './vault-types.js';

/** Wraps `store` as a {@link Vault}. */
export function createVault(store: SecretStore): Vault {
  const queues = new Map<string, Promise<unknown>>();

  /** Runs `task` after every earlier operation on `accountId` has settled. */
  function enqueue<T>(accountId: string, task: () => Promise<T>): Promise<T> {
    const previous = queues.get(accountId) ?? Promise.resolve();
    const current = previous.then(task, task);
    const tail = current.then(
      () => undefined,
      () => undefined,
    );
    queues.set(accountId, tail);
    void tail.then(() => {
      if (queues.get(accountId) === tail) queues.delete(accountId);
    });
    return current;
  }

  return {
    kind: store.kind,
    location: store.location,

    read: (accountId) =>
      enqueue(accountId, async (): Promise<Result<VaultRecord | null, VaultError>> => {
        let raw: string | null;
        try {
          raw = await store.get(accountId);
        } catch (error) {
          return err(unavailable('read', accountId, error, []));
        }
        return raw === null ? ok(null) : parseRecord(accountId, raw);
      }),

    write: (accountId, record) =>
      enqueue(accountId, async (): Promise<Result<void, VaultError>> => {
        const checked = VaultRecordSchema.safeParse(record);
        if (!checked.success) {
          // A malformed record is a caller bug, but the message must still not echo any value.
          throw new Error(`createVault: refusing to store an invalid record for ${accountId}: ${issuePaths(checked.error.issues)}`);
        }
        const serialised = JSON.stringify(record);
        try {
          await store.set(accountId, serialised);
          return ok(undefined);
        } catch (error) {
          const secrets = [record.credentials.accessToken, record.credentials.refreshToken, serialised];
          return err(unavailable('write', accountId, error, secrets));
        }
      }),

    remove: (accountId) =>
      enqueue(accountId, async (): Promise<Result<void, VaultError>> => {
        try {
          await store.delete(accountId);
          return ok(undefined);
        } catch (error) {
          return err(unavailable('remove', accountId, error, []));
        }
      }),
  };

  function unavailable(op: string, accountId: string, error: unknown, secrets: readonly string[]): VaultError {
    const detail = redactSecrets(error instanceof Error ? error.message : String(error), secrets);
    return {
      kind: 'unavailable',
      message: `could not ${op} the login of account ${accountId} in the ${store.kind} (${store.location}): ${detail}`,
    };
  }
}

function parseRecord(accountId: string, raw: string): Result<VaultRecord, VaultError> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return err({ kind: 'corrupt', message: `the stored login of account ${accountId} is not valid JSON; add the account again` });
  }
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > 1) {
    return err({
      kind: 'corrupt',
      message: `the stored login of account ${accountId} was written by a newer ccmax-monitor (record version ${version}); update ccmax-monitor`,
    });
  }
  const parsed = VaultRecordSchema.safeParse(json);
  if (!parsed.success) {
    return err({
      kind: 'corrupt',
      message: `the stored login of account ${accountId} is not in the expected format (${issuePaths(parsed.error.issues)}); add the account again`,
    });
  }
  return ok(parsed.data);
}

/** Issue paths and codes only: zod messages could quote the (secret) input. */
function issuePaths(issues: readonly { readonly path: readonly PropertyKey[]; readonly code: string }[]): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.code}`)
    .join('; ');
}

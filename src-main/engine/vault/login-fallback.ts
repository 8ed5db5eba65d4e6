/**
 * The last resort for a refreshed login the vault could not store (disk full, keychain locked): the
 * refresh already spent the old refresh token, so this pair is the only live one there is. It is
 * written atomically (0600, in a 0700 folder) to the first of several folders that takes it — by
 * default one inside the data dir and one in the OS temp dir, which is often another file system —
 * and moved into the vault at the next start (README "Troubleshooting").
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { err, ok, type Result } from '../../shared/result.js';
import { parseJsonText, writeFileAtomic } from '../storage/atomic-file.js';
import type { VaultRecord } from './credentials.js';
import type { Vault } from './vault-types.js';
import { VaultRecordSchema } from './vault-record-schema.js';

export interface LoginFallback {
  /** The folders tried, in order. */
  readonly dirs: readonly string[];
  /** Saves the record in the first folder that takes it; resolves that file's path. */
  save(accountId: string, record: VaultRecord): Promise<Result<string, { readonly message: string }>>;
  /** Removes every fallback copy of the account's login (it is safely in the vault now). */
  remove(accountId: string): Promise<void>;
  /** Every saved login, the newest per account (by expiry) when several folders hold one. */
  loadAll(): Promise<{ readonly accountId: string; readonly record: VaultRecord }[]>;
}

const SUFFIX = '.pending-login.json';
const SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;

export function createLoginFallback(dirs: readonly string[]): LoginFallback {
  const fileOf = (dir: string, accountId: string) => path.join(dir, `${accountId}${SUFFIX}`);
  return {
    dirs,
    async save(accountId, record) {
      if (!SAFE_ID.test(accountId)) return err({ message: 'unexpected account id' });
      const reasons: string[] = [];
      for (const dir of dirs) {
        const file = fileOf(dir, accountId);
        try {
          await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
          await writeFileAtomic(file, JSON.stringify({ accountId, record }), { mode: 0o600 });
          return ok(file);
        } catch (error) {
          reasons.push(`${dir} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
        }
      }
      return err({ message: `no fallback folder took it: ${reasons.join(', ')}` });
    },
    async remove(accountId) {
      if (!SAFE_ID.test(accountId)) return;
      await Promise.all(dirs.map((dir) => fsp.rm(fileOf(dir, accountId), { force: true }).catch(() => undefined)));
    },
    async loadAll() {
      const newest = new Map<string, VaultRecord>();
      for (const dir of dirs) {
        const names = await fsp.readdir(dir).catch(() => [] as string[]);
        for (const name of names.filter((n) => n.endsWith(SUFFIX))) {
          const text = await fsp.readFile(path.join(dir, name), 'utf8').catch(() => null);
          const entry = text === null ? null : parseEntry(text);
          if (!entry) continue;
          const known = newest.get(entry.accountId);
          if (!known || entry.record.credentials.expiresAtMs > known.credentials.expiresAtMs) newest.set(entry.accountId, entry.record);
        }
      }
      return [...newest].map(([accountId, record]) => ({ accountId, record }));
    },
  };
}

function parseEntry(text: string): { accountId: string; record: VaultRecord } | null {
  const json = parseJsonText(text);
  if (!json.ok || typeof json.value !== 'object' || json.value === null) return null;
  const { accountId, record } = json.value as { accountId?: unknown; record?: unknown };
  const parsed = VaultRecordSchema.safeParse(record);
  if (typeof accountId !== 'string' || !SAFE_ID.test(accountId) || !parsed.success) return null;
  return { accountId, record: parsed.data };
}

/**
 * Moves fallback logins into the vault: each is written when the vault has no record for the account
 * or an older one (earlier expiry), then its fallback copies are removed; one the vault already
 * supersedes is just removed. Resolves the accounts whose login came back, and those still waiting
 * (the vault refused them again; their files stay for the next start).
 */
export async function recoverFallbackLogins(
  fallback: LoginFallback,
  vault: Pick<Vault, 'read' | 'write'>,
): Promise<{ readonly recovered: readonly string[]; readonly waiting: readonly string[] }> {
  const recovered: string[] = [];
  const waiting: string[] = [];
  for (const { accountId, record } of await fallback.loadAll()) {
    const current = await vault.read(accountId);
    const stored = current.ok ? current.value : null;
    if (stored && stored.credentials.expiresAtMs >= record.credentials.expiresAtMs) {
      await fallback.remove(accountId);
      continue;
    }
    const written = await vault.write(accountId, record);
    if (!written.ok) {
      waiting.push(accountId);
      continue;
    }
    await fallback.remove(accountId);
    recovered.push(accountId);
  }
  return { recovered, waiting };
}

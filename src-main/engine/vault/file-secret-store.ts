/**
 * The explicit fallback {@link SecretStore}: one JSON file `<dataDir>/vault.json`,
 * `{ version: 1, entries: { [accountId]: string } }`, mode 0600, written atomically. Operations
 * run one at a time in call order. A looser mode is tightened with a warning; a corrupt file is
 * backed up as `vault.json.corrupt-<ts>` and reported, never silently dropped.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { z } from 'zod';
import type { Logger, SecretStore } from '../ports.js';
import { silentLogger } from '../ports.js';
import { backUpCorruptFileSync, readJsonFile, writeFileAtomic } from '../storage/atomic-file.js';
import { migrateDocument } from '../storage/migrate.js';

export const VAULT_FILE_NAME = 'vault.json';
const VAULT_FILE_VERSION = 1;
/** Temp files older than this are leftovers of a crash (they may hold secrets) and are removed. */
const STALE_TEMP_MS = 60_000;

const VaultFileSchema = z.object({
  version: z.literal(VAULT_FILE_VERSION),
  entries: z.record(z.string(), z.string()),
});

/** Something the file store found and repaired, for the caller to surface (event, UI). */
export type FileVaultReport =
  | { readonly kind: 'corrupt'; readonly backupPath: string; readonly reason: string }
  | { readonly kind: 'mode-tightened'; readonly path: string; readonly previousMode: number };

export interface FileSecretStoreOptions {
  /** Folder of `vault.json`; created with mode 0700 on first write. */
  readonly dataDir: string;
  readonly logger?: Logger;
  readonly onReport?: (report: FileVaultReport) => void;
  /** Epoch ms for backup names; default `Date.now`. */
  readonly now?: () => number;
  readonly platform?: NodeJS.Platform;
}

/** Creates the file store. The file is read on every call, so edits by another process are seen. */
export function createFileSecretStore(options: FileSecretStoreOptions): SecretStore {
  const logger = options.logger ?? silentLogger;
  const filePath = path.join(options.dataDir, VAULT_FILE_NAME);
  const checkMode = (options.platform ?? process.platform) !== 'win32';
  let queue: Promise<unknown> = Promise.resolve();
  let tempSweepDone = false;

  function serialise<T>(task: () => Promise<T>): Promise<T> {
    const current = queue.then(task, task);
    queue = current.catch(() => undefined);
    return current;
  }

  function report(r: FileVaultReport): void {
    try {
      options.onReport?.(r);
    } catch (error) {
      logger.error('file vault report listener failed', { error: (error as Error).message });
    }
  }

  async function load(): Promise<Record<string, string>> {
    if (!tempSweepDone) {
      tempSweepDone = true;
      await removeStaleTemps(options.dataDir);
    }
    if (checkMode) await tightenMode();
    const raw = await readJsonFile(filePath);
    if (!raw.ok && raw.error.kind === 'missing') return emptyEntries();
    if (!raw.ok && raw.error.kind === 'unreadable') {
      throw new Error(`Cannot read the vault file ${filePath} (${raw.error.message}); check its owner and permissions.`);
    }
    const reason = raw.ok ? checkVaultDocument(raw.value) : 'the file is not valid JSON';
    if (typeof reason !== 'string') return reason;
    const backupPath = backUpCorruptFileSync(filePath, options.now?.() ?? Date.now());
    await fsp.chmod(backupPath, 0o600).catch(() => undefined);
    logger.error('the vault file was invalid; it was backed up and the vault starts empty', { backupPath, reason });
    report({ kind: 'corrupt', backupPath, reason });
    return emptyEntries();
  }

  async function tightenMode(): Promise<void> {
    let stat: fs.Stats;
    try {
      stat = await fsp.stat(filePath);
    } catch {
      return; // Missing: the next write creates it with 0600.
    }
    const mode = stat.mode & 0o777;
    if (!stat.isFile() || (mode & 0o077) === 0) return;
    await fsp.chmod(filePath, 0o600);
    logger.warn('the vault file was readable by other users; its mode was set to 0600', {
      path: filePath,
      previousMode: mode.toString(8),
    });
    report({ kind: 'mode-tightened', path: filePath, previousMode: mode });
  }

  /**
   * Runs a load-modify-save holding `vault.json.lock` (proper-lockfile), so another process writing
   * the same vault (a second monitor, a CLI command) cannot interleave and drop an entry.
   */
  async function interProcess<T>(task: () => Promise<T>): Promise<T> {
    await fsp.mkdir(options.dataDir, { recursive: true, mode: 0o700 });
    const release = await lockfile.lock(filePath, {
      realpath: false,
      lockfilePath: `${filePath}.lock`,
      stale: 10_000,
      retries: { retries: 200, factor: 1.3, minTimeout: 5, maxTimeout: 100, randomize: true },
      onCompromised: (error) => logger.error('the vault lock was lost', { code: (error as NodeJS.ErrnoException).code ?? null }),
    });
    try {
      return await task();
    } finally {
      await release().catch((e: unknown) => logger.warn('releasing the vault lock failed', { reason: String(e) }));
    }
  }

  async function save(entries: Record<string, string>): Promise<void> {
    await fsp.mkdir(options.dataDir, { recursive: true, mode: 0o700 });
    const doc = { version: VAULT_FILE_VERSION, entries };
    await writeFileAtomic(filePath, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
  }

  return {
    kind: 'file',
    location: filePath,
    get: (accountId) => serialise(async () => (await load())[accountId] ?? null),
    set: (accountId, value) =>
      serialise(() =>
        interProcess(async () => {
          const entries = await load();
          entries[accountId] = value;
          await save(entries);
        }),
      ),
    delete: (accountId) =>
      serialise(() =>
        interProcess(async () => {
          const entries = await load();
          if (!Object.hasOwn(entries, accountId)) return;
          delete entries[accountId];
          await save(entries);
        }),
      ),
  };
}

/** The entries, or why the document is unusable (reason never quotes values: they are secrets). */
function checkVaultDocument(raw: unknown): Record<string, string> | string {
  const migrated = migrateDocument(raw, VAULT_FILE_VERSION, {});
  if (!migrated.ok) return migrated.error;
  const parsed = VaultFileSchema.safeParse(migrated.value.doc);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.code}`).slice(0, 3);
    return `the file does not match the expected format (${where.join('; ')})`;
  }
  return Object.assign(emptyEntries(), parsed.data.entries);
}

/** A prototype-free map, so no account id (even `__proto__`) can reach Object.prototype. */
function emptyEntries(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

async function removeStaleTemps(dir: string): Promise<void> {
  // Real time, not an injected clock: it is compared with file mtimes.
  const nowMs = Date.now();
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return;
  }
  const prefix = `.${VAULT_FILE_NAME}.`;
  for (const name of names.filter((n) => n.startsWith(prefix) && n.endsWith('.tmp'))) {
    const p = path.join(dir, name);
    try {
      // A fresh temp may belong to another process's write in flight; only crash leftovers go.
      if (nowMs - fs.statSync(p).mtimeMs > STALE_TEMP_MS) await fsp.rm(p, { force: true });
    } catch {
      // Gone already, or not ours to remove.
    }
  }
}

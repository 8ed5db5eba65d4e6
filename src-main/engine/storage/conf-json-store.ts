/**
 * One versioned, schema-checked JSON document kept through `conf` (or `electron-store`, which has
 * the same API). The file is checked by us before the adapter opens it: invalid JSON, an unknown
 * version or a schema failure backs the file up as `<name>.json.corrupt-<ts>`, reports it, and
 * starts from the empty document — the bad file is never silently replaced.
 */
import fs from 'node:fs';
import path from 'node:path';
import Conf from 'conf';
import type { z } from 'zod';
import type { Logger } from '../ports.js';
import { silentLogger } from '../ports.js';
import { backUpCorruptFileSync, readJsonFileSync } from './atomic-file.js';
import { migrateDocument, type MigrationSteps } from './migrate.js';
import type { StoreOpenReport } from './store-port.js';

/** The slice of the `conf` / `electron-store` API the stores use. */
export interface ConfLike {
  readonly path: string;
  store: Record<string, unknown>;
}

export interface StoreAdapterOptions {
  /** Folder of the file. */
  readonly cwd: string;
  /** File name without `.json`. */
  readonly configName: string;
  readonly configFileMode: number;
}

/**
 * Builds the backing store. Default: `conf`. The Electron shell may pass
 * `(o) => new ElectronStore({ cwd: o.cwd, name: o.configName, configFileMode: o.configFileMode })`.
 */
export type StoreAdapterFactory = (options: StoreAdapterOptions) => ConfLike;

/** The default adapter: `conf` 15, which writes atomically (temp file + rename). */
export const confStoreAdapter: StoreAdapterFactory = (options) =>
  new Conf<Record<string, unknown>>({
    cwd: options.cwd,
    configName: options.configName,
    configFileMode: options.configFileMode,
    // We validate and back up ourselves; conf must never clear a file on its own.
    clearInvalidConfig: false,
    accessPropertiesByDotNotation: false,
    watch: false,
  });

export interface JsonStoreOptions<T> {
  readonly dataDir: string;
  /** File name without `.json`, e.g. `state`. */
  readonly name: string;
  readonly schema: z.ZodType<T>;
  readonly currentVersion: number;
  readonly migrations: MigrationSteps;
  readonly empty: () => T;
  /** Told once what opening found: `ok`, `created`, or `corrupt` with the backup path. */
  readonly onReport?: (report: StoreOpenReport) => void;
  readonly logger?: Logger;
  readonly createAdapter?: StoreAdapterFactory;
  /** Epoch ms for backup names; default `Date.now`. */
  readonly now?: () => number;
}

export interface JsonStore<T> {
  readonly path: string;
  /** The last good value; treat it as immutable. */
  read(): T;
  /** Validates and writes atomically; throws on a value that fails the schema (a programmer error). */
  write(next: T): void;
}

/** Opens (checking, migrating or backing up) the document `<dataDir>/<name>.json`. */
export function openJsonStore<T>(options: JsonStoreOptions<T>): JsonStore<T> {
  const logger = options.logger ?? silentLogger;
  const filePath = path.join(options.dataDir, `${options.name}.json`);
  fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });

  const loaded = loadDocument(filePath, options);
  if (loaded.report.kind === 'corrupt') {
    logger.error(`${options.name}.json was invalid and has been backed up; starting from defaults`, {
      backupPath: loaded.report.backupPath,
      reason: loaded.report.reason,
    });
  }
  const adapter = (options.createAdapter ?? confStoreAdapter)({
    cwd: options.dataDir,
    configName: options.name,
    configFileMode: 0o600,
  });
  let current = loaded.value;
  if (loaded.needsWrite) adapter.store = toRecord(current);
  reportSafely(options.onReport, loaded.report, logger);

  return {
    path: adapter.path,
    read: () => current,
    write(next) {
      const parsed = options.schema.safeParse(next);
      if (!parsed.success) {
        throw new Error(`Refusing to write an invalid ${options.name}.json: ${describeIssues(parsed.error)}`);
      }
      adapter.store = toRecord(parsed.data);
      current = parsed.data;
    },
  };
}

interface Loaded<T> {
  readonly value: T;
  readonly report: StoreOpenReport;
  /** True when the file must be (re)written: migrated, or absent after a backup. */
  readonly needsWrite: boolean;
}

function loadDocument<T>(filePath: string, options: JsonStoreOptions<T>): Loaded<T> {
  const raw = readJsonFileSync(filePath);
  if (!raw.ok && raw.error.kind === 'missing') {
    return { value: options.empty(), report: { kind: 'created' }, needsWrite: true };
  }
  const reason = raw.ok ? checkDocument(raw.value, options) : 'message' in raw.error ? raw.error.message : 'unreadable';
  if (typeof reason !== 'string') {
    return { value: reason.value, report: { kind: 'ok' }, needsWrite: reason.migrated };
  }
  const backupPath = backUp(filePath, options.now?.() ?? Date.now());
  return { value: options.empty(), report: { kind: 'corrupt', backupPath, reason }, needsWrite: true };
}

/** The parsed value, or the reason the document is unusable. */
function checkDocument<T>(raw: unknown, options: JsonStoreOptions<T>): { value: T; migrated: boolean } | string {
  const migrated = migrateDocument(raw, options.currentVersion, options.migrations);
  if (!migrated.ok) return migrated.error;
  const parsed = options.schema.safeParse(migrated.value.doc);
  if (!parsed.success) return `the file does not match the expected format: ${describeIssues(parsed.error)}`;
  return { value: parsed.data, migrated: migrated.value.fromVersion !== options.currentVersion };
}

function backUp(filePath: string, nowMs: number): string {
  try {
    return backUpCorruptFileSync(filePath, nowMs);
  } catch (error) {
    throw new Error(
      `${filePath} is invalid and could not be moved aside (${(error as Error).message}); ` + 'move or delete it by hand, then start again',
    );
  }
}

/** Up to three issues as `path: message`; the state files hold no secrets, so messages are safe. */
export function describeIssues(error: z.ZodError): string {
  const parts = error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  return parts.join('; ') + more;
}

function toRecord(value: unknown): Record<string, unknown> {
  return value as Record<string, unknown>;
}

function reportSafely(onReport: JsonStoreOptions<unknown>['onReport'], report: StoreOpenReport, logger: Logger): void {
  try {
    onReport?.(report);
  } catch (error) {
    logger.error('store open report listener failed', { error: (error as Error).message });
  }
}

/**
 * Version migrations for persisted files (`{ version, ... }`). Each step lifts a document from
 * version N to N+1; a file from a newer build than this one is refused, never guessed at.
 */
import { err, ok, type Result } from '../../shared/result.js';

/** Lifts a raw document from the version it is keyed by to the next one. */
export type MigrationStep = (doc: Record<string, unknown>) => Record<string, unknown>;

/** Steps keyed by the version they start from: `{ 1: v1ToV2, 2: v2ToV3 }`. */
export type MigrationSteps = Readonly<Record<number, MigrationStep>>;

export interface Migrated {
  readonly doc: Record<string, unknown>;
  /** The version the file had before migration. */
  readonly fromVersion: number;
}

/**
 * Brings `raw` up to `currentVersion` by running `steps` in order. Errors (as a reason sentence):
 * not an object, no numeric `version`, a version newer than `currentVersion`, or a missing step.
 */
export function migrateDocument(raw: unknown, currentVersion: number, steps: MigrationSteps): Result<Migrated, string> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return err('the file does not hold a JSON object');
  }
  const version = (raw as Record<string, unknown>).version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return err('the file has no valid "version" field');
  }
  if (version > currentVersion) {
    return err(
      `the file was written by a newer ccmax-monitor (format version ${version}; this build reads up to ${currentVersion}); ` +
        'update ccmax-monitor to use it',
    );
  }
  let doc = raw as Record<string, unknown>;
  for (let v = version; v < currentVersion; v++) {
    const step = steps[v];
    if (!step) return err(`no migration from format version ${v} to ${v + 1}`);
    doc = { ...step(doc), version: v + 1 };
  }
  return ok({ doc, fromVersion: version });
}

/**
 * Migrations for `state.json`. Version 1 is the only version so far; to add v2, bump
 * `STATE_VERSION`, change the schema, and add `1: (doc) => ({ ...doc, newField: … })` here.
 */
export const STATE_MIGRATIONS: MigrationSteps = {};

/** Migrations for `usage-cache.json`; same pattern as {@link STATE_MIGRATIONS}. */
export const USAGE_CACHE_MIGRATIONS: MigrationSteps = {};

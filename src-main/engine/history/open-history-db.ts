/**
 * Opens the history database in the data dir: WAL, schema migrations, and a damaged file moved
 * aside (with its -wal/-shm) and reported, so the monitor keeps running on a fresh database.
 */
import { existsSync, renameSync } from 'node:fs';
import { HISTORY_MIGRATIONS, HISTORY_SCHEMA_VERSION } from './history-schema.js';
import { num, openSqlite, type SqlDatabase } from './sqlite.js';

/** The history database's file name inside the data dir. */
export const HISTORY_FILE = 'history.db';

/** What opening found. */
export type HistoryOpenReport =
  | { readonly kind: 'ok'; readonly migratedFrom: number | null }
  | { readonly kind: 'corrupt'; readonly reason: string; readonly backupPath: string };

export interface OpenedHistoryDb {
  readonly db: SqlDatabase;
  readonly report: HistoryOpenReport;
}

/**
 * Opens `path`, creating it when missing. A file that is not a database, fails `quick_check`, or
 * carries a schema newer than this build knows is renamed to `<path>.corrupt-<nowMs>` and a new
 * database is started. Throws only when even a fresh database cannot be created (disk full, no access).
 */
export function openHistoryDb(path: string, nowMs: number): OpenedHistoryDb {
  try {
    const db = openSqlite(path);
    try {
      const migratedFrom = prepare(db);
      return { db, report: { kind: 'ok', migratedFrom } };
    } catch (e) {
      db.close();
      throw e;
    }
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    const backupPath = `${path}.corrupt-${nowMs}`;
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(path + suffix)) renameSync(path + suffix, backupPath + suffix);
    const db = openSqlite(path);
    prepare(db);
    return { db, report: { kind: 'corrupt', reason, backupPath } };
  }
}

/** Checks the file, turns on WAL and applies missing migrations; returns the version migrated from, or null. */
function prepare(db: SqlDatabase): number | null {
  const check = db.get('PRAGMA quick_check');
  const verdict = check ? Object.values(check)[0] : 'no answer';
  if (verdict !== 'ok') throw new Error(`integrity check failed: ${String(verdict)}`);
  db.exec('PRAGMA journal_mode = WAL');
  // NORMAL in WAL mode: a committed transaction survives a crash of the process; only a power loss
  // may drop the last few, never corrupt the file.
  db.exec('PRAGMA synchronous = NORMAL');
  const version = num(db.get('PRAGMA user_version')?.['user_version']);
  if (version > HISTORY_SCHEMA_VERSION) throw new Error(`schema version ${version} is newer than this build's ${HISTORY_SCHEMA_VERSION}`);
  if (version === HISTORY_SCHEMA_VERSION) return null;
  for (let v = version; v < HISTORY_SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(HISTORY_MIGRATIONS[v] ?? '');
      db.exec(`PRAGMA user_version = ${v + 1}`);
    });
  }
  return version;
}

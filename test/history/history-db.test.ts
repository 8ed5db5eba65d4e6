import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HISTORY_MIGRATIONS, HISTORY_SCHEMA_VERSION } from '../../src-main/engine/history/history-schema.js';
import { openHistoryDb } from '../../src-main/engine/history/open-history-db.js';
import { openSqlite, type SqlDatabase } from '../../src-main/engine/history/sqlite.js';

const V3_INDEXES = [
  'samples_unrolled_at',
  'window_resets_account_at',
  'window_resets_window_at',
  'limit_hits_account_at',
  'switches_to_at',
  'switches_from_at',
];

/** Every row of every history table, in a stable order. */
function dump(db: SqlDatabase): Record<string, readonly unknown[]> {
  const tables = ['samples', 'window_resets', 'limit_hits', 'switches', 'accounts'];
  return Object.fromEntries(tables.map((t) => [t, db.all(`SELECT * FROM ${t} ORDER BY 1, 2`).map(({ _metadata, ...row }) => row)]));
}

const indexes = (db: SqlDatabase) => db.all("SELECT name FROM sqlite_master WHERE type = 'index'").map((r) => String(r['name']));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccmax-history-db-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('opening the history database', () => {
  it('creates a new file at the current schema version in WAL mode', () => {
    const path = join(dir, 'history.db');
    const { db, report } = openHistoryDb(path, 1);
    expect(report).toEqual({ kind: 'ok', migratedFrom: 0 });
    expect(db.get('PRAGMA user_version')?.['user_version']).toBe(HISTORY_SCHEMA_VERSION);
    expect(db.get('PRAGMA journal_mode')?.['journal_mode']).toBe('wal');
    db.close();
    const again = openHistoryDb(path, 2);
    expect(again.report).toEqual({ kind: 'ok', migratedFrom: null });
    again.db.close();
  });

  it('migrates a version 1 database and keeps its samples', () => {
    const path = join(dir, 'history.db');
    const v1 = openSqlite(path);
    v1.exec(HISTORY_MIGRATIONS[0] ?? '');
    v1.exec('PRAGMA user_version = 1');
    v1.run("INSERT INTO samples (account_id, at_ms, last_seen_ms, source, seven_day_pct) VALUES ('acct-1', 5, 5, 'poll', 42)");
    v1.close();
    const { db, report } = openHistoryDb(path, 10);
    expect(report).toEqual({ kind: 'ok', migratedFrom: 1 });
    expect(db.get('SELECT seven_day_pct FROM samples')?.['seven_day_pct']).toBe(42);
    expect(db.get('SELECT id FROM accounts')?.['id']).toBe('acct-1');
    db.close();
  });

  it('migrates a version 2 database (the previous release) to the indexed schema and keeps every row', () => {
    const path = join(dir, 'history.db');
    const v2 = openSqlite(path);
    v2.exec(`${HISTORY_MIGRATIONS[0] ?? ''};${HISTORY_MIGRATIONS[1] ?? ''}`);
    v2.exec('PRAGMA user_version = 2');
    v2.run("INSERT INTO samples (account_id, at_ms, last_seen_ms, source, seven_day_pct, hourly) VALUES ('acct-1', 5, 5, 'poll', 42, 1)");
    v2.run("INSERT INTO samples (account_id, at_ms, last_seen_ms, source, seven_day_pct) VALUES ('acct-1', 9, 9, 'poll', 43)");
    v2.run("INSERT INTO window_resets (account_id, window, reset_at_ms, last_pct, uncertain) VALUES ('acct-1', 'seven_day', 7, 80, 0)");
    v2.run("INSERT INTO limit_hits (account_id, window, started_at_ms) VALUES ('acct-1', 'five_hour', 8)");
    v2.run("INSERT INTO switches (at_ms, from_id, to_id, trigger) VALUES (6, 'acct-2', 'acct-1', 'threshold')");
    v2.run("INSERT INTO accounts (id, email, seen_at_ms) VALUES ('acct-1', 'a@example.com', 1)");
    const before = dump(v2);
    v2.close();
    const { db, report } = openHistoryDb(path, 10);
    expect(report).toEqual({ kind: 'ok', migratedFrom: 2 });
    expect(db.get('PRAGMA user_version')?.['user_version']).toBe(HISTORY_SCHEMA_VERSION);
    expect(dump(db)).toEqual(before);
    expect(indexes(db)).toEqual(expect.arrayContaining(V3_INDEXES));
    expect(indexes(db)).not.toContain('window_resets_at');
    expect(db.all('PRAGMA integrity_check').map((r) => r['integrity_check'])).toEqual(['ok']);
    db.close();
  });

  it('creates the same indexes in a new database as a migrated one has', () => {
    const { db } = openHistoryDb(join(dir, 'history.db'), 1);
    expect(indexes(db)).toEqual(expect.arrayContaining(V3_INDEXES));
    db.close();
  });

  it('moves a damaged file aside, reports it and starts a new database', () => {
    const path = join(dir, 'history.db');
    writeFileSync(path, 'this is not a database, just some text that got here somehow'.repeat(100));
    const { db, report } = openHistoryDb(path, 1234);
    expect(report.kind).toBe('corrupt');
    if (report.kind !== 'corrupt') return;
    expect(report.backupPath).toBe(`${path}.corrupt-1234`);
    expect(readFileSync(report.backupPath, 'utf8')).toContain('not a database');
    expect(report.reason).not.toBe('');
    db.run("INSERT INTO switches (at_ms, to_id, trigger) VALUES (1, 'b', 'manual')");
    expect(db.get('SELECT count(*) AS n FROM switches')?.['n']).toBe(1);
    db.close();
  });

  it('moves aside a database written by a newer version instead of guessing at its schema', () => {
    const path = join(dir, 'history.db');
    const future = openSqlite(path);
    future.exec(`PRAGMA user_version = ${HISTORY_SCHEMA_VERSION + 5}`);
    future.close();
    const { db, report } = openHistoryDb(path, 77);
    expect(report).toMatchObject({ kind: 'corrupt', backupPath: `${path}.corrupt-77` });
    expect(existsSync(`${path}.corrupt-77`)).toBe(true);
    expect(db.get('PRAGMA user_version')?.['user_version']).toBe(HISTORY_SCHEMA_VERSION);
    db.close();
  });
});

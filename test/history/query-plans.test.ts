/**
 * Every hot query of the history is answered from an index (schema version 3): `EXPLAIN QUERY
 * PLAN` shows a SEARCH, never a SCAN of a table that grows with time, and the downsampling needs no
 * sort of the rows it reads. Also: `allJson` hands back exactly the rows `all` does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SQL } from '../../src-main/engine/history/history-sql.js';
import { openHistoryDb } from '../../src-main/engine/history/open-history-db.js';
import type { SqlDatabase } from '../../src-main/engine/history/sqlite.js';

const TABLES = ['samples', 'window_resets', 'limit_hits', 'switches'];

let dir: string;
let db: SqlDatabase;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccmax-history-plans-'));
  db = openHistoryDb(join(dir, 'history.db'), 1).db;
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The plan's lines for `sql` with every parameter bound to 1. */
function plan(sql: string): string[] {
  const params = Math.max((sql.match(/\?(?!\d)/g) ?? []).length, ...[...sql.matchAll(/\?(\d+)/g)].map((m) => Number(m[1])));
  return db
    .all(
      `EXPLAIN QUERY PLAN ${sql}`,
      Array.from({ length: params }, () => 1),
    )
    .map((r) => String(r['detail']));
}

describe('the history queries', () => {
  it.each(Object.entries(SQL))('%s searches an index and scans no table', (_name, sql) => {
    const lines = plan(sql);
    const scans = lines.filter((l) => TABLES.some((t) => new RegExp(`^SCAN (${t}|s)\\b`).test(l)));
    expect(scans, lines.join('\n')).toEqual([]);
    expect(lines.some((l) => /^SEARCH /.test(l))).toBe(true);
  });

  it('rolls up through the index of rows not yet rolled up', () => {
    for (const sql of [SQL.rollupDelete, SQL.rollupMark]) expect(plan(sql).join('\n')).toContain('samples_unrolled_at (at_ms<?)');
  });

  it('downsamples with one primary-key seek per bucket, not a grouping sort of every row', () => {
    const lines = plan(SQL.historySamples);
    expect(lines).not.toContain('USE TEMP B-TREE FOR GROUP BY');
    expect(lines.filter((l) => l.startsWith('SEARCH')).every((l) => l.includes('PRIMARY KEY'))).toBe(true);
  });

  it('finds resets, limit hits and switches by account and time, and by time for the insights', () => {
    expect(plan(SQL.historyResets).join('\n')).toContain('window_resets_account_at (account_id=? AND reset_at_ms>? AND reset_at_ms<?)');
    expect(plan(SQL.historyLimitHits).join('\n')).toContain('limit_hits_account_at (account_id=? AND started_at_ms<?)');
    const switches = plan(SQL.historySwitches).join('\n');
    expect(switches).toContain('switches_to_at (to_id=? AND at_ms>? AND at_ms<?)');
    expect(switches).toContain('switches_from_at (from_id=? AND at_ms>? AND at_ms<?)');
    expect(plan(SQL.insightResets).join('\n')).toContain('window_resets_window_at (window=? AND reset_at_ms>? AND reset_at_ms<?)');
    expect(plan(SQL.insightLimitHits).join('\n')).toContain('(started_at_ms>? AND started_at_ms<?)');
    expect(plan(SQL.insightSwitches).join('\n')).toContain('switches_at (at_ms>? AND at_ms<?)');
  });
});

describe('allJson', () => {
  it('returns the same rows as all, in the same order, with nulls, text, integers and decimal reals as stored', () => {
    const rows: [string, number, string, number | null, number | null][] = [
      ['acct-"quoted"', 1_796_428_800_000, 'poll', 42.37, null],
      ["acct-'b'", 1_796_428_860_000, 'statusline', null, 100],
      ['acct-é', 1_796_428_920_000, 'demo', 0.01, 99.99],
      ['acct-é', 1_796_428_980_000, 'poll', 12.3456789012345, 1e-7],
    ];
    for (const [id, atMs, source, five, seven] of rows)
      db.run('INSERT INTO samples (account_id, at_ms, last_seen_ms, source, five_hour_pct, seven_day_pct) VALUES (?, ?, ?, ?, ?, ?)', [
        id,
        atMs,
        atMs,
        source,
        five,
        seven,
      ]);
    const sql = 'SELECT account_id, at_ms, source, five_hour_pct, seven_day_pct, hourly FROM samples WHERE at_ms >= ? ORDER BY at_ms DESC';
    const expected = db.all(sql, [0]).map(({ _metadata, ...row }) => row);
    expect(expected).toHaveLength(4);
    expect(db.allJson(sql, [0])).toEqual(expected);
    expect(db.allJson(sql, [2e12])).toEqual([]);
  });
});

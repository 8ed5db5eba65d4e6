/**
 * The history's hot queries in one place, so `test/history/query-plans.test.ts` can check with
 * `EXPLAIN QUERY PLAN` that each is answered from an index (schema version 3) and none scans a
 * whole table that grows with time.
 */

/** Every distinct account with samples, by hopping through the primary key (one seek per account, no scan). */
const SAMPLE_ACCOUNTS =
  'WITH RECURSIVE ids(id) AS (SELECT (SELECT min(account_id) FROM samples) ' +
  'UNION ALL SELECT (SELECT min(account_id) FROM samples WHERE account_id > ids.id) FROM ids WHERE ids.id IS NOT NULL) ';

/** The columns the views read (history-rows.ts): fewer columns, less JSON to build and parse. */
const RESET_COLUMNS = 'account_id, window, reset_at_ms, last_pct, last_read_at_ms, uncertain';
const HIT_COLUMNS = 'account_id, window, started_at_ms, ended_at_ms, active_ms';
const SWITCH_COLUMNS = 'at_ms, from_id, to_id, trigger, deferral_wait_ms';

export const SQL = {
  /** Each account's newest sample (the store's dedup and reset detection start from it). */
  lastSamples:
    SAMPLE_ACCOUNTS +
    'SELECT s.* FROM ids JOIN samples s ON s.account_id = ids.id ' +
    'AND s.at_ms = (SELECT max(at_ms) FROM samples WHERE account_id = ids.id) WHERE ids.id IS NOT NULL',
  /** The first sample's time over every account. */
  firstSampleAtMs:
    SAMPLE_ACCOUNTS + 'SELECT min((SELECT min(at_ms) FROM samples WHERE account_id = ids.id)) AS m FROM ids WHERE ids.id IS NOT NULL',
  /**
   * Rollup, step 1 (params: cutoff, cutoff): of the rows not yet rolled up and older than the
   * cutoff, delete all but the last of each account's hour.
   */
  rollupDelete:
    'DELETE FROM samples WHERE hourly = 0 AND at_ms < ? AND (account_id, at_ms) NOT IN ' +
    '(SELECT account_id, max(at_ms) FROM samples WHERE hourly = 0 AND at_ms < ? GROUP BY account_id, at_ms / 3600000)',
  /** Rollup, step 2 (param: cutoff): the rows left are the hourly ones. */
  rollupMark: 'UPDATE samples SET hourly = 1 WHERE hourly = 0 AND at_ms < ?',
  /**
   * One account's samples, downsampled (params: account, from, to, bucketMs): the last reading of
   * each bucket [from + k·bucketMs, from + (k+1)·bucketMs), found by one primary-key seek per bucket,
   * so the cost follows the points asked for, not the rows stored (no grouping sort over a year).
   */
  historySamples:
    'WITH RECURSIVE buckets(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM buckets WHERE ?2 + (k + 1) * ?4 <= ?3) ' +
    'SELECT s.at_ms, s.five_hour_pct, s.seven_day_pct, s.source FROM buckets CROSS JOIN samples s ' +
    'ON s.account_id = ?1 AND s.at_ms = (SELECT max(at_ms) FROM samples WHERE account_id = ?1 ' +
    'AND at_ms >= ?2 + buckets.k * ?4 AND at_ms < ?2 + (buckets.k + 1) * ?4 AND at_ms <= ?3) ORDER BY s.at_ms',
  historyResets: `SELECT ${RESET_COLUMNS} FROM window_resets WHERE account_id = ? AND reset_at_ms >= ? AND reset_at_ms <= ? ORDER BY reset_at_ms`,
  historyLimitHits:
    `SELECT ${HIT_COLUMNS} FROM limit_hits WHERE account_id = ? AND started_at_ms <= ? ` +
    'AND (ended_at_ms IS NULL OR ended_at_ms >= ?) ORDER BY started_at_ms',
  historySwitches:
    // id keeps two switches with the same figures apart in the UNION.
    `SELECT id, ${SWITCH_COLUMNS} FROM switches WHERE to_id = ? AND at_ms >= ? AND at_ms <= ? ` +
    `UNION SELECT id, ${SWITCH_COLUMNS} FROM switches WHERE from_id = ? AND at_ms >= ? AND at_ms <= ? ORDER BY at_ms, id`,
  insightResets: `SELECT ${RESET_COLUMNS} FROM window_resets WHERE window = 'seven_day' AND reset_at_ms >= ? AND reset_at_ms < ?`,
  insightLimitHits: `SELECT ${HIT_COLUMNS} FROM limit_hits WHERE started_at_ms >= ? AND started_at_ms < ?`,
  insightSwitches: `SELECT ${SWITCH_COLUMNS} FROM switches WHERE at_ms >= ? AND at_ms < ?`,
} as const;

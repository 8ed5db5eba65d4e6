/**
 * The history database's schema as an ordered list of migrations. `PRAGMA user_version` holds the
 * number of migrations applied; opening a database applies the missing ones in one transaction
 * each. Append new migrations; never edit a released one.
 */

/** Migration i (0-based) takes a database from version i to version i + 1. */
export const HISTORY_MIGRATIONS: readonly string[] = [
  // 1: samples, resets, limit hits, switches.
  `
  CREATE TABLE samples (
    account_id TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    -- The last time this same reading was seen again (an unchanged reading is not stored twice).
    last_seen_ms INTEGER NOT NULL,
    source TEXT NOT NULL,
    five_hour_pct REAL,
    five_hour_resets_at_ms INTEGER,
    seven_day_pct REAL,
    seven_day_resets_at_ms INTEGER,
    -- 0: full resolution; 1: the last reading of an hour (rolled up after 35 days).
    hourly INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, at_ms)
  ) WITHOUT ROWID;
  CREATE TABLE window_resets (
    id INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL,
    window TEXT NOT NULL,
    reset_at_ms INTEGER NOT NULL,
    last_pct REAL,
    last_read_at_ms INTEGER,
    uncertain INTEGER NOT NULL,
    UNIQUE (account_id, window, reset_at_ms)
  );
  CREATE INDEX window_resets_at ON window_resets (reset_at_ms);
  CREATE TABLE limit_hits (
    id INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL,
    window TEXT NOT NULL,
    started_at_ms INTEGER NOT NULL,
    ended_at_ms INTEGER,
    active_ms INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX limit_hits_at ON limit_hits (started_at_ms);
  CREATE TABLE switches (
    id INTEGER PRIMARY KEY,
    at_ms INTEGER NOT NULL,
    from_id TEXT,
    to_id TEXT NOT NULL,
    trigger TEXT NOT NULL,
    deferral_wait_ms INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX switches_at ON switches (at_ms);
  `,
  // 2: what the figures need to know about each account (email for lookups, plan for Max 20x days).
  `
  CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    email TEXT,
    label TEXT,
    plan TEXT,
    seen_at_ms INTEGER NOT NULL
  );
  INSERT OR IGNORE INTO accounts (id, seen_at_ms) SELECT DISTINCT account_id, 0 FROM samples;
  `,
  // 3: indexes for the hot queries (test/history/query-plans.test.ts checks each one's plan).
  // The rollup finds the rows not yet rolled up (hourly = 0: at most 35 days of them) by time, not by a full scan.
  // Resets and limit hits by account and time (the history view) and by time (insights); switches by either account.
  `
  CREATE INDEX samples_unrolled_at ON samples (at_ms, account_id) WHERE hourly = 0;
  CREATE INDEX window_resets_account_at ON window_resets (account_id, reset_at_ms);
  DROP INDEX window_resets_at;
  CREATE INDEX window_resets_window_at ON window_resets (window, reset_at_ms);
  CREATE INDEX limit_hits_account_at ON limit_hits (account_id, started_at_ms);
  CREATE INDEX switches_to_at ON switches (to_id, at_ms);
  CREATE INDEX switches_from_at ON switches (from_id, at_ms);
  `,
];

/** The schema version this build writes. */
export const HISTORY_SCHEMA_VERSION = HISTORY_MIGRATIONS.length;

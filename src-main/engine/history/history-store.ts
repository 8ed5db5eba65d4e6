/**
 * The history store: records readings (deduplicated), window resets, limit hits and switches in
 * the SQLite history, and answers history and insight queries. The only writer of its database;
 * every write is one short transaction, so a crash keeps every committed reading.
 */
import type { SwitchView } from '../../shared/history-view.js';
import { detectResets } from './detect-resets.js';
import { createHistoryReader } from './history-reader.js';
import { toResetInput } from './history-rows.js';
import { SQL } from './history-sql.js';
import { FULL_RESOLUTION_MS, type HistoryStore, type RecordedAccount, type RecordedReading } from './history-types.js';
import { accrue, stepHit, type OpenHit } from './limit-hits.js';
import { num, numOrNull, strOrNull, type SqlDatabase, type SqlRow } from './sqlite.js';

const HOUR_MS = 3_600_000;
const WINDOWS = ['five_hour', 'seven_day'] as const;

/** True when the stored row holds the same figures as the reading. */
function sameFigures(row: SqlRow, r: RecordedReading): boolean {
  return (
    numOrNull(row['five_hour_pct']) === (r.fiveHour?.pct ?? null) &&
    numOrNull(row['five_hour_resets_at_ms']) === (r.fiveHour?.resetsAtMs ?? null) &&
    numOrNull(row['seven_day_pct']) === (r.sevenDay?.pct ?? null) &&
    numOrNull(row['seven_day_resets_at_ms']) === (r.sevenDay?.resetsAtMs ?? null)
  );
}

/** Stores a reading as a new sample row; returns the row as read back. */
function insertSample(db: SqlDatabase, accountId: string, r: RecordedReading): SqlRow {
  const values = [
    accountId,
    r.atMs,
    r.atMs,
    r.source,
    r.fiveHour?.pct ?? null,
    r.fiveHour?.resetsAtMs ?? null,
    r.sevenDay?.pct ?? null,
    r.sevenDay?.resetsAtMs ?? null,
  ];
  db.run(
    'INSERT OR REPLACE INTO samples (account_id, at_ms, last_seen_ms, source, five_hour_pct, five_hour_resets_at_ms, ' +
      'seven_day_pct, seven_day_resets_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    values,
  );
  const [, at_ms, last_seen_ms, source, five_hour_pct, five_hour_resets_at_ms, seven_day_pct, seven_day_resets_at_ms] = values;
  return {
    account_id: accountId,
    at_ms,
    last_seen_ms,
    source,
    five_hour_pct,
    five_hour_resets_at_ms,
    seven_day_pct,
    seven_day_resets_at_ms,
  };
}

/** Saves an open (or now closed) limit hit. */
function saveHit(db: SqlDatabase, hit: OpenHit, endedAtMs: number | null): void {
  db.run('UPDATE limit_hits SET active_ms = ?, ended_at_ms = ? WHERE id = ?', [Math.round(hit.activeMs), endedAtMs, hit.id]);
}

/** Opens, accrues or closes the account's limit hits for one reading. */
function stepHits(db: SqlDatabase, hits: Map<string, OpenHit>, activeId: string | null, accountId: string, reading: RecordedReading): void {
  for (const window of WINDOWS) {
    const key = `${accountId}|${window}`;
    const w = window === 'five_hour' ? reading.fiveHour : reading.sevenDay;
    let open = hits.get(key) ?? null;
    const wasActive = activeId === accountId;
    const step = stepHit(open, { atMs: reading.atMs, pct: w?.pct ?? null, resetsAtMs: w?.resetsAtMs ?? null }, wasActive);
    if (step.kind === 'update') {
      if (step.hit.activeMs !== open?.activeMs) saveHit(db, step.hit, null);
      hits.set(key, step.hit);
      continue;
    }
    if (step.kind === 'close') {
      saveHit(db, step.hit, step.endedAtMs);
      hits.delete(key);
      open = null;
    }
    const again =
      step.kind === 'close'
        ? stepHit(null, { atMs: reading.atMs, pct: w?.pct ?? null, resetsAtMs: w?.resetsAtMs ?? null }, wasActive)
        : step;
    if (again.kind === 'open') {
      const id = db.run('INSERT INTO limit_hits (account_id, window, started_at_ms, active_ms) VALUES (?, ?, ?, 0)', [
        accountId,
        window,
        again.startedAtMs,
      ]).lastInsertRowid;
      hits.set(key, {
        id,
        accountId,
        window,
        startedAtMs: again.startedAtMs,
        activeMs: 0,
        accountedToMs: again.startedAtMs,
        resetsAtMs: again.resetsAtMs,
      });
    }
  }
}

/** Creates the store over an opened, migrated database (see `openHistoryDb`). */
export function createHistoryStore(db: SqlDatabase): HistoryStore {
  const last = new Map<string, SqlRow>();
  for (const row of db.all(SQL.lastSamples)) last.set(strOrNull(row['account_id']) ?? '', row);
  const hits = new Map<string, OpenHit>();
  for (const row of db.all('SELECT * FROM limit_hits WHERE ended_at_ms IS NULL')) {
    const hit: OpenHit = {
      id: num(row['id']),
      accountId: strOrNull(row['account_id']) ?? '',
      window: row['window'] === 'five_hour' ? 'five_hour' : 'seven_day',
      startedAtMs: num(row['started_at_ms']),
      activeMs: num(row['active_ms']),
      // Time before this process started is not counted: whether the account was active then is unknown.
      accountedToMs: num(row['started_at_ms']) + num(row['active_ms']),
      resetsAtMs: null,
    };
    hits.set(`${hit.accountId}|${hit.window}`, hit);
  }
  const known = new Map<string, RecordedAccount>(
    db.all('SELECT id, email, label, plan FROM accounts ORDER BY rowid').map((r) => {
      const id = strOrNull(r['id']) ?? '';
      return [id, { id, email: strOrNull(r['email']), label: strOrNull(r['label']), plan: strOrNull(r['plan']) }];
    }),
  );
  let activeId: string | null = null;
  let lastRollupMs = 0;
  const reader = createHistoryReader(db, () => [...known.values()]);

  // Incremental: only rows not yet rolled up (hourly = 0, found through their partial index) and
  // older than the cutoff are touched; the rows rolled up before are never read again.
  function rollup(nowMs: number): number {
    lastRollupMs = nowMs;
    const cutoffMs = Math.floor((nowMs - FULL_RESOLUTION_MS) / HOUR_MS) * HOUR_MS;
    return db.transaction(() => {
      const removed = db.run(SQL.rollupDelete, [cutoffMs, cutoffMs]).changes;
      db.run(SQL.rollupMark, [cutoffMs]);
      return removed;
    });
  }

  return {
    ...reader,
    recordReading(accountId, reading) {
      db.transaction(() => {
        const previous = last.get(accountId);
        if (previous && sameFigures(previous, reading)) {
          const lastSeenMs = Math.max(num(previous['last_seen_ms']), reading.atMs);
          db.run('UPDATE samples SET last_seen_ms = ? WHERE account_id = ? AND at_ms = ?', [lastSeenMs, accountId, num(previous['at_ms'])]);
          last.set(accountId, { ...previous, last_seen_ms: lastSeenMs });
        } else {
          const row = insertSample(db, accountId, reading);
          if (previous) {
            for (const reset of detectResets(toResetInput(previous), toResetInput(row))) {
              db.run(
                'INSERT OR IGNORE INTO window_resets (account_id, window, reset_at_ms, last_pct, last_read_at_ms, uncertain) ' +
                  'VALUES (?, ?, ?, ?, ?, ?)',
                [accountId, reset.window, reset.resetAtMs, reset.lastPct, reset.lastReadAtMs, reset.uncertain ? 1 : 0],
              );
            }
          }
          last.set(accountId, row);
        }
        stepHits(db, hits, activeId, accountId, reading);
      });
      if (reading.atMs - lastRollupMs >= HOUR_MS) rollup(reading.atMs);
    },
    recordSwitch(entry: SwitchView) {
      db.run('INSERT INTO switches (at_ms, from_id, to_id, trigger, deferral_wait_ms) VALUES (?, ?, ?, ?, ?)', [
        entry.atMs,
        entry.fromId,
        entry.toId,
        entry.trigger,
        Math.max(0, Math.round(entry.deferralWaitMs)),
      ]);
    },
    setActive(accountId, atMs) {
      if (accountId === activeId) return;
      db.transaction(() => {
        for (const [key, hit] of hits) {
          const accrued = accrue(hit, atMs, hit.accountId === activeId);
          if (accrued.activeMs !== hit.activeMs) saveHit(db, accrued, null);
          hits.set(key, accrued);
        }
      });
      activeId = accountId;
    },
    noteAccount(account, atMs) {
      const current = known.get(account.id);
      if (current && current.email === account.email && current.label === account.label && current.plan === account.plan) return;
      db.run(
        'INSERT INTO accounts (id, email, label, plan, seen_at_ms) VALUES (?, ?, ?, ?, ?) ' +
          'ON CONFLICT(id) DO UPDATE SET email = excluded.email, label = excluded.label, plan = excluded.plan',
        [account.id, account.email, account.label, account.plan, atMs],
      );
      known.set(account.id, account);
    },
    rollup,
    close() {
      db.close();
    },
  };
}

/**
 * Read queries of the history: one account's samples downsampled in SQL (at most `points` rows,
 * the last reading of each time bucket), its resets, limit hits and switches, and the insight figures.
 */
import { MAX_HISTORY_POINTS, type HistoryView, type InsightsView } from '../../shared/history-view.js';
import type { HistoryReader, RecordedAccount } from './history-types.js';
import { computeInsights, monthStartOf } from './insights.js';
import { toHitView, toResetView, toSource, toSwitchView } from './history-rows.js';
import { firstSampleAtMs, readReplaySource } from './replay-source.js';
import { num, numOrNull, type SqlDatabase } from './sqlite.js';

export function createHistoryReader(db: SqlDatabase, accounts: () => readonly RecordedAccount[]): HistoryReader {
  return {
    accounts,
    replaySource: (query) => readReplaySource(db, accounts(), query),
    firstSampleAtMs: () => firstSampleAtMs(db),
    resolveAccount(ref) {
      const wanted = ref.trim().toLowerCase();
      if (wanted === '') return null;
      const all = accounts();
      const match =
        all.find((a) => a.id.toLowerCase() === wanted) ??
        all.find((a) => a.email?.toLowerCase() === wanted) ??
        all.find((a) => a.label?.toLowerCase() === wanted);
      if (match) return match.id;
      const sampled = db.get('SELECT account_id FROM samples WHERE account_id = ? LIMIT 1', [ref.trim()]);
      return sampled ? ref.trim() : null;
    },
    history({ accountId, fromMs, toMs, points }): HistoryView {
      const bucketMs = Math.max(1, Math.ceil((toMs - fromMs + 1) / Math.min(Math.max(1, points), MAX_HISTORY_POINTS)));
      // SQLite returns the other columns of the row that holds max(at_ms) in each group.
      const samples = db
        .all(
          'SELECT max(at_ms) AS at_ms, five_hour_pct, seven_day_pct, source FROM samples ' +
            'WHERE account_id = ? AND at_ms >= ? AND at_ms <= ? GROUP BY CAST((at_ms - ?) / ? AS INTEGER) ORDER BY at_ms',
          [accountId, fromMs, toMs, fromMs, bucketMs],
        )
        .map((r) => ({
          atMs: num(r['at_ms']),
          fiveHourPct: numOrNull(r['five_hour_pct']),
          sevenDayPct: numOrNull(r['seven_day_pct']),
          source: toSource(r['source']),
        }));
      const range = [accountId, fromMs, toMs];
      return {
        account: accountId,
        fromMs,
        toMs,
        samples,
        resets: db
          .all('SELECT * FROM window_resets WHERE account_id = ? AND reset_at_ms >= ? AND reset_at_ms <= ? ORDER BY reset_at_ms', range)
          .map(toResetView),
        limitHits: db
          .all(
            'SELECT * FROM limit_hits WHERE account_id = ? AND started_at_ms <= ? ' +
              'AND (ended_at_ms IS NULL OR ended_at_ms >= ?) ORDER BY started_at_ms',
            [accountId, toMs, fromMs],
          )
          .map(toHitView),
        switches: db
          .all('SELECT * FROM switches WHERE (to_id = ? OR from_id = ?) AND at_ms >= ? AND at_ms <= ? ORDER BY at_ms', [
            accountId,
            accountId,
            fromMs,
            toMs,
          ])
          .map(toSwitchView),
      };
    },
    insights({ fromMs, toMs }, nowMs): InsightsView {
      // The headline needs the previous calendar month even when the period starts later.
      const rowsFromMs = Math.min(fromMs, monthStartOf(nowMs, -1));
      const rowsToMs = Math.max(toMs, nowMs + 1);
      return computeInsights({
        fromMs,
        toMs,
        nowMs,
        accounts: accounts().map((a) => ({ id: a.id, email: a.email, plan: a.plan })),
        resets: db
          .all("SELECT * FROM window_resets WHERE window = 'seven_day' AND reset_at_ms >= ? AND reset_at_ms < ?", [rowsFromMs, rowsToMs])
          .map(toResetView),
        limitHits: db.all('SELECT * FROM limit_hits WHERE started_at_ms >= ? AND started_at_ms < ?', [fromMs, toMs]).map(toHitView),
        switches: db.all('SELECT * FROM switches WHERE at_ms >= ? AND at_ms < ?', [fromMs, toMs]).map(toSwitchView),
      });
    },
  };
}

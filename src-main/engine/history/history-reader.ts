/**
 * Read queries of the history: one account's samples downsampled in SQL (at most `points` rows,
 * the last reading of each time bucket), its resets, limit hits and switches, and the insight figures.
 */
import { MAX_HISTORY_POINTS, type HistoryView, type InsightsView } from '../../shared/history-view.js';
import type { HistoryReader, RecordedAccount } from './history-types.js';
import { computeInsights, monthStartOf } from './insights.js';
import { toHitView, toResetView, toSource, toSwitchView } from './history-rows.js';
import { firstSampleAtMs, readReplaySource } from './replay-source.js';
import { SQL } from './history-sql.js';
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
      const samples = db.allJson(SQL.historySamples, [accountId, fromMs, toMs, bucketMs]).map((r) => ({
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
        resets: db.allJson(SQL.historyResets, range).map(toResetView),
        limitHits: db.allJson(SQL.historyLimitHits, [accountId, toMs, fromMs]).map(toHitView),
        switches: db.allJson(SQL.historySwitches, [...range, ...range]).map(toSwitchView),
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
        resets: db.allJson(SQL.insightResets, [rowsFromMs, rowsToMs]).map(toResetView),
        limitHits: db.allJson(SQL.insightLimitHits, [fromMs, toMs]).map(toHitView),
        switches: db.allJson(SQL.insightSwitches, [fromMs, toMs]).map(toSwitchView),
      });
    },
  };
}

/** What the what-if replay reads of the history: every reading of a period with its reset times. */
import type { RecordedAccount, ReplaySample, ReplaySource } from './history-types.js';
import { SQL } from './history-sql.js';
import { num, numOrNull, strOrNull, type SqlDatabase, type SqlRow } from './sqlite.js';

const toSample = (r: SqlRow): ReplaySample => ({
  atMs: num(r['at_ms']),
  fiveHourPct: numOrNull(r['five_hour_pct']),
  fiveHourResetsAtMs: numOrNull(r['five_hour_resets_at_ms']),
  sevenDayPct: numOrNull(r['seven_day_pct']),
  sevenDayResetsAtMs: numOrNull(r['seven_day_resets_at_ms']),
});

/** Reads the period's readings per account (plus each account's last reading before it) and the account in use at its start. */
export function readReplaySource(
  db: SqlDatabase,
  accounts: readonly RecordedAccount[],
  query: { readonly fromMs: number; readonly toMs: number },
): ReplaySource {
  const { fromMs, toMs } = query;
  const columns = 'at_ms, five_hour_pct, five_hour_resets_at_ms, seven_day_pct, seven_day_resets_at_ms';
  const withSamples = accounts.map((account) => {
    const before = db.get(`SELECT ${columns} FROM samples WHERE account_id = ? AND at_ms < ? ORDER BY at_ms DESC LIMIT 1`, [
      account.id,
      fromMs,
    ]);
    const rows = db.all(`SELECT ${columns} FROM samples WHERE account_id = ? AND at_ms >= ? AND at_ms <= ? ORDER BY at_ms`, [
      account.id,
      fromMs,
      toMs,
    ]);
    return { ...account, samples: [...(before ? [before] : []), ...rows].map(toSample) };
  });
  const lastSwitch = db.get('SELECT to_id FROM switches WHERE at_ms <= ? ORDER BY at_ms DESC LIMIT 1', [fromMs]);
  const firstSwitch = lastSwitch ? null : db.get('SELECT from_id FROM switches WHERE at_ms > ? ORDER BY at_ms LIMIT 1', [fromMs]);
  const switches = num(db.get('SELECT count(*) AS n FROM switches WHERE at_ms >= ? AND at_ms < ?', [fromMs, toMs])?.['n']);
  return {
    fromMs,
    toMs,
    accounts: withSamples.filter((a) => a.samples.length > 0),
    activeAtStartId: strOrNull(lastSwitch?.['to_id']) ?? strOrNull(firstSwitch?.['from_id']) ?? null,
    switches,
  };
}

/** The time of the history's first reading; null when it has none. */
export function firstSampleAtMs(db: SqlDatabase): number | null {
  return numOrNull(db.get(SQL.firstSampleAtMs)?.['m']);
}

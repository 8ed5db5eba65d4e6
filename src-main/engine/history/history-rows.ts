/** Row mapping between the history tables and the view types. */
import type { HistoryWindow, LimitHitView, SampleSource, SwitchView, WindowResetView } from '../../shared/history-view.js';
import type { ResetInput } from './detect-resets.js';
import { num, numOrNull, strOrNull, type SqlRow } from './sqlite.js';

export const toWindow = (value: unknown): HistoryWindow => (value === 'five_hour' ? 'five_hour' : 'seven_day');

export const toSource = (value: unknown): SampleSource => (value === 'statusline' ? 'statusline' : value === 'demo' ? 'demo' : 'poll');

export function toResetView(row: SqlRow): WindowResetView {
  const lastPct = numOrNull(row['last_pct']);
  const lastReadAtMs = numOrNull(row['last_read_at_ms']);
  const resetAtMs = num(row['reset_at_ms']);
  return {
    accountId: strOrNull(row['account_id']) ?? '',
    window: toWindow(row['window']),
    resetAtMs,
    lastPct,
    expiredUnusedPct: lastPct === null ? null : Math.round(Math.max(0, 100 - lastPct) * 10) / 10,
    lastReadingAgeMs: lastReadAtMs === null ? null : resetAtMs - lastReadAtMs,
    uncertain: num(row['uncertain']) !== 0,
  };
}

export function toHitView(row: SqlRow): LimitHitView {
  return {
    accountId: strOrNull(row['account_id']) ?? '',
    window: toWindow(row['window']),
    startedAtMs: num(row['started_at_ms']),
    endedAtMs: numOrNull(row['ended_at_ms']),
    activeMinutes: Math.round(num(row['active_ms']) / 6000) / 10,
  };
}

export function toSwitchView(row: SqlRow): SwitchView {
  return {
    atMs: num(row['at_ms']),
    fromId: strOrNull(row['from_id']),
    toId: strOrNull(row['to_id']) ?? '',
    trigger: strOrNull(row['trigger']) ?? 'unknown',
    deferralWaitMs: num(row['deferral_wait_ms']),
  };
}

/** A stored sample as the reset detector's input. */
export function toResetInput(row: SqlRow): ResetInput {
  const window = (pct: unknown, resetsAt: unknown) =>
    pct === null && resetsAt === null ? null : { pct: numOrNull(pct), resetsAtMs: numOrNull(resetsAt) };
  return {
    atMs: num(row['at_ms']),
    lastSeenMs: num(row['last_seen_ms']),
    fiveHour: window(row['five_hour_pct'], row['five_hour_resets_at_ms']),
    sevenDay: window(row['seven_day_pct'], row['seven_day_resets_at_ms']),
  };
}

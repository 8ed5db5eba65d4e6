import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHistoryStore } from '../../src-main/engine/history/history-store.js';
import type { HistoryStore, RecordedReading } from '../../src-main/engine/history/history-types.js';
import { openHistoryDb } from '../../src-main/engine/history/open-history-db.js';

const M = 60_000;
const H = 60 * M;
const D = 24 * H;
const T0 = Date.UTC(2026, 10, 2, 8, 0, 0);
const WEEK_RESET = T0 + 2 * D;

let dir: string;
let store: HistoryStore;
const open = () => createHistoryStore(openHistoryDb(join(dir, 'history.db'), T0).db);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccmax-history-store-'));
  store = open();
  store.noteAccount({ id: 'acct-a', email: 'a@example.com', label: 'work', plan: 'Max 20x' }, T0);
  store.noteAccount({ id: 'acct-b', email: 'b@example.com', label: null, plan: 'Max 5x' }, T0);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function reading(
  atMs: number,
  sevenDayPct: number,
  fiveHourPct: number | null = null,
  sevenDayResetsAtMs = WEEK_RESET,
  fiveHourResetsAtMs: number | null = null,
): RecordedReading {
  return {
    atMs,
    source: 'poll',
    sevenDay: { pct: sevenDayPct, resetsAtMs: sevenDayResetsAtMs },
    fiveHour: fiveHourPct === null ? null : { pct: fiveHourPct, resetsAtMs: fiveHourResetsAtMs },
  };
}

/** Everything of the account from a day before T0 to 45 days after (buckets of 13 min). */
const all = (accountId: string) => store.history({ accountId, fromMs: T0 - D, toMs: T0 + 45 * D, points: 5000 });

describe('history store', () => {
  it('does not store an unchanged reading again', () => {
    store.recordReading('acct-a', reading(T0, 10));
    store.recordReading('acct-a', reading(T0 + 10 * M, 10));
    store.recordReading('acct-a', reading(T0 + 20 * M, 11));
    expect(all('acct-a').samples.map((s) => [s.atMs, s.sevenDayPct])).toEqual([
      [T0, 10],
      [T0 + 20 * M, 11],
    ]);
  });

  it('records a weekly reset with what expired unused and the age of the last (repeated) reading', () => {
    store.recordReading('acct-a', reading(WEEK_RESET - 3 * H, 70));
    store.recordReading('acct-a', reading(WEEK_RESET - 5 * M, 70)); // same figures, seen again
    store.recordReading('acct-a', reading(WEEK_RESET + 7 * M, 0, null, WEEK_RESET + 7 * D));
    expect(all('acct-a').resets).toEqual([
      {
        accountId: 'acct-a',
        window: 'seven_day',
        resetAtMs: WEEK_RESET,
        lastPct: 70,
        expiredUnusedPct: 30,
        lastReadingAgeMs: 5 * M,
        uncertain: false,
      },
    ]);
  });

  it('counts minutes at 100 % only while the account is active, and ends the hit at the reset', () => {
    const fiveEnd = T0 + 4 * H;
    store.setActive('acct-a', T0);
    store.recordReading('acct-a', reading(T0 + H, 20, 100, WEEK_RESET, fiveEnd));
    store.recordReading('acct-a', reading(T0 + H + 30 * M, 20, 100, WEEK_RESET, fiveEnd)); // 30 min active
    store.setActive('acct-b', T0 + H + 40 * M); // +10 min active
    store.recordReading('acct-a', reading(T0 + 2 * H, 20, 100, WEEK_RESET, fiveEnd)); // 20 min parked: not counted
    store.setActive('acct-a', T0 + 3 * H); // parked until here
    store.recordReading('acct-a', reading(T0 + 5 * H, 20, 0, WEEK_RESET, null)); // active until the reset at 4 h: +60 min
    expect(all('acct-a').limitHits).toEqual([
      { accountId: 'acct-a', window: 'five_hour', startedAtMs: T0 + H, endedAtMs: fiveEnd, activeMinutes: 100 },
    ]);
    expect(all('acct-a').resets).toMatchObject([{ window: 'five_hour', resetAtMs: fiveEnd, lastPct: 100, expiredUnusedPct: 0 }]);
  });

  it('keeps switches, and shows them on both accounts', () => {
    store.recordSwitch({ atMs: T0 + H, fromId: 'acct-a', toId: 'acct-b', trigger: 'breach', deferralWaitMs: 12_000 });
    expect(all('acct-a').switches).toEqual([{ atMs: T0 + H, fromId: 'acct-a', toId: 'acct-b', trigger: 'breach', deferralWaitMs: 12_000 }]);
    expect(all('acct-b').switches).toHaveLength(1);
  });

  it('downsamples in SQL to at most the points asked for, keeping the last reading of each bucket', () => {
    for (let i = 0; i < 600; i++) store.recordReading('acct-a', reading(T0 + i * M, i / 10));
    const view = store.history({ accountId: 'acct-a', fromMs: T0, toMs: T0 + 600 * M - 1, points: 60 });
    expect(view.samples.length).toBeLessThanOrEqual(60);
    expect(view.samples.length).toBeGreaterThan(50);
    expect(view.samples.at(-1)).toMatchObject({ atMs: T0 + 599 * M, sevenDayPct: 59.9 });
  });

  it('rolls samples older than 35 days up to the last one of each hour', () => {
    for (let i = 0; i < 120; i++) store.recordReading('acct-a', reading(T0 + i * 5 * M, i / 4));
    const removed = store.rollup(T0 + 40 * D);
    expect(removed).toBe(110);
    expect(all('acct-a').samples.map((s) => s.atMs)).toEqual(Array.from({ length: 10 }, (_, h) => T0 + h * H + 55 * M));
  });

  it('finds accounts by id, email or label, and survives a restart with its figures', () => {
    expect(store.resolveAccount('A@Example.com')).toBe('acct-a');
    expect(store.resolveAccount('work')).toBe('acct-a');
    expect(store.resolveAccount('nobody')).toBeNull();
    store.recordReading('acct-b', reading(WEEK_RESET - 10 * M, 55));
    store.close();
    store = open();
    store.recordReading('acct-b', reading(WEEK_RESET + 10 * M, 1, null, WEEK_RESET + 7 * D));
    const insights = store.insights({ fromMs: T0, toMs: T0 + 7 * D }, T0 + 3 * D);
    expect(insights.accounts.find((a) => a.accountId === 'acct-b')?.figures.expiredUnusedPct).toBe(45);
    expect(insights.fleet.expiredUnusedMax20xDays).toBe(0.8); // 45 % of 1.75 days
  });
});

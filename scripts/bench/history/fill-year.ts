/**
 * A year of a 10-account fleet's readings through the history store's recorder API (bench:history
 * and the profiling of its queries): the default poll cadence (active 5 min, parked 12 min, ±15 %
 * jitter; the active account changes every 6 h), in the order the engine's history feed calls it,
 * with the hourly rollup the store applies itself. Every reading differs from the one before (the
 * worst case: dedup stores nothing less). Deterministic (seeded PRNG), so runs are comparable.
 */
import { performance } from 'node:perf_hooks';
import { createHistoryStore, openHistoryDb } from '../../../src-main/engine/index.js';
import { SETTINGS_DEFAULTS } from '../../../src-main/shared/settings-schema.js';

export const ACCOUNTS = 10;
export const DAYS = 365;
const ACTIVE_SPELL_MS = 6 * 3_600_000;
const DAY_MS = 86_400_000;

interface SimAccount {
  readonly id: string;
  nextPollMs: number;
  fivePct: number;
  fiveResetsAtMs: number;
  sevenPct: number;
  sevenResetsAtMs: number;
}

/** A tiny deterministic PRNG (mulberry32), so runs are comparable. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Fills `file` with a year of readings; returns the readings recorded and the wall time taken. */
export function fillYear(file: string, endMs: number): { readings: number; seconds: number; rollupSeconds: number; startMs: number } {
  const random = prng(20261205);
  const startMs = endMs - DAYS * DAY_MS;
  const store = createHistoryStore(openHistoryDb(file, startMs).db);
  const accounts: SimAccount[] = Array.from({ length: ACCOUNTS }, (_, i) => ({
    id: `acct-${String(i + 1).padStart(2, '0')}`,
    nextPollMs: startMs + Math.floor(random() * SETTINGS_DEFAULTS.parkedPollIntervalMs),
    fivePct: 0,
    fiveResetsAtMs: startMs + Math.floor(random() * 5 * 3_600_000),
    sevenPct: 0,
    sevenResetsAtMs: startMs + Math.floor(random() * 7 * DAY_MS),
  }));
  const jitter = (intervalMs: number) => Math.round(intervalMs * (1 + (random() * 2 - 1) * SETTINGS_DEFAULTS.pollJitterRatio));
  let readings = 0;
  // The store rolls up on the first reading an hour after its last rollup; those calls are timed apart.
  let lastRollupMs = 0;
  let rollupMs = 0;
  let activeIndex = 0;
  let nextSwitchMs = startMs;
  const t0 = performance.now();
  for (let atMs = startMs; atMs <= endMs; atMs += 60_000) {
    if (atMs >= nextSwitchMs) {
      const from = accounts[activeIndex]?.id ?? null;
      activeIndex = (activeIndex + 1) % ACCOUNTS;
      const to = accounts[activeIndex]?.id ?? '';
      if (atMs > startMs) store.recordSwitch({ atMs, fromId: from, toId: to, trigger: 'threshold', deferralWaitMs: random() * 60_000 });
      nextSwitchMs += ACTIVE_SPELL_MS;
    }
    const due = accounts.filter((a) => a.nextPollMs <= atMs);
    if (due.length === 0) continue;
    // As the feed does for each snapshot: the active account, then each account's name and new reading.
    store.setActive(accounts[activeIndex]?.id ?? null, atMs);
    for (const a of due) {
      const active = a === accounts[activeIndex];
      store.noteAccount({ id: a.id, email: `${a.id}@example.com`, label: a.id, plan: 'Max 20x' }, atMs);
      while (a.fiveResetsAtMs <= atMs) [a.fivePct, a.fiveResetsAtMs] = [0, a.fiveResetsAtMs + 5 * 3_600_000];
      while (a.sevenResetsAtMs <= atMs) [a.sevenPct, a.sevenResetsAtMs] = [0, a.sevenResetsAtMs + 7 * DAY_MS];
      a.fivePct = Math.min(100, a.fivePct + (active ? 1 + random() * 6 : 0.1 + random() * 0.4));
      a.sevenPct = Math.min(100, a.sevenPct + (active ? 0.1 + random() * 0.5 : 0.01 + random() * 0.05));
      const rollsUp = atMs - lastRollupMs >= 3_600_000;
      const c0 = rollsUp ? performance.now() : 0;
      store.recordReading(a.id, {
        atMs,
        source: 'poll',
        fiveHour: { pct: Math.round(a.fivePct * 100) / 100, resetsAtMs: a.fiveResetsAtMs },
        sevenDay: { pct: Math.round(a.sevenPct * 100) / 100, resetsAtMs: a.sevenResetsAtMs },
      });
      if (rollsUp) [lastRollupMs, rollupMs] = [atMs, rollupMs + performance.now() - c0];
      readings += 1;
      a.nextPollMs = atMs + jitter(active ? SETTINGS_DEFAULTS.activePollIntervalMs : SETTINGS_DEFAULTS.parkedPollIntervalMs);
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  store.close();
  return { readings, seconds, rollupSeconds: rollupMs / 1000, startMs };
}

/** The narrow ports of the history store: what the engine feeds it, and what readers ask of it. */
import type { HistoryView, InsightsView, SampleSource, SwitchView } from '../../shared/history-view.js';

/** One window of a reading to record. */
export interface RecordedWindow {
  readonly pct: number | null;
  readonly resetsAtMs: number | null;
}

/** A usage reading to record. */
export interface RecordedReading {
  readonly atMs: number;
  readonly source: SampleSource;
  readonly fiveHour: RecordedWindow | null;
  readonly sevenDay: RecordedWindow | null;
}

/** What the account rows of the history know (for lookups by email and Max 20x days). */
export interface RecordedAccount {
  readonly id: string;
  readonly email: string | null;
  readonly label: string | null;
  readonly plan: string | null;
}

/** What the engine feeds: readings, switches, the active account and the accounts' names and plans. */
export interface HistoryRecorder {
  recordReading(accountId: string, reading: RecordedReading): void;
  recordSwitch(entry: SwitchView): void;
  /** The account Claude Code uses from `atMs` on (limit-hit minutes count only while active). */
  setActive(accountId: string | null, atMs: number): void;
  noteAccount(account: RecordedAccount, atMs: number): void;
}

/** One stored reading with its reset times, as the what-if replay reads it. */
export interface ReplaySample {
  readonly atMs: number;
  readonly fiveHourPct: number | null;
  readonly fiveHourResetsAtMs: number | null;
  readonly sevenDayPct: number | null;
  readonly sevenDayResetsAtMs: number | null;
}

/** What the what-if replay reads of the history for a period. */
export interface ReplaySource {
  readonly fromMs: number;
  readonly toMs: number;
  /** Every account with readings, in the order first seen; samples oldest first, from the last one before `fromMs`. */
  readonly accounts: readonly (RecordedAccount & { readonly samples: readonly ReplaySample[] })[];
  /** The account in use at `fromMs` (from the switches), if the history knows. */
  readonly activeAtStartId: string | null;
  /** Switches in the period. */
  readonly switches: number;
}

/** What readers ask of the history. */
export interface HistoryReader {
  /** Resolves an account id, email or label (case-insensitive) to an id known to the history. */
  resolveAccount(ref: string): string | null;
  history(query: { readonly accountId: string; readonly fromMs: number; readonly toMs: number; readonly points: number }): HistoryView;
  insights(query: { readonly fromMs: number; readonly toMs: number }, nowMs: number): InsightsView;
  /** Every account the history knows, in the order first seen. */
  accounts(): readonly RecordedAccount[];
  /** Every reading of the period (and the last one before it), for the what-if replay. */
  replaySource(query: { readonly fromMs: number; readonly toMs: number }): ReplaySource;
  /** The first reading's time; null when the history is empty. */
  firstSampleAtMs(): number | null;
}

export interface HistoryStore extends HistoryRecorder, HistoryReader {
  /** Rolls samples older than 35 days up to one per hour; returns the rows removed. */
  rollup(nowMs: number): number;
  close(): void;
}

/** Samples at full resolution are kept this long, then rolled up to hourly. */
export const FULL_RESOLUTION_MS = 35 * 86_400_000;

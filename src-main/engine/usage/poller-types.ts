/** The usage poller's public types: what it needs and what it offers. */
import type { AnthropicClient, ApiError, UsageReading } from '../anthropic/api-types.js';
import type { Clock, Logger, RandomFn } from '../ports.js';

export interface PollerAccount {
  readonly id: string;
  readonly enabled: boolean;
  /** The account Claude Code uses now: polled on the active cadence. */
  readonly active: boolean;
  /** False when the account cannot be polled (no usable login): skipped like a disabled one. */
  readonly pollable: boolean;
  /**
   * When the last good reading was taken (e.g. from the usage cache across a restart); null or
   * absent when there is none. At start, an account read within its interval keeps its cadence;
   * the others are read within the catch-up window.
   */
  readonly lastReadAtMs?: number | null;
}

export interface PollerSettings {
  readonly activePollIntervalMs: number;
  readonly parkedPollIntervalMs: number;
  readonly pollJitterRatio: number;
}

export interface UsagePollerDeps {
  readonly clock: Clock;
  readonly random: RandomFn;
  readonly client: Pick<AnthropicClient, 'getUsage'>;
  /** The account's current access token; null when none is stored (the poll is skipped). */
  readonly getAccessToken: (accountId: string) => Promise<string | null>;
  readonly accounts: () => readonly PollerAccount[];
  readonly settings: () => PollerSettings;
  readonly onReading: (accountId: string, reading: UsageReading, atMs: number) => void;
  readonly onFailure: (accountId: string, error: ApiError, atMs: number) => void;
  readonly logger: Logger;
}

export interface PollScheduleEntry {
  readonly accountId: string;
  /** When the account is next polled; null while polling is stopped for it (401, disabled). */
  readonly nextPollAtMs: number | null;
  /** Until when a failure holds polls back; null when no backoff applies. */
  readonly backoffUntilMs: number | null;
  readonly backoffReason: 'rate-limited' | 'error' | 'unauthorized' | null;
  /** When the account's last poll started; null when never polled. */
  readonly lastPollAtMs: number | null;
  readonly polling: boolean;
}

export interface UsagePoller {
  /** Staggers every account over its first interval and arms the timer. Idempotent. */
  start(): void;
  /** Disarms the timer and waits for polls in flight. */
  stop(): Promise<void>;
  /**
   * Polls one account (or every enabled, pollable one) now, ignoring the schedule but not a
   * rate-limit backoff nor a 401 stop. Joins a poll already in flight; respects the concurrency cap.
   */
  pollNow(accountId?: string): Promise<void>;
  schedule(): PollScheduleEntry[];
  /** When the poller next reads any account; null when nothing is scheduled. */
  nextPollAtMs(): number | null;
  /** A statusline reading replaced a poll: the account's next poll moves a full interval past `atMs`. */
  notifyStatuslineReading(accountId: string, atMs: number): void;
  /** The account's stored token changed (refresh, harvest, login): lifts a 401 stop. */
  tokenChanged(accountId: string): void;
}

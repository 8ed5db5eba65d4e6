/** Pure timing rules of the usage poller: stagger, jitter and per-account backoff. */
import type { ApiError } from '../anthropic/api-types.js';
import type { RandomFn } from '../ports.js';

/** Cap on the fallback backoff after a 429 that named no `retry-after`. */
export const RATE_LIMIT_FALLBACK_CAP_MS = 60 * 60_000;
/** First backoff after a network error, timeout or bad response; doubles per failure. */
export const TRANSIENT_BACKOFF_START_MS = 60_000;

/** `intervalMs` ± `jitterRatio`·`intervalMs`, uniformly (`random` in [0, 1)). */
export function toJitteredIntervalMs(intervalMs: number, jitterRatio: number, random: RandomFn): number {
  return Math.round(intervalMs * (1 + jitterRatio * (2 * random() - 1)));
}

/**
 * The first poll of account `index` of `count`: accounts are spread evenly over the first interval,
 * each inside its own slot plus a jitter of up to `jitterRatio` of a slot, so no two accounts start
 * at the same instant and fixed timers never line up.
 */
export function toInitialOffsetMs(index: number, count: number, intervalMs: number, jitterRatio: number, random: RandomFn): number {
  const slotMs = intervalMs / Math.max(1, count);
  return Math.round((index + jitterRatio * random()) * slotMs);
}

/**
 * At start, accounts with no fresh reading are read within this window (staggered), not over a
 * whole parked interval: a user who just started the monitor should not wait 12 minutes for figures.
 */
export const START_CATCH_UP_WINDOW_MS = 90_000;

/** What a failed poll does to the account's schedule. */
export type PollBackoff =
  | { readonly kind: 'rate-limited'; readonly delayMs: number }
  | { readonly kind: 'transient'; readonly delayMs: number }
  | { readonly kind: 'unauthorized' };

export interface BackoffState {
  /** 429s in a row before this one. */
  readonly rateLimitStreak: number;
  /** Network / timeout / bad-response failures in a row before this one. */
  readonly errorStreak: number;
}

/**
 * Decides the backoff after a failure:
 * - 429: exactly the server's `retry-after`; without one, 2× the account's interval, doubling per
 *   consecutive 429, capped at 1 h (the longest block other tools observed);
 * - 401: stop polling the account until its token changes (polling again cannot succeed);
 * - network, timeout, bad response (5xx and anything unexpected): 1 min, doubling per consecutive
 *   failure, capped at the parked interval so a recovered network is noticed within one cadence.
 */
export function decideBackoff(error: ApiError, state: BackoffState, intervalMs: number, parkedIntervalMs: number): PollBackoff {
  switch (error.kind) {
    case 'rate-limited':
      return {
        kind: 'rate-limited',
        delayMs: error.retryAfterMs ?? Math.min(2 * intervalMs * 2 ** state.rateLimitStreak, RATE_LIMIT_FALLBACK_CAP_MS),
      };
    case 'unauthorized':
      return { kind: 'unauthorized' };
    case 'network':
    case 'timeout':
    case 'bad-response':
      return {
        kind: 'transient',
        delayMs: Math.min(TRANSIENT_BACKOFF_START_MS * 2 ** state.errorStreak, parkedIntervalMs),
      };
  }
}

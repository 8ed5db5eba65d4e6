/**
 * Per-connection limits for dashboard socket calls: a token bucket for the call rate, and a second
 * bucket counting refused calls, so a client that keeps flooding after being told is disconnected
 * while one that bursts now and then only sees `rate-limited` results.
 */

/** Limits for one dashboard socket connection. */
export interface CallLimits {
  /** Sustained calls (and pings) per second. Default 20. */
  readonly callsPerSec: number;
  /** Calls that may arrive at once before the rate applies. Default 40. */
  readonly burst: number;
  /**
   * Refused calls tolerated before the connection is closed with 4429; the allowance refills at
   * half the call rate, so only a client staying well over the limit runs out. Default 40.
   */
  readonly refusalsBeforeClose: number;
  /** Calls running at once; more are answered `busy` at once. Default 8. */
  readonly maxInFlight: number;
}

export const DEFAULT_CALL_LIMITS: CallLimits = { callsPerSec: 20, burst: 40, refusalsBeforeClose: 40, maxInFlight: 8 };

/** What to do with one incoming message. */
export type Admission = 'accepted' | 'limited' | 'abusive';

export interface TokenBucket {
  /** Takes one token; false when the bucket is empty. */
  take(): boolean;
}

/** A bucket of `capacity` tokens (full at start) refilling continuously at `refillPerSec`. */
export function createTokenBucket(capacity: number, refillPerSec: number, now: () => number): TokenBucket {
  if (!(capacity >= 1) || !(refillPerSec > 0)) {
    throw new Error(`createTokenBucket: capacity must be ≥ 1 and refillPerSec > 0 (got ${capacity}, ${refillPerSec}).`);
  }
  let tokens = capacity;
  let lastMs = now();
  return {
    take() {
      const t = now();
      tokens = Math.min(capacity, tokens + (Math.max(0, t - lastMs) * refillPerSec) / 1000);
      lastMs = t;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}

export interface CallLimiter {
  /** Decides one incoming message: run it, refuse it (`limited`), or close the connection (`abusive`). */
  admit(): Admission;
}

/** Creates the limiter of one connection; `now` is epoch ms (injected for tests). */
export function createCallLimiter(limits: CallLimits, now: () => number): CallLimiter {
  const calls = createTokenBucket(limits.burst, limits.callsPerSec, now);
  const refusals = createTokenBucket(limits.refusalsBeforeClose, limits.callsPerSec / 2, now);
  return {
    admit() {
      if (calls.take()) return 'accepted';
      return refusals.take() ? 'limited' : 'abusive';
    },
  };
}

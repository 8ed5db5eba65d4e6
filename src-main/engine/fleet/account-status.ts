/** What is wrong with an account, as a value and in words (the Status column). */
import type { ApiError } from '../anthropic/api-types.js';
import type { AccountStatus } from '../../shared/view-model.js';
import { formatDuration } from '../../shared/format.js';

/** A poll failure and when it happened (epoch ms). */
export interface PollFailure {
  readonly error: ApiError;
  readonly atMs: number;
}

export interface AccountStatusInput {
  readonly enabled: boolean;
  /** False when no login is stored; true otherwise. */
  readonly hasLogin: boolean;
  readonly needsLogin: boolean;
  /** When the last successful reading was taken; null before the first. */
  readonly usageReadAtMs: number | null;
  /** The latest poll failure, if any (ignored when a good reading came after it). */
  readonly lastFailure: PollFailure | null;
  /** The poller's rate-limit backoff for this account, if it knows one. */
  readonly rateLimitedUntilMs: number | null;
}

/**
 * Decides the status, most actionable first: disabled; needs login (refresh rejected or no login
 * stored); the latest poll failure if no good reading came after it; waiting for the first poll;
 * else ok. A rate limit's retry time is the poller's backoff, else the failure time plus the
 * server's `retry-after`, else the failure time (retry unknown).
 */
export function toAccountStatus(input: AccountStatusInput): AccountStatus {
  if (!input.enabled) return { kind: 'disabled' };
  if (!input.hasLogin || input.needsLogin) return { kind: 'needs-login' };
  const failure = input.lastFailure;
  if (failure && (input.usageReadAtMs === null || failure.atMs >= input.usageReadAtMs)) {
    const error = failure.error;
    switch (error.kind) {
      case 'rate-limited': {
        const retryAtMs = input.rateLimitedUntilMs ?? (error.retryAfterMs !== null ? failure.atMs + error.retryAfterMs : failure.atMs);
        return { kind: 'rate-limited', retryAtMs };
      }
      case 'network':
        return { kind: 'network-error', message: error.message };
      case 'timeout':
        return { kind: 'network-error', message: `timed out after ${formatDuration(error.afterMs)}` };
      case 'unauthorized':
        return { kind: 'unauthorized' };
      case 'bad-response':
        return { kind: 'bad-response', message: `HTTP ${error.status}: ${error.message}` };
    }
  }
  if (input.usageReadAtMs === null) return { kind: 'pending' };
  return { kind: 'ok' };
}

/** The status in the dashboard's words: `ok`, `rate-limited, retry in 12m`, `network error`, … */
export function toStatusText(status: AccountStatus, nowMs: number): string {
  switch (status.kind) {
    case 'ok':
      return 'ok';
    case 'rate-limited':
      return status.retryAtMs > nowMs ? `rate-limited, retry in ${formatDuration(status.retryAtMs - nowMs)}` : 'rate-limited, retrying';
    case 'network-error':
      return 'network error';
    case 'unauthorized':
      return 'unauthorized';
    case 'bad-response':
      return 'bad response';
    case 'needs-login':
      return 'needs login';
    case 'disabled':
      return 'disabled';
    case 'pending':
      return 'waiting for first poll';
  }
}

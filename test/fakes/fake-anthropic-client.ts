/**
 * A scripted AnthropicClient for tests: responses are queued per token (the last one repeats),
 * every call is recorded, and a responder may return a promise the test resolves later.
 */
import type { AnthropicClient, ApiError, Profile, RefreshError, UsageReading } from '../../src-main/engine/anthropic/api-types.js';
import { err, ok, type Result } from '../../src-main/shared/result.js';
import type { OAuthCredentials } from '../../src-main/engine/vault/credentials.js';

type Answer<T, E> = Result<T, E> | (() => Result<T, E> | Promise<Result<T, E>>);

/** A usage reading with the two windows rotation uses. */
export function usageReading(sevenDayPct: number, fiveHourPct = 0, resetsAtMs: number | null = null): UsageReading {
  return {
    sevenDay: { utilizationPct: sevenDayPct, resetsAtMs },
    fiveHour: { utilizationPct: fiveHourPct, resetsAtMs: null },
    extra: {},
  };
}

export class FakeAnthropicClient implements AnthropicClient {
  readonly usageCalls: { readonly accessToken: string; readonly atMs: number }[] = [];
  readonly profileCalls: string[] = [];
  readonly refreshCalls: { readonly refreshToken: string; readonly nowMs: number }[] = [];
  /** Lifetime of the tokens a default refresh answers with (the real endpoint: 8 h). */
  refreshLifetimeMs = 8 * 3_600_000;
  /** Answered when a token has nothing scripted. */
  defaultUsage: Answer<UsageReading, ApiError> = ok(usageReading(10));
  #usage = new Map<string, Answer<UsageReading, ApiError>[]>();
  #refresh = new Map<string, Answer<OAuthCredentials, RefreshError>[]>();
  #profiles = new Map<string, Result<Profile, ApiError>>();
  #now: () => number;

  /** `now` stamps recorded calls (pass the FakeClock's). */
  constructor(now: () => number = () => 0) {
    this.#now = now;
  }

  /** Queues answers for usage calls with `accessToken`; the last one repeats. */
  scriptUsage(accessToken: string, ...answers: Answer<UsageReading, ApiError>[]): void {
    this.#usage.set(accessToken, [...(this.#usage.get(accessToken) ?? []), ...answers]);
  }

  /** Queues answers for refreshes of `refreshToken`; the last one repeats. */
  scriptRefresh(refreshToken: string, ...answers: Answer<OAuthCredentials, RefreshError>[]): void {
    this.#refresh.set(refreshToken, [...(this.#refresh.get(refreshToken) ?? []), ...answers]);
  }

  setProfile(accessToken: string, profile: Result<Profile, ApiError>): void {
    this.#profiles.set(accessToken, profile);
  }

  usageCallCount(accessToken?: string): number {
    return this.usageCalls.filter((c) => accessToken === undefined || c.accessToken === accessToken).length;
  }

  refreshCallCount(refreshToken?: string): number {
    return this.refreshCalls.filter((c) => refreshToken === undefined || c.refreshToken === refreshToken).length;
  }

  async getUsage(accessToken: string): Promise<Result<UsageReading, ApiError>> {
    this.usageCalls.push({ accessToken, atMs: this.#now() });
    return answer(next(this.#usage, accessToken) ?? this.defaultUsage);
  }

  async getProfile(accessToken: string): Promise<Result<Profile, ApiError>> {
    this.profileCalls.push(accessToken);
    return this.#profiles.get(accessToken) ?? err({ kind: 'unauthorized', status: 401 });
  }

  async refresh(current: OAuthCredentials, nowMs: number): Promise<Result<OAuthCredentials, RefreshError>> {
    this.refreshCalls.push({ refreshToken: current.refreshToken, nowMs });
    const scripted = next(this.#refresh, current.refreshToken);
    if (scripted) return answer(scripted);
    // Default: rotate both tokens, valid for 8 h, as the real endpoint does.
    const n = this.refreshCalls.length;
    return ok({
      ...current,
      accessToken: `${current.accessToken}+r${n}`,
      refreshToken: `${current.refreshToken}+r${n}`,
      expiresAtMs: nowMs + this.refreshLifetimeMs,
    });
  }
}

function next<A>(queues: Map<string, A[]>, key: string): A | undefined {
  const queue = queues.get(key);
  if (!queue || queue.length === 0) return undefined;
  return queue.length > 1 ? queue.shift() : queue[0];
}

async function answer<T, E>(a: Answer<T, E>): Promise<Result<T, E>> {
  return typeof a === 'function' ? a() : a;
}

/**
 * The engine's only doors to the outside. Every adapter (Node, Electron, tests) implements these;
 * the engine never reaches for a global clock, `fetch`, keychain or file store on its own.
 */
import type { EngineEvent } from '../shared/event-types.js';

/** Opaque timer handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = { readonly __timer: unique symbol } | number | object;

/** Wall clock and timers. Tests use `test/fakes/fake-clock.ts`. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The WHATWG fetch signature; Node's global `fetch` satisfies it. */
export type FetchFn = (input: string | URL, init?: RequestInit) => Promise<Response>;

/**
 * Where secrets live: one opaque string per account id. Implementations: OS keychain
 * (`@napi-rs/keyring`) and a 0600 JSON file. Values are never logged.
 */
export interface SecretStore {
  readonly kind: 'keychain' | 'file';
  /** Human-readable location: file path, or keychain service name. */
  readonly location: string;
  get(accountId: string): Promise<string | null>;
  set(accountId: string, value: string): Promise<void>;
  delete(accountId: string): Promise<void>;
}

/** Structured logger. Messages and fields must never carry a secret (fingerprints only). */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Native notifications (Electron) or nothing (headless). */
export interface Notifier {
  notify(title: string, body: string): void;
}

/** Receives every event the engine emits; the event log is one. */
export interface EventSink {
  append(event: EngineEvent): void;
}

/** Which account Claude Code is using now (see `claude-code/active-account.ts`); null when none of ours. */
export interface ActiveAccountPort {
  accountId(): string | null;
}

/** Random numbers for jitter; injectable so tests are deterministic. */
export type RandomFn = () => number;

/** A logger that drops everything. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** The longest delay a Node timer holds (2^31-1 ms, 24.8 days); longer ones fire after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A delay longer than {@link MAX_TIMER_MS}, run as a chain of maximal timers. */
interface LongTimer {
  inner: NodeJS.Timeout | undefined;
}

function armUnref(fn: () => void, ms: number): NodeJS.Timeout {
  const t = setTimeout(fn, ms);
  t.unref?.();
  return t;
}

/**
 * The real clock. Delays beyond Node's timer range are clamped and chained (a `retry-after` of
 * 30 days waits 30 days instead of firing every millisecond); NaN or negative delays run at once.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const delayMs = Number.isNaN(ms) ? 0 : Math.max(0, ms);
    if (delayMs <= MAX_TIMER_MS) return armUnref(fn, delayMs);
    const long: LongTimer = { inner: undefined };
    const arm = (leftMs: number): void => {
      long.inner = armUnref(() => (leftMs > MAX_TIMER_MS ? arm(leftMs - MAX_TIMER_MS) : fn()), Math.min(leftMs, MAX_TIMER_MS));
    };
    arm(delayMs);
    return long;
  },
  clearTimeout: (handle) => {
    clearTimeout(isLongTimer(handle) ? handle.inner : (handle as NodeJS.Timeout));
  },
};

function isLongTimer(handle: TimerHandle): handle is LongTimer {
  return typeof handle === 'object' && handle !== null && 'inner' in handle;
}

/**
 * A simulated clock for driving the real engine through a day in seconds: timers fire in due order,
 * and after each one real I/O (loopback HTTP, file reads and writes) is given time to finish before
 * simulated time moves on, so a poll's answer lands at (nearly) the simulated instant it was sent.
 */
import type { Clock, FetchFn, TimerHandle } from '../../../src-main/engine/ports.js';

interface Timer {
  readonly id: number;
  readonly dueMs: number;
  readonly fn: () => void;
}

export interface SteppedClock extends Clock {
  /** Fires every timer due up to `targetMs` in order, settling real I/O after each; ends at `targetMs`. */
  runUntil(targetMs: number): Promise<void>;
  /** Timers fired so far. */
  readonly firedCount: number;
}

export interface SteppedClockOptions {
  readonly startMs: number;
  /** Resolves when real I/O started by a timer has finished (see {@link createSettler}). */
  readonly settle: () => Promise<void>;
}

/** Creates the clock; time stands still between `runUntil` calls. */
export function createSteppedClock(options: SteppedClockOptions): SteppedClock {
  let nowMs = options.startMs;
  let nextId = 1;
  let fired = 0;
  const timers = new Map<number, Timer>();

  const nextDue = (targetMs: number): Timer | null => {
    let best: Timer | null = null;
    for (const t of timers.values()) {
      if (t.dueMs > targetMs) continue;
      if (!best || t.dueMs < best.dueMs || (t.dueMs === best.dueMs && t.id < best.id)) best = t;
    }
    return best;
  };

  return {
    now: () => nowMs,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.set(id, { id, dueMs: nowMs + Math.max(0, ms), fn });
      return { steppedTimerId: id };
    },
    clearTimeout(handle: TimerHandle) {
      const id = (handle as { steppedTimerId?: number }).steppedTimerId;
      if (id !== undefined) timers.delete(id);
    },
    async runUntil(targetMs) {
      for (let t = nextDue(targetMs); t; t = nextDue(targetMs)) {
        timers.delete(t.id);
        nowMs = Math.max(nowMs, t.dueMs);
        fired++;
        try {
          t.fn();
        } catch (e) {
          // The engine's own callbacks catch; this is the bench's last line of defence.
          process.stderr.write(`bench: a timer callback threw: ${String(e)}\n`);
        }
        await options.settle();
      }
      nowMs = Math.max(nowMs, targetMs);
      await options.settle();
    },
    get firedCount() {
      return fired;
    },
  };
}

export interface Settler {
  /** `fetch` that counts itself in flight until its body has been read. */
  readonly fetch: FetchFn;
  /** Resolves once no counted fetch is in flight and the thread pool had a moment for file I/O. */
  settle(): Promise<void>;
}

const immediate = () => new Promise<void>((r) => setImmediate(r));
const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Wraps `inner` so the clock can wait for requests a timer started. */
export function createSettler(inner: FetchFn): Settler {
  let inFlight = 0;
  return {
    async fetch(input, init) {
      inFlight++;
      try {
        const res = await inner(input, init);
        // Read the body here so "in flight" covers it; hand back an equivalent response.
        const body = await res.arrayBuffer();
        return new Response(body.byteLength === 0 ? null : body, { status: res.status, statusText: res.statusText, headers: res.headers });
      } finally {
        inFlight--;
      }
    },
    async settle() {
      for (let i = 0; i < 3; i++) await immediate();
      for (let waitedMs = 0; inFlight > 0 && waitedMs < 10_000; waitedMs++) await pause(1);
      // Vault writes, usage-cache saves and Claude Code store reads go through the thread pool.
      await pause(1);
      for (let i = 0; i < 3; i++) await immediate();
    },
  };
}

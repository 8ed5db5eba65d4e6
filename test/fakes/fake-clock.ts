/** A deterministic clock: time moves only when a test calls `advance`/`advanceTo`. */
import type { Clock, TimerHandle } from '../../src-main/engine/ports.js';

interface Timer {
  readonly id: number;
  readonly dueMs: number;
  readonly fn: () => void;
}

export class FakeClock implements Clock {
  #nowMs: number;
  #nextId = 1;
  #timers = new Map<number, Timer>();

  constructor(startMs = Date.UTC(2026, 10, 24, 12, 0, 0)) {
    this.#nowMs = startMs;
  }

  now(): number {
    return this.#nowMs;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.#nextId++;
    this.#timers.set(id, { id, dueMs: this.#nowMs + Math.max(0, ms), fn });
    return { fakeTimerId: id };
  }

  clearTimeout(handle: TimerHandle): void {
    const id = (handle as { fakeTimerId?: number }).fakeTimerId;
    if (id !== undefined) this.#timers.delete(id);
  }

  /** Number of timers waiting to fire. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, firing due timers in order; awaits microtasks between them. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.#nowMs + ms);
  }

  async advanceTo(targetMs: number): Promise<void> {
    for (;;) {
      const next = [...this.#timers.values()].filter((t) => t.dueMs <= targetMs).sort((a, b) => a.dueMs - b.dueMs || a.id - b.id)[0];
      if (!next) break;
      this.#timers.delete(next.id);
      this.#nowMs = Math.max(this.#nowMs, next.dueMs);
      next.fn();
      await flushMicrotasks();
    }
    this.#nowMs = Math.max(this.#nowMs, targetMs);
    await flushMicrotasks();
  }

  /** Jumps the wall clock without firing timers (a clock jump, e.g. after sleep). */
  jump(ms: number): void {
    this.#nowMs += ms;
  }
}

/** Lets pending promise callbacks (and I/O already resolved) run. */
export async function flushMicrotasks(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

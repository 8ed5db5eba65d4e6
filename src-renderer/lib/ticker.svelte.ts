/**
 * The dashboard's one clock: every countdown and age reads `nowMs`, and all of them re-render
 * together once a second while anything on screen reads it — one interval, not one per cell.
 */
import { createSubscriber } from 'svelte/reactivity';

export interface TickerOptions {
  /** Epoch ms now; default `Date.now`. */
  readonly now?: () => number;
  /** Default 1000 ms. */
  readonly intervalMs?: number;
}

/** A clock for the templates: `nowMs`, refreshed for its readers every `intervalMs` (default 1 s). */
export class Ticker {
  readonly #now: () => number;
  readonly #subscribe: () => void;

  constructor(options: TickerOptions = {}) {
    this.#now = options.now ?? Date.now;
    const intervalMs = options.intervalMs ?? 1000;
    this.#subscribe = createSubscriber((update) => {
      const id = setInterval(update, intervalMs);
      return () => clearInterval(id);
    });
  }

  /** Epoch ms now; reading it inside a template or effect re-runs that reader every tick. */
  get nowMs(): number {
    this.#subscribe();
    return this.#now();
  }
}

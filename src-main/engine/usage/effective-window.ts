/** How a usage window reads *now*: a window whose reset time has passed counts as reset. */
import type { UsageWindow } from '../anthropic/api-types.js';

/**
 * The window as it stands at `nowMs`. A window whose `resetsAtMs` is at or before `nowMs` has
 * reset since it was read, so it reads 0 % with an unknown next reset — stale figures must never
 * keep an account "exhausted" (or show an old 5h figure) after its reset. Null stays null.
 */
export function toEffectiveWindow(window: UsageWindow | null | undefined, nowMs: number): UsageWindow | null {
  if (!window) return null;
  if (window.resetsAtMs !== null && window.resetsAtMs <= nowMs) {
    return { utilizationPct: 0, resetsAtMs: null };
  }
  return window;
}

/** True when the window (already made effective) is at or above 100 %. */
export function isWindowExhausted(window: UsageWindow | null): boolean {
  return window !== null && window.utilizationPct !== null && window.utilizationPct >= 100;
}

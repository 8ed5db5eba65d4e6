/**
 * Tracks limit hits: an account at 100 % of a window, from the first reading at the limit to the
 * first one below it (or the window's reset), and how long it stayed there while it was the active
 * account. Pure state transitions; the store persists what they return.
 */
import type { HistoryWindow } from '../../shared/history-view.js';

/** An open limit hit of one account and window. */
export interface OpenHit {
  readonly id: number;
  readonly accountId: string;
  readonly window: HistoryWindow;
  readonly startedAtMs: number;
  /** Time at the limit while active, up to `accountedToMs`. */
  readonly activeMs: number;
  readonly accountedToMs: number;
  /** When the window resets, if known: the hit ends there at the latest. */
  readonly resetsAtMs: number | null;
}

/** The limit: a window at or above this is full. */
export const LIMIT_PCT = 100;

/**
 * Brings an open hit's active time up to `toMs`, counting the span since it was last accounted
 * when the account was active during it. The span never runs past the window's reset, and a clock
 * that went backwards adds nothing.
 */
export function accrue(hit: OpenHit, toMs: number, wasActive: boolean): OpenHit {
  const endMs = hit.resetsAtMs !== null ? Math.min(toMs, hit.resetsAtMs) : toMs;
  const spanMs = Math.max(0, endMs - hit.accountedToMs);
  return { ...hit, activeMs: hit.activeMs + (wasActive ? spanMs : 0), accountedToMs: Math.max(hit.accountedToMs, endMs) };
}

/** What a new reading of one window does to its hit. */
export type HitStep =
  | { readonly kind: 'none' }
  | { readonly kind: 'open'; readonly startedAtMs: number; readonly resetsAtMs: number | null }
  | { readonly kind: 'update'; readonly hit: OpenHit }
  | { readonly kind: 'close'; readonly hit: OpenHit; readonly endedAtMs: number };

/**
 * Decides the hit after a reading of the window (`pct`, `resetsAtMs`) at `atMs`. `wasActive`: the
 * account was the active one since the hit was last accounted.
 */
export function stepHit(
  open: OpenHit | null,
  reading: { readonly atMs: number; readonly pct: number | null; readonly resetsAtMs: number | null },
  wasActive: boolean,
): HitStep {
  const full = reading.pct !== null && reading.pct >= LIMIT_PCT;
  if (!open) return full ? { kind: 'open', startedAtMs: reading.atMs, resetsAtMs: reading.resetsAtMs } : { kind: 'none' };
  const accrued = accrue(open, reading.atMs, wasActive);
  const resetPassed = open.resetsAtMs !== null && open.resetsAtMs <= reading.atMs;
  if (resetPassed) return { kind: 'close', hit: accrued, endedAtMs: open.resetsAtMs ?? reading.atMs };
  if (!full) return { kind: 'close', hit: accrued, endedAtMs: reading.atMs };
  return { kind: 'update', hit: { ...accrued, resetsAtMs: reading.resetsAtMs ?? open.resetsAtMs } };
}

/**
 * Structural sharing between consecutive snapshots: a row or session whose content did not change
 * keeps the previous object, so Svelte sees the same value and skips that row entirely. Most
 * pushes change a few figures, not the whole fleet (see scripts/bench-ui.mjs).
 */
import type { FleetSnapshot } from '../../src-main/shared/view-model.js';

/** True when two JSON-shaped values are equal in content. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  const recordB = b as Record<string, unknown>;
  return keysA.every((key) => Object.hasOwn(recordB, key) && jsonEqual((a as Record<string, unknown>)[key], recordB[key]));
}

function reuse<T extends { readonly id: string }>(previous: readonly T[], next: readonly T[]): readonly T[] {
  if (previous.length === 0) return next;
  const byId = new Map(previous.map((item) => [item.id, item]));
  let changed = previous.length !== next.length;
  const merged = next.map((item, i) => {
    const old = byId.get(item.id);
    const kept = old !== undefined && jsonEqual(old, item) ? old : item;
    if (kept !== previous[i]) changed = true;
    return kept;
  });
  return changed ? merged : previous;
}

/** `next`, with unchanged accounts, sessions and settings replaced by the objects of `previous`. */
export function toStableSnapshot(previous: FleetSnapshot | null, next: FleetSnapshot): FleetSnapshot {
  if (previous === null) return next;
  return {
    ...next,
    accounts: reuse(previous.accounts, next.accounts),
    sessions: reuse(previous.sessions, next.sessions),
    settings: jsonEqual(previous.settings, next.settings) ? previous.settings : next.settings,
  };
}

/**
 * The account Claude Code is using now, as the engine last detected it: one cell, written only by
 * the active-account tracker and read by whoever is handed it at construction (the session registry
 * records it on every session message; rotation, the poller and the token keeper read it).
 */
import type { ActiveAccountPort } from '../ports.js';
import type { ActiveAccount } from './detect-active.js';

export interface ActiveAccountCell extends ActiveAccountPort {
  /** The active account with how it was recognised; null when Claude Code holds no login of ours. */
  current(): ActiveAccount | null;
  set(active: ActiveAccount | null): void;
}

/** Creates an empty cell (no account is active until the tracker detects one). */
export function createActiveAccountCell(): ActiveAccountCell {
  let active: ActiveAccount | null = null;
  return {
    current: () => active,
    accountId: () => active?.accountId ?? null,
    set(next) {
      active = next;
    },
  };
}

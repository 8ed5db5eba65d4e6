/** Where the poller places each account's first poll when it starts. */
import { START_CATCH_UP_WINDOW_MS, toInitialOffsetMs } from './poll-timing.js';
import { intervalOf, jitteredIntervalOf, newSlot, type PollerState } from './poller-state.js';
import type { PollerAccount } from './poller-types.js';

/**
 * Sets every account's next poll for a start at `now`: the active account first (its figures matter
 * most, and it then never shares a slot with another); accounts read within their interval (cached
 * figures) keep their cadence; the rest catch up soon, spread over a short window instead of a whole
 * interval.
 */
export function placeFirstPolls(state: PollerState, now: number): void {
  const { deps, slots } = state;
  const { pollJitterRatio } = deps.settings();
  const accounts = [...deps.accounts()].sort((a, b) => Number(b.active) - Number(a.active) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const fresh = accounts.filter((a) => a.lastReadAtMs != null && now - a.lastReadAtMs < intervalOf(state, a));
  const catchUp = accounts.filter((a) => !fresh.includes(a));
  const place = (account: PollerAccount, nextPollAtMs: number) => {
    const slot = slots.get(account.id) ?? newSlot(now);
    slot.nextPollAtMs = nextPollAtMs;
    slots.set(account.id, slot);
  };
  catchUp.forEach((account, index) => {
    const windowMs = Math.min(intervalOf(state, account), START_CATCH_UP_WINDOW_MS);
    // The first (the active account when it needs reading) goes at once: nothing to collide with.
    const offsetMs = index === 0 ? 0 : toInitialOffsetMs(index, catchUp.length, windowMs, pollJitterRatio, deps.random);
    place(account, now + offsetMs);
  });
  for (const account of fresh) place(account, (account.lastReadAtMs ?? now) + jitteredIntervalOf(state, account));
}

/**
 * Polls every account's usage on one staggered, jittered timer with per-account backoff
 * (PRODUCT §6). Timing rules live in poll-timing.ts, the slots in poller-state.ts,
 * one poll in poll-run.ts, the first polls in first-polls.ts; this file owns the timer.
 */
import { createConcurrencyGate } from './concurrency-gate.js';
import { placeFirstPolls } from './first-polls.js';
import { startPoll } from './poll-run.js';
import {
  dueAccountIds,
  earliestDue,
  eligible,
  findAccount,
  jitteredIntervalOf,
  syncSlots,
  toScheduleEntry,
  type PollerState,
} from './poller-state.js';
import type { UsagePoller, UsagePollerDeps } from './poller-types.js';

export type { PollerAccount, PollerSettings, PollScheduleEntry, UsagePoller, UsagePollerDeps } from './poller-types.js';

/** At most this many usage calls run at once, whatever is due. */
export const MAX_CONCURRENT_POLLS = 2;

/** Creates the poller. Nothing runs until {@link UsagePoller.start}. */
export function createUsagePoller(deps: UsagePollerDeps): UsagePoller {
  const { clock, logger } = deps;
  const state: PollerState = {
    deps,
    slots: new Map(),
    gate: createConcurrencyGate(MAX_CONCURRENT_POLLS),
    started: false,
    stopped: false,
    timer: null,
  };
  const { slots } = state;

  /** (Re)arms the single timer for the earliest due account. */
  const arm = (): void => {
    if (state.timer !== null) clock.clearTimeout(state.timer);
    state.timer = null;
    if (!state.started || state.stopped) return;
    syncSlots(state);
    const due = earliestDue(state);
    if (due === null) return;
    state.timer = clock.setTimeout(onTimer, Math.max(0, due - clock.now()));
  };
  const poll = (id: string): Promise<void> => startPoll(state, id, arm);

  const onTimer = (): void => {
    state.timer = null;
    try {
      const now = clock.now();
      syncSlots(state);
      for (const id of dueAccountIds(state, now)) void poll(id);
    } catch (e) {
      logger.error('usage poller tick failed', { error: String(e) });
    }
    try {
      arm();
    } catch (e) {
      logger.error('usage poller could not re-arm its timer', { error: String(e) });
    }
  };

  return {
    start() {
      if (state.started && !state.stopped) return;
      state.started = true;
      state.stopped = false;
      placeFirstPolls(state, clock.now());
      arm();
    },

    async stop() {
      state.stopped = true;
      if (state.timer !== null) clock.clearTimeout(state.timer);
      state.timer = null;
      await Promise.allSettled([...slots.values()].map((s) => s.inFlight).filter((p) => p !== null));
    },

    async pollNow(accountId) {
      if (state.stopped) return;
      syncSlots(state);
      const now = clock.now();
      const targets = deps.accounts().filter((a) => eligible(a) && (accountId === undefined || a.id === accountId));
      const polls: Promise<void>[] = [];
      for (const account of targets) {
        const slot = slots.get(account.id);
        if (!slot) continue;
        if (slot.blockedByAuth) {
          logger.info('poll skipped: the token was rejected and has not changed', { accountId: account.id });
        } else if (slot.rateLimitedUntilMs !== null && slot.rateLimitedUntilMs > now) {
          logger.info('poll skipped: rate-limited', { accountId: account.id, retryInMs: slot.rateLimitedUntilMs - now });
        } else {
          polls.push(poll(account.id));
        }
      }
      arm();
      await Promise.all(polls);
    },

    schedule() {
      const accounts = new Map(deps.accounts().map((a) => [a.id, a]));
      return [...slots.entries()].map(([accountId, slot]) => toScheduleEntry(accountId, slot, accounts.get(accountId)));
    },

    nextPollAtMs: () => (state.started && !state.stopped ? earliestDue(state) : null),

    notifyStatuslineReading(accountId, atMs) {
      const slot = slots.get(accountId);
      if (!slot) return;
      slot.nextPollAtMs = Math.max(slot.nextPollAtMs, atMs + jitteredIntervalOf(state, findAccount(state, accountId)));
      arm();
    },

    tokenChanged(accountId) {
      const slot = slots.get(accountId);
      if (!slot || !slot.blockedByAuth) return;
      slot.blockedByAuth = false;
      slot.nextPollAtMs = clock.now();
      arm();
    },
  };
}

/**
 * Polls every account's usage on one staggered, jittered timer with per-account backoff
 * (PRODUCT §6). Timing rules live in poll-timing.ts; this file owns the timer and the state.
 */
import type { TimerHandle } from '../ports.js';
import { createConcurrencyGate } from './concurrency-gate.js';
import {
  decideBackoff,
  START_CATCH_UP_WINDOW_MS,
  TRANSIENT_BACKOFF_START_MS,
  toInitialOffsetMs,
  toJitteredIntervalMs,
} from './poll-timing.js';
import type { PollerAccount, PollScheduleEntry, UsagePoller, UsagePollerDeps } from './poller-types.js';

export type { PollerAccount, PollerSettings, PollScheduleEntry, UsagePoller, UsagePollerDeps } from './poller-types.js';

/** At most this many usage calls run at once, whatever is due. */
export const MAX_CONCURRENT_POLLS = 2;

interface Slot {
  nextPollAtMs: number;
  rateLimitedUntilMs: number | null;
  rateLimitStreak: number;
  errorStreak: number;
  blockedByAuth: boolean;
  lastPollAtMs: number | null;
  inFlight: Promise<void> | null;
}

/** Creates the poller. Nothing runs until {@link UsagePoller.start}. */
export function createUsagePoller(deps: UsagePollerDeps): UsagePoller {
  const { clock, random, logger } = deps;
  const slots = new Map<string, Slot>();
  let started = false;
  let stopped = false;
  let timer: TimerHandle | null = null;
  const gate = createConcurrencyGate(MAX_CONCURRENT_POLLS);

  const intervalOf = (account: PollerAccount | undefined): number => {
    const s = deps.settings();
    return account?.active ? s.activePollIntervalMs : s.parkedPollIntervalMs;
  };
  const findAccount = (id: string) => deps.accounts().find((a) => a.id === id);
  const eligible = (a: PollerAccount) => a.enabled && a.pollable;
  const dueAt = (slot: Slot) => Math.max(slot.nextPollAtMs, slot.rateLimitedUntilMs ?? -Infinity);
  const jittered = (account: PollerAccount | undefined) =>
    toJitteredIntervalMs(intervalOf(account), deps.settings().pollJitterRatio, random);

  const newSlot = (nextPollAtMs: number): Slot => ({
    nextPollAtMs,
    rateLimitedUntilMs: null,
    rateLimitStreak: 0,
    errorStreak: 0,
    blockedByAuth: false,
    lastPollAtMs: null,
    inFlight: null,
  });

  /** Adds slots for new accounts (first poll within a jitter of now) and drops removed ones. */
  const sync = (): void => {
    const now = clock.now();
    const ids = new Set<string>();
    for (const account of deps.accounts()) {
      ids.add(account.id);
      if (!slots.has(account.id)) {
        const offsetMs = intervalOf(account) * deps.settings().pollJitterRatio * random();
        slots.set(account.id, newSlot(now + Math.round(offsetMs)));
      }
    }
    for (const id of slots.keys()) if (!ids.has(id)) slots.delete(id);
  };

  const earliestDue = (): number | null => {
    let earliest: number | null = null;
    for (const account of deps.accounts()) {
      const slot = slots.get(account.id);
      if (!slot || !eligible(account) || slot.blockedByAuth || slot.inFlight) continue;
      const due = dueAt(slot);
      if (earliest === null || due < earliest) earliest = due;
    }
    return earliest;
  };

  /** (Re)arms the single timer for the earliest due account. */
  const arm = (): void => {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    if (!started || stopped) return;
    sync();
    const due = earliestDue();
    if (due === null) return;
    timer = clock.setTimeout(onTimer, Math.max(0, due - clock.now()));
  };

  const onTimer = (): void => {
    timer = null;
    try {
      const now = clock.now();
      sync();
      const due = deps
        .accounts()
        .filter((a) => eligible(a))
        .map((a) => ({ id: a.id, slot: slots.get(a.id) }))
        .filter((x): x is { id: string; slot: Slot } => !!x.slot && !x.slot.blockedByAuth && !x.slot.inFlight)
        .filter((x) => dueAt(x.slot) <= now)
        .sort((a, b) => dueAt(a.slot) - dueAt(b.slot));
      for (const { id } of due) void startPoll(id);
    } catch (e) {
      logger.error('usage poller tick failed', { error: String(e) });
    }
    try {
      arm();
    } catch (e) {
      logger.error('usage poller could not re-arm its timer', { error: String(e) });
    }
  };

  const startPoll = (id: string): Promise<void> => {
    const slot = slots.get(id);
    if (!slot) return Promise.resolve();
    if (slot.inFlight) return slot.inFlight;
    const poll = gate
      .run(async () => {
        if (!stopped) await pollOnce(id, slot);
      })
      .catch((e: unknown) => {
        // Not expected (ports return Results), but an overdue slot must not re-fire at once, forever.
        slot.nextPollAtMs = clock.now() + TRANSIENT_BACKOFF_START_MS;
        logger.error('usage poll failed unexpectedly', { accountId: id, error: String(e) });
      })
      .finally(() => {
        slot.inFlight = null;
        try {
          arm();
        } catch (e) {
          logger.error('usage poller could not re-arm its timer', { error: String(e) });
        }
      });
    slot.inFlight = poll;
    return poll;
  };

  const pollOnce = async (id: string, slot: Slot): Promise<void> => {
    const token = await deps.getAccessToken(id);
    if (token === null) {
      logger.warn('no stored access token; usage poll skipped', { accountId: id });
      slot.nextPollAtMs = clock.now() + jittered(findAccount(id));
      return;
    }
    slot.lastPollAtMs = clock.now();
    const result = await deps.client.getUsage(token);
    const atMs = clock.now();
    const account = findAccount(id);
    if (result.ok) {
      Object.assign(slot, { rateLimitStreak: 0, errorStreak: 0, rateLimitedUntilMs: null });
      slot.nextPollAtMs = atMs + jittered(account);
      safely(() => deps.onReading(id, result.value, atMs), 'onReading', id);
      return;
    }
    const backoff = decideBackoff(result.error, slot, intervalOf(account), deps.settings().parkedPollIntervalMs);
    if (backoff.kind === 'unauthorized') {
      slot.blockedByAuth = true;
      logger.warn('usage poll unauthorized; polling stops until the token changes', { accountId: id });
    } else if (backoff.kind === 'rate-limited') {
      slot.rateLimitStreak++;
      slot.rateLimitedUntilMs = atMs + backoff.delayMs;
      slot.nextPollAtMs = slot.rateLimitedUntilMs;
      logger.warn('usage poll rate-limited', { accountId: id, retryInMs: backoff.delayMs });
    } else {
      slot.errorStreak++;
      slot.nextPollAtMs = atMs + backoff.delayMs;
      logger.warn('usage poll failed', { accountId: id, kind: result.error.kind, retryInMs: backoff.delayMs });
    }
    safely(() => deps.onFailure(id, result.error, atMs), 'onFailure', id);
  };

  const safely = (fn: () => void, what: string, accountId: string): void => {
    try {
      fn();
    } catch (e) {
      logger.error(`usage poller ${what} listener threw`, { accountId, error: String(e) });
    }
  };

  return {
    start() {
      if (started && !stopped) return;
      started = true;
      stopped = false;
      const now = clock.now();
      const { pollJitterRatio } = deps.settings();
      // Active account first: its figures matter most, and it then never shares a slot with another.
      const accounts = [...deps.accounts()].sort((a, b) => Number(b.active) - Number(a.active) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      // Accounts read within their interval (cached figures) keep their cadence; the rest catch up
      // soon, spread over a short window instead of a whole interval.
      const fresh = accounts.filter((a) => a.lastReadAtMs != null && now - a.lastReadAtMs < intervalOf(a));
      const catchUp = accounts.filter((a) => !fresh.includes(a));
      const place = (account: PollerAccount, nextPollAtMs: number) => {
        const slot = slots.get(account.id) ?? newSlot(now);
        slot.nextPollAtMs = nextPollAtMs;
        slots.set(account.id, slot);
      };
      catchUp.forEach((account, index) => {
        const windowMs = Math.min(intervalOf(account), START_CATCH_UP_WINDOW_MS);
        // The first (the active account when it needs reading) goes at once: nothing to collide with.
        const offsetMs = index === 0 ? 0 : toInitialOffsetMs(index, catchUp.length, windowMs, pollJitterRatio, random);
        place(account, now + offsetMs);
      });
      for (const account of fresh) place(account, (account.lastReadAtMs ?? now) + jittered(account));
      arm();
    },

    async stop() {
      stopped = true;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      await Promise.allSettled([...slots.values()].map((s) => s.inFlight).filter((p) => p !== null));
    },

    async pollNow(accountId) {
      if (stopped) return;
      sync();
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
          polls.push(startPoll(account.id));
        }
      }
      arm();
      await Promise.all(polls);
    },

    schedule() {
      const accounts = new Map(deps.accounts().map((a) => [a.id, a]));
      return [...slots.entries()].map(([accountId, slot]): PollScheduleEntry => {
        const account = accounts.get(accountId);
        const off = !account || !eligible(account) || slot.blockedByAuth;
        const rateLimited = slot.rateLimitedUntilMs !== null;
        return {
          accountId,
          nextPollAtMs: off ? null : dueAt(slot),
          backoffUntilMs: slot.blockedByAuth
            ? null
            : rateLimited
              ? slot.rateLimitedUntilMs
              : slot.errorStreak > 0
                ? slot.nextPollAtMs
                : null,
          backoffReason: slot.blockedByAuth ? 'unauthorized' : rateLimited ? 'rate-limited' : slot.errorStreak > 0 ? 'error' : null,
          lastPollAtMs: slot.lastPollAtMs,
          polling: slot.inFlight !== null,
        };
      });
    },

    nextPollAtMs: () => (started && !stopped ? earliestDue() : null),

    notifyStatuslineReading(accountId, atMs) {
      const slot = slots.get(accountId);
      if (!slot) return;
      slot.nextPollAtMs = Math.max(slot.nextPollAtMs, atMs + jittered(findAccount(accountId)));
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

/**
 * The usage poller's state: one slot per account (when it is due, its backoff, whether a poll is in
 * flight), the single timer, and the rules that read them (who is eligible, who is due first).
 */
import type { TimerHandle } from '../ports.js';
import type { ConcurrencyGate } from './concurrency-gate.js';
import { toJitteredIntervalMs } from './poll-timing.js';
import type { PollerAccount, PollScheduleEntry, UsagePollerDeps } from './poller-types.js';

/** One account's place in the schedule. */
export interface Slot {
  nextPollAtMs: number;
  rateLimitedUntilMs: number | null;
  rateLimitStreak: number;
  errorStreak: number;
  blockedByAuth: boolean;
  lastPollAtMs: number | null;
  inFlight: Promise<void> | null;
}

export interface PollerState {
  readonly deps: UsagePollerDeps;
  readonly slots: Map<string, Slot>;
  /** Bounds how many usage calls run at once. */
  readonly gate: ConcurrencyGate;
  started: boolean;
  stopped: boolean;
  timer: TimerHandle | null;
}

/** A slot with no history, first due at `nextPollAtMs`. */
export function newSlot(nextPollAtMs: number): Slot {
  return {
    nextPollAtMs,
    rateLimitedUntilMs: null,
    rateLimitStreak: 0,
    errorStreak: 0,
    blockedByAuth: false,
    lastPollAtMs: null,
    inFlight: null,
  };
}

/** When the slot may be polled: its next poll, or later while rate-limited. */
export const dueAt = (slot: Slot): number => Math.max(slot.nextPollAtMs, slot.rateLimitedUntilMs ?? -Infinity);

/** Enabled accounts with a login that can be polled. */
export const eligible = (account: PollerAccount): boolean => account.enabled && account.pollable;

/** The account's polling interval: the active account's or the parked one's. */
export function intervalOf(state: PollerState, account: PollerAccount | undefined): number {
  const settings = state.deps.settings();
  return account?.active ? settings.activePollIntervalMs : settings.parkedPollIntervalMs;
}

/** The account's interval with jitter applied. */
export function jitteredIntervalOf(state: PollerState, account: PollerAccount | undefined): number {
  return toJitteredIntervalMs(intervalOf(state, account), state.deps.settings().pollJitterRatio, state.deps.random);
}

export function findAccount(state: PollerState, id: string): PollerAccount | undefined {
  return state.deps.accounts().find((a) => a.id === id);
}

/** Adds slots for new accounts (first poll within a jitter of now) and drops removed ones. */
export function syncSlots(state: PollerState): void {
  const { deps, slots } = state;
  const now = deps.clock.now();
  const ids = new Set<string>();
  for (const account of deps.accounts()) {
    ids.add(account.id);
    if (!slots.has(account.id)) {
      const offsetMs = intervalOf(state, account) * deps.settings().pollJitterRatio * deps.random();
      slots.set(account.id, newSlot(now + Math.round(offsetMs)));
    }
  }
  for (const id of slots.keys()) if (!ids.has(id)) slots.delete(id);
}

/** Whether the account's slot is waiting for its turn (eligible, not blocked, not in flight). */
function waiting(slot: Slot | undefined, account: PollerAccount): slot is Slot {
  return !!slot && eligible(account) && !slot.blockedByAuth && !slot.inFlight;
}

/** The earliest time any waiting account is due; null when none waits. */
export function earliestDue(state: PollerState): number | null {
  let earliest: number | null = null;
  for (const account of state.deps.accounts()) {
    const slot = state.slots.get(account.id);
    if (!waiting(slot, account)) continue;
    const due = dueAt(slot);
    if (earliest === null || due < earliest) earliest = due;
  }
  return earliest;
}

/** The ids of the waiting accounts due by `nowMs`, most overdue first. */
export function dueAccountIds(state: PollerState, nowMs: number): string[] {
  return state.deps
    .accounts()
    .filter((a) => eligible(a))
    .map((a) => ({ id: a.id, slot: state.slots.get(a.id) }))
    .filter((x): x is { id: string; slot: Slot } => !!x.slot && !x.slot.blockedByAuth && !x.slot.inFlight)
    .filter((x) => dueAt(x.slot) <= nowMs)
    .sort((a, b) => dueAt(a.slot) - dueAt(b.slot))
    .map((x) => x.id);
}

/** How the schedule shows one slot (`account` undefined when it was removed). */
export function toScheduleEntry(accountId: string, slot: Slot, account: PollerAccount | undefined): PollScheduleEntry {
  const off = !account || !eligible(account) || slot.blockedByAuth;
  const rateLimited = slot.rateLimitedUntilMs !== null;
  return {
    accountId,
    nextPollAtMs: off ? null : dueAt(slot),
    backoffUntilMs: slot.blockedByAuth ? null : rateLimited ? slot.rateLimitedUntilMs : slot.errorStreak > 0 ? slot.nextPollAtMs : null,
    backoffReason: slot.blockedByAuth ? 'unauthorized' : rateLimited ? 'rate-limited' : slot.errorStreak > 0 ? 'error' : null,
    lastPollAtMs: slot.lastPollAtMs,
    polling: slot.inFlight !== null,
  };
}

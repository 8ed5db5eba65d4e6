/**
 * One usage poll of one account: through the concurrency gate, token, HTTP call, then the slot's
 * next due time and backoff from the result, and the reading or failure handed to the engine.
 */
import { decideBackoff, TRANSIENT_BACKOFF_START_MS } from './poll-timing.js';
import { findAccount, intervalOf, jitteredIntervalOf, type PollerState, type Slot } from './poller-state.js';

/**
 * Starts polling account `id` unless a poll of it is already in flight (then shares it). `rearm` runs
 * when the poll settled, so the timer can be set for the next due account.
 */
export function startPoll(state: PollerState, id: string, rearm: () => void): Promise<void> {
  const { clock, logger } = state.deps;
  const slot = state.slots.get(id);
  if (!slot) return Promise.resolve();
  if (slot.inFlight) return slot.inFlight;
  const poll = state.gate
    .run(async () => {
      if (!state.stopped) await pollOnce(state, id, slot);
    })
    .catch((e: unknown) => {
      // Not expected (ports return Results), but an overdue slot must not re-fire at once, forever.
      slot.nextPollAtMs = clock.now() + TRANSIENT_BACKOFF_START_MS;
      logger.error('usage poll failed unexpectedly', { accountId: id, error: String(e) });
    })
    .finally(() => {
      slot.inFlight = null;
      try {
        rearm();
      } catch (e) {
        logger.error('usage poller could not re-arm its timer', { error: String(e) });
      }
    });
  slot.inFlight = poll;
  return poll;
}

async function pollOnce(state: PollerState, id: string, slot: Slot): Promise<void> {
  const { deps } = state;
  const { clock, logger } = deps;
  const token = await deps.getAccessToken(id);
  if (token === null) {
    logger.warn('no stored access token; usage poll skipped', { accountId: id });
    slot.nextPollAtMs = clock.now() + jitteredIntervalOf(state, findAccount(state, id));
    return;
  }
  slot.lastPollAtMs = clock.now();
  const result = await deps.client.getUsage(token);
  const atMs = clock.now();
  const account = findAccount(state, id);
  if (result.ok) {
    Object.assign(slot, { rateLimitStreak: 0, errorStreak: 0, rateLimitedUntilMs: null });
    slot.nextPollAtMs = atMs + jitteredIntervalOf(state, account);
    safely(state, () => deps.onReading(id, result.value, atMs), 'onReading', id);
    return;
  }
  const backoff = decideBackoff(result.error, slot, intervalOf(state, account), deps.settings().parkedPollIntervalMs);
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
  safely(state, () => deps.onFailure(id, result.error, atMs), 'onFailure', id);
}

function safely(state: PollerState, fn: () => void, what: string, accountId: string): void {
  try {
    fn();
  } catch (e) {
    state.deps.logger.error(`usage poller ${what} listener threw`, { accountId, error: String(e) });
  }
}

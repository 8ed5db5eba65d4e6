/**
 * Limit-hit rescue (issue 9 item 4): a session whose turn ended on the usage limit (`StopFailure`
 * with `error: rate_limit`) has nothing left on the active account, so the engine records that
 * account's 5-hour window at 100 % at once. The rotation policy then switches without dwell time
 * (the account is at 100 %) and the stopped session, now idle, holds nothing back. Once the switch
 * is written, the event log and that session's statusline say its next prompt runs on the new account.
 * This is an input to the policy, not a policy of its own.
 */
import type { EngineEvents } from '../engine-events.js';
import type { UsageCacheEntry } from '../storage/state-schema.js';
import type { LimitHit } from './session-registry.js';

const FIVE_HOURS_MS = 5 * 3_600_000;
/** How long the stopped session's statusline carries the rescue notice. */
export const RESCUE_NOTICE_MS = 10 * 60_000;

export interface LimitRescueDeps {
  readonly nowMs: () => number;
  readonly activeId: () => string | null;
  readonly usageOf: (accountId: string) => UsageCacheEntry | undefined;
  readonly emailOf: (accountId: string) => string;
  /** Records a reading and requests a rotation decision (the engine's `applyReading`). */
  readonly applyReading: (accountId: string, entry: UsageCacheEntry) => void;
  /** Resolves when every requested decision (and its switch) is done. */
  readonly settle: () => Promise<void>;
  readonly events: EngineEvents;
}

export interface LimitRescue {
  hit(hit: LimitHit): Promise<void>;
  /** The statusline notice for `sessionId` after its rescue, or null. */
  noticeFor(sessionId: string): string | null;
}

/** The reading a limit hit stands for: the held figures, with the 5-hour window at 100 %. */
export function limitHitReading(held: UsageCacheEntry | undefined, atMs: number): UsageCacheEntry {
  const reset = held?.fiveHour?.resetsAtMs;
  return {
    fiveHour: { utilizationPct: 100, resetsAtMs: reset !== null && reset !== undefined && reset > atMs ? reset : atMs + FIVE_HOURS_MS },
    sevenDay: held?.sevenDay ?? null,
    extra: held?.extra ?? {},
    readAtMs: atMs,
    figuresAtMs: atMs,
    source: 'statusline',
  };
}

export function createLimitRescue(deps: LimitRescueDeps): LimitRescue {
  const notices = new Map<string, { text: string; untilMs: number }>();
  return {
    async hit(hit) {
      const fromId = deps.activeId();
      if (!fromId) return;
      const session = hit.sessionId.slice(0, 8);
      deps.events.emit('limit-hit', 'warn', `Session ${session} on ${hit.host} hit the usage limit of ${deps.emailOf(fromId)}.`, fromId, {
        sessionId: hit.sessionId,
      });
      deps.applyReading(fromId, limitHitReading(deps.usageOf(fromId), hit.atMs));
      await deps.settle();
      const toId = deps.activeId();
      if (!toId || toId === fromId) return;
      const text = `limit hit on ${deps.emailOf(fromId)} · next prompt runs on ${deps.emailOf(toId)}`;
      for (const [id, n] of notices) if (n.untilMs <= deps.nowMs()) notices.delete(id);
      notices.set(hit.sessionId, { text, untilMs: deps.nowMs() + RESCUE_NOTICE_MS });
      deps.events.emit(
        'limit-rescued',
        'info',
        `Session ${session} hit the usage limit of ${deps.emailOf(fromId)}; switched to ${deps.emailOf(toId)} at once, ` +
          `in ${deps.nowMs() - hit.atMs} ms. Its next prompt runs on ${deps.emailOf(toId)}.`,
        toId,
        { sessionId: hit.sessionId, fromId, toId, rescueMs: deps.nowMs() - hit.atMs },
      );
    },
    noticeFor(sessionId) {
      const n = notices.get(sessionId);
      return n && n.untilMs > deps.nowMs() ? n.text : null;
    },
  };
}

/**
 * Feeds the history from what the engine already publishes: every snapshot (the active account,
 * each account's latest reading, names and plans) and every `account-switched` event. So the
 * engine needs no history-specific code, and a failing history (disk full) never disturbs it:
 * errors are logged once per kind and the engine goes on.
 */
import type { EngineEvent } from '../../shared/event-types.js';
import type { FleetSnapshot, UsageWindowView } from '../../shared/view-model.js';
import type { Logger } from '../ports.js';
import type { HistoryRecorder, RecordedWindow } from './history-types.js';

export interface HistoryFeedDeps {
  readonly recorder: HistoryRecorder;
  readonly subscribeSnapshots: (listener: (snapshot: FleetSnapshot) => void) => () => void;
  readonly subscribeEvents: (listener: (event: EngineEvent) => void) => () => void;
  readonly logger: Logger;
}

function toWindow(w: UsageWindowView): RecordedWindow | null {
  return w.utilizationPct === null && w.resetsAtMs === null ? null : { pct: w.utilizationPct, resetsAtMs: w.resetsAtMs };
}

/** Connects the feed; returns the function that disconnects it. */
export function connectHistoryFeed(deps: HistoryFeedDeps): () => void {
  const { recorder, logger } = deps;
  const recordedAtMs = new Map<string, number>();
  let activeId: string | null = null;
  let failing = false;
  const guard = (what: string, fn: () => void) => {
    try {
      fn();
      failing = false;
    } catch (e) {
      if (!failing) logger.error(`history: could not record ${what}`, { reason: e instanceof Error ? e.message : String(e) });
      failing = true;
    }
  };

  const onSnapshot = (snapshot: FleetSnapshot) =>
    guard('a reading', () => {
      recorder.setActive(snapshot.activeAccountId, snapshot.generatedAtMs);
      activeId = snapshot.activeAccountId;
      for (const row of snapshot.accounts) {
        recorder.noteAccount({ id: row.id, email: row.email, label: row.label, plan: row.plan }, snapshot.generatedAtMs);
        const atMs = row.usageReadAtMs;
        if (atMs === null || recordedAtMs.get(row.id) === atMs) continue;
        recordedAtMs.set(row.id, atMs);
        recorder.recordReading(row.id, {
          atMs,
          source: row.usageSource ?? 'poll',
          fiveHour: toWindow(row.fiveHour),
          sevenDay: toWindow(row.sevenDay),
        });
      }
    });

  const onEvent = (event: EngineEvent) => {
    if (event.kind !== 'account-switched' || !event.accountId) return;
    const toId = event.accountId;
    const trigger = event.data?.['trigger'];
    const deferredForMs = event.data?.['deferredForMs'];
    guard('a switch', () =>
      recorder.recordSwitch({
        atMs: event.atMs,
        fromId: activeId === toId ? null : activeId,
        toId,
        trigger: typeof trigger === 'string' ? trigger : 'unknown',
        deferralWaitMs: typeof deferredForMs === 'number' ? deferredForMs : 0,
      }),
    );
  };

  const unsubscribers = [deps.subscribeSnapshots(onSnapshot), deps.subscribeEvents(onEvent)];
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}

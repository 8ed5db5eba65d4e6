/**
 * Opens the fleet's history (`history.db` in the data dir) for a monitor that runs the fleet, and
 * connects it to the engine's snapshots and events. A damaged database is moved aside and
 * reported in the event log; a history that cannot be opened at all is reported and left out —
 * the monitor runs on without it.
 */
import { join } from 'node:path';
import {
  type Clock,
  connectHistoryFeed,
  createHistoryStore,
  type Engine,
  type EventLog,
  HISTORY_FILE,
  type HistoryStore,
  type Logger,
  openHistoryDb,
} from '../engine/index.js';
import { fillDemoHistory } from '../demo/demo-history.js';

export interface OpenedHistory {
  readonly store: HistoryStore;
  /** Disconnects the feed and closes the database. Idempotent. */
  close(): void;
}

export function openHistory(options: {
  readonly dataDir: string;
  readonly engine: Engine;
  readonly eventLog: EventLog;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Fill a few weeks of simulated history first (demo mode). */
  readonly demo: boolean;
}): OpenedHistory | null {
  const { clock, logger, eventLog } = options;
  const path = join(options.dataDir, HISTORY_FILE);
  let store: HistoryStore;
  try {
    const { db, report } = openHistoryDb(path, clock.now());
    if (report.kind === 'corrupt') {
      const message = `The history database was damaged (${report.reason}); it was kept as ${report.backupPath} and a new one was started.`;
      eventLog.append({ atMs: clock.now(), kind: 'settings-corrupt', level: 'error', message, data: { backupPath: report.backupPath } });
      logger.error('history.db was damaged and has been moved aside', { backupPath: report.backupPath, reason: report.reason });
    }
    store = createHistoryStore(db);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    logger.error('could not open the history database; running without history', { path, reason });
    eventLog.append({
      atMs: clock.now(),
      kind: 'settings-corrupt',
      level: 'error',
      message: `Could not open the history database ${path} (${reason}); no history is recorded.`,
    });
    return null;
  }
  if (options.demo) {
    const accounts = options.engine.snapshot().accounts;
    for (const a of accounts) store.noteAccount({ id: a.id, email: a.email, label: a.label, plan: a.plan }, clock.now());
    fillDemoHistory(
      store,
      accounts.map((a) => ({ id: a.id, plan: a.plan })),
      clock.now() - 60_000,
    );
  }
  const disconnect = connectHistoryFeed({
    recorder: store,
    subscribeSnapshots: (listener) => options.engine.subscribe(listener),
    subscribeEvents: (listener) => eventLog.subscribe(listener),
    logger,
  });
  let closed = false;
  return {
    store,
    close() {
      if (closed) return;
      closed = true;
      disconnect();
      store.close();
    },
  };
}

/**
 * Native notifications: the Electron-backed {@link Notifier} port, and the watcher that feeds each
 * new snapshot (and the events since the last one) through `toNotifications` and shows the result
 * when the `notifications` setting is on.
 */
import type { EngineEvent } from '../../shared/event-types.js';
import type { FleetSnapshot } from '../../shared/view-model.js';
import type { Clock, Engine, Logger, Notifier } from '../../engine/index.js';
import { EMPTY_NOTICE_MEMORY, toNotifications, type NoticeMemory } from './decide-notifications.js';

/** The slice of Electron's `Notification` the notifier needs (built in `main.ts`). */
export interface NotificationPort {
  isSupported(): boolean;
  show(title: string, body: string): void;
}

/** The engine's {@link Notifier} port over Electron notifications; never throws. */
export function createElectronNotifier(port: NotificationPort, logger: Logger): Notifier {
  return {
    notify(title, body) {
      try {
        if (port.isSupported()) port.show(title, body);
        else logger.info('notifications are not supported here', { title });
      } catch (error) {
        logger.warn('could not show a notification', { title, error: error instanceof Error ? error.message : String(error) });
      }
    },
  };
}

export interface NotificationWatcherDeps {
  readonly engine: Pick<Engine, 'subscribe' | 'snapshot' | 'events'>;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Wall-clock text for "comes back at …"; default: the local weekday and time. */
  readonly formatClock?: (atMs: number) => string;
}

export interface NotificationWatcher {
  /** Stops watching. */
  dispose(): void;
}

/** Watches the engine and announces what `toNotifications` decides. */
export function createNotificationWatcher(deps: NotificationWatcherDeps): NotificationWatcher {
  const formatClock = deps.formatClock ?? defaultFormatClock;
  let prev: FleetSnapshot | null = null;
  let memory: NoticeMemory = EMPTY_NOTICE_MEMORY;
  let eventsSinceMs = deps.clock.now();
  // Events at exactly `eventsSinceMs` are asked for again next time; these keys drop the repeats.
  let seenAtBoundary = new Set<string>();

  const newEvents = (): EngineEvent[] => {
    const fresh = deps.engine.events({ sinceMs: eventsSinceMs, limit: 1000 }).filter((e) => !seenAtBoundary.has(eventKey(e)));
    if (fresh.length === 0) return fresh;
    const newestMs = Math.max(...fresh.map((e) => e.atMs));
    const atNewest = fresh.filter((e) => e.atMs === newestMs).map(eventKey);
    seenAtBoundary = newestMs === eventsSinceMs ? new Set([...seenAtBoundary, ...atNewest]) : new Set(atNewest);
    eventsSinceMs = newestMs;
    return fresh;
  };

  const onSnapshot = (next: FleetSnapshot): void => {
    try {
      const decision = toNotifications({ prev, next, events: newEvents(), memory, nowMs: deps.clock.now(), formatClock });
      prev = next;
      memory = decision.memory;
      if (!next.settings.notifications) return;
      for (const notice of decision.notices) deps.notifier.notify(notice.title, notice.body);
    } catch (error) {
      deps.logger.error('deciding notifications failed', { error: error instanceof Error ? error.message : String(error) });
    }
  };

  const unsubscribe = deps.engine.subscribe(onSnapshot);
  onSnapshot(deps.engine.snapshot());
  return { dispose: unsubscribe };
}

function eventKey(event: EngineEvent): string {
  return `${event.atMs}|${event.kind}|${event.accountId ?? ''}|${event.message}`;
}

function defaultFormatClock(atMs: number): string {
  return new Date(atMs).toLocaleString(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
}

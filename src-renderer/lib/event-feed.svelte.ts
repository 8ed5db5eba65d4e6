/**
 * The event history's data: asks the bridge for events matching the current filter, newest first.
 * At most one request is in flight; asks made meanwhile collapse into one follow-up with the
 * latest filter, so a burst of snapshots never queues a burst of requests.
 */
import type { EventFilter } from '../../src-main/shared/contract.js';
import type { EngineEvent } from '../../src-main/shared/event-types.js';
import type { DashboardBridge } from './bridge-types.js';

/** How many events the history shows. */
export const EVENT_PAGE_SIZE = 200;

export interface KeyedEvent {
  /** Unique within the list and stable as newer events arrive on top. */
  readonly key: string;
  readonly event: EngineEvent;
}

/** The events shown by the history panel, reloaded on demand (see the file comment). */
export class EventFeed {
  events = $state.raw<readonly KeyedEvent[]>([]);
  error = $state<string | null>(null);
  readonly #bridge: Pick<DashboardBridge, 'getEvents'>;
  #inFlight = false;
  #queued: EventFilter | null = null;

  constructor(bridge: Pick<DashboardBridge, 'getEvents'>) {
    this.#bridge = bridge;
  }

  /** Loads the events for `filter` (its `limit` defaults to {@link EVENT_PAGE_SIZE}). */
  async load(filter: EventFilter): Promise<void> {
    if (this.#inFlight) {
      this.#queued = filter;
      return;
    }
    this.#inFlight = true;
    try {
      const result = await this.#bridge.getEvents({ limit: EVENT_PAGE_SIZE, ...filter });
      if (result.ok) {
        this.events = toKeyedEvents(result.value);
        this.error = null;
      } else {
        this.error = result.error.message;
      }
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.#inFlight = false;
    }
    const next = this.#queued;
    this.#queued = null;
    if (next !== null) await this.load(next);
  }
}

/**
 * Sorts events newest first and gives each a key from its content, counting repeats from the
 * oldest end so that keys of existing events do not change when new ones are added on top.
 */
export function toKeyedEvents(events: readonly EngineEvent[]): KeyedEvent[] {
  const sorted = [...events].sort((a, b) => b.atMs - a.atMs);
  const seen = new Map<string, number>();
  const keyed: KeyedEvent[] = new Array(sorted.length);
  for (let i = sorted.length - 1; i >= 0; i--) {
    const event = sorted[i] as EngineEvent;
    const base = `${event.atMs}|${event.kind}|${event.accountId ?? ''}|${event.message}`;
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    keyed[i] = { key: `${base}#${count}`, event };
  }
  return keyed;
}

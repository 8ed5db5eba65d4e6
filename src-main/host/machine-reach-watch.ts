/**
 * Watches a hub's machines for one that has been out of reach longer than its login allows
 * (`shared/machine-reach.ts` decides) and says so once per outage: a `machine-out-of-reach` event
 * (the tray turns it into one notification), then a snapshot re-publish. Checks on every change of
 * the machines and every `everyMs` (a disconnected machine changes nothing while its login runs out).
 */
import type { Clock, EventSink, Logger, MachinesSource, TimerHandle } from '../engine/index.js';
import { formatDuration } from '../shared/format.js';
import { decideOutOfReach } from '../shared/machine-reach.js';

export interface MachineReachWatch {
  /** Checks now (also what the timer and every change do). */
  check(): void;
  dispose(): void;
}

export function watchMachineReach(deps: {
  readonly source: Pick<MachinesSource, 'list' | 'subscribe'>;
  readonly clock: Clock;
  readonly events: EventSink;
  readonly logger: Logger;
  /** Re-publishes the snapshot after an event (the tray reads events on each snapshot). */
  readonly changed: () => void;
  /** Default 60 s. */
  readonly everyMs?: number;
  /** The first check, soon after start (a hub restarted long after a machine left); default 2 s. */
  readonly firstCheckMs?: number;
}): MachineReachWatch {
  const { clock } = deps;
  const everyMs = deps.everyMs ?? 60_000;
  let announced: ReadonlySet<string> = new Set();
  let timer: TimerHandle | null = null;
  let disposed = false;

  const check = (): void => {
    if (disposed) return;
    try {
      const nowMs = clock.now();
      const decision = decideOutOfReach(deps.source.list(), nowMs, announced);
      announced = decision.announced;
      for (const m of decision.newlyOutOfReach) {
        deps.events.append({
          atMs: nowMs,
          kind: 'machine-out-of-reach',
          level: 'warn',
          message:
            `${m.host} has been out of reach for ${formatDuration(nowMs - m.lastSeenMs)}, longer than the login it holds lasts: ` +
            'its Claude Code cannot make requests until it reconnects to this hub (nothing is revoked).',
          ...(m.held ? { accountId: m.held.accountId } : {}),
          data: { machineId: m.id, host: m.host, lastSeenMs: m.lastSeenMs },
        });
      }
      if (decision.newlyOutOfReach.length > 0) deps.changed();
    } catch (error) {
      deps.logger.error('checking whether machines are out of reach failed', { error: String(error) });
    }
  };
  const arm = (afterMs: number): void => {
    timer = clock.setTimeout(() => {
      check();
      if (!disposed) arm(everyMs);
    }, afterMs);
  };
  // A change of the machines is checked after the change settles (the list may be mid-update).
  const unsubscribe = deps.source.subscribe(() => void Promise.resolve().then(check));
  arm(deps.firstCheckMs ?? 2_000);
  return {
    check,
    dispose() {
      disposed = true;
      unsubscribe();
      if (timer !== null) clock.clearTimeout(timer);
    },
  };
}

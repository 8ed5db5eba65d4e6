/** What the registry's steps (`registry-apply.ts`, `registry-sweep.ts`) share: its settings, table, listeners and events. */
import type { ActiveAccountPort, Clock, Logger } from '../ports.js';
import type { createSessionEvents } from './session-events.js';
import type { RegistryListeners } from './registry-listeners.js';
import type { SessionTable } from './session-table.js';

/** What applying a message did; `full` means a new session was refused. */
export type ApplyOutcome = 'applied' | 'ignored' | 'full';

/** The registry's timings, defaults applied (see `SessionRegistryOptions`). */
export interface RegistryTimings {
  readonly pruneAfterMs: number;
  readonly sweepEveryMs: number;
  readonly toolCeilingMs: number;
}

export interface RegistryState {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly activeAccount: ActiveAccountPort;
  readonly timings: RegistryTimings;
  readonly table: SessionTable;
  readonly listeners: RegistryListeners;
  readonly events: ReturnType<typeof createSessionEvents>;
  disposed: boolean;
}

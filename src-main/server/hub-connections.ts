/**
 * The machines hub's live connections and the login it assigns: sending the assignment once per
 * connection, and waiting (bounded) for a connection to confirm it holds it. Shared by the hub's
 * factory (`machines-hub.ts`) and its message handler (`hub-messages.ts`).
 */
import type { WebSocket } from 'ws';
import type { Clock, EventSink } from '../engine/index.js';
import { AGENT_PROTOCOL_VERSION, type HeldLogin, type HubMessage, toAgentLogin } from '../shared/machines-protocol.js';
import type { Assignment } from './assignment-source.js';
import type { MachineRegistry } from './machine-registry.js';

export interface Connection {
  readonly ws: WebSocket;
  machineId: string | null;
  held: HeldLogin | null;
  pushedAtMs: number | null;
  /** `accountId:generation` last sent, so one assignment is sent once per connection. */
  sent: string | null;
  lagging: boolean;
  /** Resolvers waiting for this connection to hold the current assignment. */
  waiters: (() => void)[];
}

export type MachineEventKind = 'machine-connected' | 'machine-lost' | 'machine-lagging';

/** What the hub's parts share: the connections, the current assignment and its generation. */
export interface HubState {
  readonly connections: Set<Connection>;
  assigned: Assignment | null;
  generation: number;
  disposed: boolean;
}

export interface HubConnections {
  readonly state: HubState;
  newConnection(ws: WebSocket): Connection;
  holdsCurrent(c: Connection): boolean;
  /** Sends the current assignment unless the connection holds it or was already sent it. */
  push(c: Connection): void;
  /** Wakes everyone waiting on the connection. */
  release(c: Connection): void;
  /** Resolves when the connection holds the assignment, or after `ackTimeoutMs` (then it is lagging). */
  waitFor(c: Connection): Promise<void>;
  event(kind: MachineEventKind, level: 'info' | 'warn', id: string, message: string): void;
  /** What `list()` shows changed (a machine connected, left, confirmed a login or lags). */
  changed(): void;
  hostOf(id: string | null): string;
}

export function createHubConnections(deps: {
  readonly registry: MachineRegistry;
  readonly clock: Clock;
  readonly events: EventSink;
  readonly ackTimeoutMs: number;
  readonly onChange?: () => void;
}): HubConnections {
  const { registry, clock, ackTimeoutMs } = deps;
  const state: HubState = { connections: new Set(), assigned: null, generation: 0, disposed: false };

  const changed = (): void => deps.onChange?.();
  const event = (kind: MachineEventKind, level: 'info' | 'warn', id: string, message: string): void => {
    deps.events.append({ atMs: clock.now(), kind, level, message, data: { machineId: id } });
    changed();
  };
  const hostOf = (id: string | null): string => (id === null ? 'an unknown machine' : (registry.machine(id)?.host ?? id));
  const holdsCurrent = (c: Connection): boolean => {
    const { assigned, generation } = state;
    return assigned === null || (c.held !== null && c.held.accountId === assigned.accountId && c.held.generation >= generation);
  };

  const release = (c: Connection): void => {
    const waiters = c.waiters;
    c.waiters = [];
    for (const w of waiters) w();
  };

  const push = (c: Connection): void => {
    const { assigned, generation } = state;
    if (assigned === null || c.machineId === null || holdsCurrent(c)) return;
    const key = `${assigned.accountId}:${generation}`;
    if (c.sent === key) return;
    c.sent = key;
    c.pushedAtMs = clock.now();
    // Typed as the protocol's message, and stripped again: an agent is never sent a refresh token.
    const message: HubMessage = {
      v: AGENT_PROTOCOL_VERSION,
      type: 'login',
      accountId: assigned.accountId,
      generation,
      login: toAgentLogin(assigned.login),
      identity: assigned.identity,
    };
    c.ws.send(JSON.stringify(message));
  };

  const waitFor = (c: Connection): Promise<void> =>
    new Promise<void>((resolve) => {
      if (holdsCurrent(c) || c.ws.readyState !== c.ws.OPEN) return resolve();
      const timer = clock.setTimeout(() => {
        if (!holdsCurrent(c) && !c.lagging) {
          c.lagging = true;
          const host = hostOf(c.machineId);
          event(
            'machine-lagging',
            'warn',
            c.machineId ?? 'unknown',
            `${host} did not confirm the new login within ${ackTimeoutMs / 1000} s.`,
          );
        }
        resolve();
      }, ackTimeoutMs);
      c.waiters.push(() => {
        clock.clearTimeout(timer);
        resolve();
      });
    });

  return {
    state,
    newConnection: (ws) => ({ ws, machineId: null, held: null, pushedAtMs: null, sent: null, lagging: false, waiters: [] }),
    holdsCurrent,
    push,
    release,
    waitFor,
    event,
    changed,
    hostOf,
  };
}

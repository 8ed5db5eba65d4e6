/**
 * The hub side of several machines: the authenticated `/agent` WebSocket. Every connected agent is
 * sent the login the hub assigns (the one this machine's Claude Code holds, with its account's
 * generation), on connect, on a switch and on a refresh; it answers `ack` after verifying its
 * write. `settle()` — awaited before a heartbeat ack — waits until every connected machine holds
 * the current login, at most `ackTimeoutMs`; a machine that has not answered by then is lagging.
 * A token is required on every upgrade (compared in constant time by `decideAccess`); a refusal is
 * said with a named close code. Logins never reach a log or an event.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { agentPeer, type Clock, type EventSink, type Logger } from '../engine/index.js';
import { AgentCloseCode, parseAgentMessage } from '../shared/machines-protocol.js';
import type { MachineView } from '../shared/machines-view.js';
import type { AccessDecision } from './access.js';
import type { AssignmentSource } from './assignment-source.js';
import { createHubConnections, type Connection, type HubState } from './hub-connections.js';
import { createHubMessageHandler } from './hub-messages.js';
import type { MachineRegistry } from './machine-registry.js';
import { createConnectionRelay, type ConnectionRelay, type RelayCore } from './hub-relay.js';

export interface MachinesHubOptions {
  readonly registry: MachineRegistry;
  readonly source: AssignmentSource;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: EventSink;
  readonly hubVersion: string;
  /** How long a push may stay unacknowledged before the machine counts as lagging; default 3 s. */
  readonly ackTimeoutMs?: number;
  /** What `list()` shows changed (for the snapshot). */
  readonly onChange?: () => void;
}

export interface MachinesHub {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, access: AccessDecision): void;
  /** Re-reads the assigned login and pushes it if it changed (calls while one runs join it). */
  sync(): Promise<void>;
  /** `sync()`, then waits (bounded by `ackTimeoutMs`) for every connected machine to hold the assigned login. */
  settle(): Promise<void>;
  list(nowMs?: number): readonly MachineView[];
  /** Feeds the machines' relayed hooks and statusline into this heartbeat core (the hub's own `/heartbeat`). */
  relayHeartbeats(core: RelayCore): void;
  /** Revokes a machine: closes its connection and refuses it from now on. False when unknown. */
  revoke(id: string): boolean;
  dispose(): Promise<void>;
}

export function createMachinesHub(options: MachinesHubOptions): MachinesHub {
  const { registry, source, clock, logger } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, perMessageDeflate: false });
  const hub = createHubConnections({
    registry,
    clock,
    events: options.events,
    ackTimeoutMs: options.ackTimeoutMs ?? 3_000,
    ...(options.onChange ? { onChange: options.onChange } : {}),
  });
  const { state } = hub;

  let syncing: Promise<void> | null = null;
  const refreshAssignment = (): Promise<void> =>
    (syncing ??= readAssignment()
      .catch((error: unknown) => logger.error('could not read the login to assign', { error: String(error) }))
      .finally(() => {
        syncing = null;
      }));
  const readAssignment = async (): Promise<void> => {
    const next = await source.current();
    if (next === null) return;
    const { assigned } = state;
    if (assigned && next.accountId === assigned.accountId && next.fingerprint === assigned.fingerprint) return;
    state.assigned = next;
    state.generation = registry.generationFor(next.accountId, next.fingerprint);
    for (const c of state.connections) hub.push(c);
  };

  let relayCore: RelayCore | null = null;
  const relays = new Map<Connection, ConnectionRelay>();
  const relayFor = (c: Connection): ConnectionRelay => {
    let relay = relays.get(c);
    if (!relay) {
      const send = (message: object): void => {
        if (c.ws.readyState === c.ws.OPEN) c.ws.send(JSON.stringify(message));
      };
      relay = createConnectionRelay({ core: relayCore, send, peer: agentPeer(c.machineId ?? 'unknown'), logger });
      relays.set(c, relay);
    }
    return relay;
  };

  const onMessage = createHubMessageHandler({
    hub,
    registry,
    source,
    logger,
    hubVersion: options.hubVersion,
    nowMs: () => clock.now(),
    refreshAssignment,
    relayFor,
  });

  const accept = (ws: WebSocket, req: IncomingMessage): void => {
    const c = hub.newConnection(ws);
    state.connections.add(c);
    ws.on('error', (error) => logger.debug('agent socket error', { error: error.message }));
    let chain = Promise.resolve();
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.close(AgentCloseCode.BadMessage, 'binary frames are not accepted');
      const parsed = parseAgentMessage(Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
      if (!parsed.ok) return ws.close(AgentCloseCode.BadMessage, parsed.error);
      chain = chain
        .then(() => onMessage(c, parsed.value, req))
        .catch((error: unknown) => logger.error('agent message failed', { error: String(error) }));
    });
    ws.on('close', () => {
      state.connections.delete(c);
      relays.get(c)?.closeAll();
      relays.delete(c);
      hub.release(c);
      if (c.machineId !== null && !state.disposed) {
        registry.touch(c.machineId, clock.now());
        hub.event('machine-lost', 'warn', c.machineId, `${hub.hostOf(c.machineId)} disconnected; it keeps working on the login it holds.`);
      }
    });
  };

  return {
    handleUpgrade(req, socket, head, access) {
      if (state.disposed) return void socket.destroy();
      wss.handleUpgrade(req, socket, head, (ws) => {
        if (!access.ok)
          return ws.close(access.status === 401 ? AgentCloseCode.Unauthorized : AgentCloseCode.Forbidden, access.message.slice(0, 120));
        if (access.tokenSource === 'none-required' || access.tokenSource === 'loopback-peer') {
          return ws.close(AgentCloseCode.Unauthorized, 'the hub needs a token: start it with --token or CCMAX_TOKEN');
        }
        accept(ws, req);
      });
    },
    sync: refreshAssignment,
    async settle() {
      await refreshAssignment();
      await Promise.all([...state.connections].filter((c) => c.machineId !== null).map(hub.waitFor));
    },
    relayHeartbeats(core) {
      relayCore = core;
    },
    list: (nowMs = clock.now()) => listMachines(registry, state, nowMs),
    revoke(id) {
      const found = registry.revoke(id);
      for (const c of state.connections)
        if (c.machineId === id) c.ws.close(AgentCloseCode.Forbidden, 'this machine was revoked on the hub');
      hub.changed();
      return found;
    },
    async dispose() {
      state.disposed = true;
      for (const c of state.connections) {
        hub.release(c);
        c.ws.close(1001, 'the hub is shutting down');
      }
      const deadline = Date.now() + 300;
      while (wss.clients.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await registry.flush();
    },
  };
}

/** Every machine the registry knows, with what its live connection (if any) holds. */
function listMachines(registry: MachineRegistry, state: HubState, nowMs: number): readonly MachineView[] {
  const live = new Map<string, Connection>();
  for (const c of state.connections) if (c.machineId !== null) live.set(c.machineId, c);
  return [...registry.machines()].map(([id, m]): MachineView => {
    const c = live.get(id);
    const now = c?.held ? { accountId: c.held.accountId, generation: c.held.generation, fingerprint: c.held.fingerprint } : null;
    const held = now ?? m.held ?? null;
    const currentGeneration = held ? registry.generationOf(held.accountId) : null;
    return {
      id,
      host: m.host,
      agentVersion: m.agentVersion,
      connected: c !== undefined,
      lastSeenMs: c ? nowMs : m.lastSeenMs,
      held,
      heldExpiresAtMs: m.heldExpiresAtMs ?? null,
      lagging: c?.lagging ?? false,
      lagMs: c?.pushedAtMs != null ? nowMs - c.pushedAtMs : 0,
      revoked: m.revoked,
      ...(currentGeneration !== null ? { currentGeneration } : {}),
    };
  });
}

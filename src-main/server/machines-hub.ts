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
import type { Clock, EventSink, Logger } from '../engine/index.js';
import {
  AGENT_PROTOCOL_VERSION,
  AgentCloseCode,
  parseAgentMessage,
  type AgentMessage,
  type HeldLogin,
} from '../shared/machines-protocol.js';
import type { MachineView } from '../shared/machines-view.js';
import type { AccessDecision } from './access.js';
import type { MachineRegistry } from './machine-registry.js';
import type { Assignment, AssignmentSource } from './assignment-source.js';

export interface MachinesHubOptions {
  readonly registry: MachineRegistry;
  readonly source: AssignmentSource;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: EventSink;
  readonly hubVersion: string;
  /** How long a push may stay unacknowledged before the machine counts as lagging; default 3 s. */
  readonly ackTimeoutMs?: number;
}

export interface MachinesHub {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, access: AccessDecision): void;
  /** Re-reads the assigned login and pushes it if it changed (calls while one runs join it). */
  sync(): Promise<void>;
  /** `sync()`, then waits (bounded by `ackTimeoutMs`) for every connected machine to hold the assigned login. */
  settle(): Promise<void>;
  list(nowMs?: number): readonly MachineView[];
  /** Revokes a machine: closes its connection and refuses it from now on. False when unknown. */
  revoke(id: string): boolean;
  dispose(): Promise<void>;
}

interface Connection {
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

export function createMachinesHub(options: MachinesHubOptions): MachinesHub {
  const { registry, source, clock, logger } = options;
  const ackTimeoutMs = options.ackTimeoutMs ?? 3_000;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, perMessageDeflate: false });
  const connections = new Set<Connection>();
  let assigned: Assignment | null = null;
  let generation = 0;
  let disposed = false;

  const event = (kind: 'machine-connected' | 'machine-lost' | 'machine-lagging', level: 'info' | 'warn', id: string, message: string) =>
    options.events.append({ atMs: clock.now(), kind, level, message, data: { machineId: id } });
  const hostOf = (id: string | null) => (id === null ? 'an unknown machine' : (registry.machine(id)?.host ?? id));
  const holdsCurrent = (c: Connection) =>
    assigned === null || (c.held !== null && c.held.accountId === assigned.accountId && c.held.generation >= generation);

  const release = (c: Connection): void => {
    const waiters = c.waiters;
    c.waiters = [];
    for (const w of waiters) w();
  };

  const push = (c: Connection): void => {
    if (assigned === null || c.machineId === null || holdsCurrent(c)) return;
    const key = `${assigned.accountId}:${generation}`;
    if (c.sent === key) return;
    c.sent = key;
    c.pushedAtMs = clock.now();
    c.ws.send(
      JSON.stringify({
        v: AGENT_PROTOCOL_VERSION,
        type: 'login',
        accountId: assigned.accountId,
        generation,
        login: assigned.login,
        identity: assigned.identity,
      }),
    );
  };

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
    if (assigned && next.accountId === assigned.accountId && next.fingerprint === assigned.fingerprint) return;
    assigned = next;
    generation = registry.generationFor(next.accountId, next.fingerprint);
    for (const c of connections) push(c);
  };

  const onMessage = async (c: Connection, message: AgentMessage, req: IncomingMessage): Promise<void> => {
    const nowMs = clock.now();
    if (message.type === 'hello') {
      const known = registry.machine(message.machineId);
      if (known?.revoked) {
        c.ws.close(AgentCloseCode.Forbidden, 'this machine was revoked on the hub');
        return;
      }
      for (const other of connections) {
        if (other !== c && other.machineId === message.machineId) other.ws.close(AgentCloseCode.Replaced, 'replaced by a newer connection');
      }
      c.machineId = message.machineId;
      c.held = message.held;
      registry.seen(message.machineId, message.host, message.agentVersion, nowMs);
      event('machine-connected', 'info', message.machineId, `${message.host} connected (agent ${message.agentVersion}).`);
      logger.info('machine connected', { machineId: message.machineId, host: message.host, peer: req.socket.remoteAddress });
      c.ws.send(JSON.stringify({ v: AGENT_PROTOCOL_VERSION, type: 'welcome', hubVersion: options.hubVersion }));
      await refreshAssignment();
      push(c);
      if (holdsCurrent(c)) release(c);
      return;
    }
    if (c.machineId === null) {
      if (message.type !== 'harvest') {
        c.ws.close(AgentCloseCode.BadMessage, 'hello first');
        return;
      }
    } else registry.touch(c.machineId, nowMs);
    if (message.type === 'harvest') {
      const outcome = await source.harvest(message.accountId, message.login);
      logger.info('a machine sent a login its Claude Code refreshed', { machineId: c.machineId, accountId: message.accountId, outcome });
      await refreshAssignment();
      return;
    }
    if (message.type === 'ack') {
      c.held = { accountId: message.accountId, generation: message.generation, fingerprint: message.fingerprint };
      c.pushedAtMs = null;
      if (holdsCurrent(c)) {
        c.lagging = false;
        release(c);
      }
      return;
    }
    logger.warn('a machine refused a login', { machineId: c.machineId, accountId: message.accountId, reason: message.reason });
  };

  const accept = (ws: WebSocket, req: IncomingMessage): void => {
    const c: Connection = { ws, machineId: null, held: null, pushedAtMs: null, sent: null, lagging: false, waiters: [] };
    connections.add(c);
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
      connections.delete(c);
      release(c);
      if (c.machineId !== null && !disposed) {
        registry.touch(c.machineId, clock.now());
        event('machine-lost', 'warn', c.machineId, `${hostOf(c.machineId)} disconnected; it keeps working on the login it holds.`);
      }
    });
  };

  const waitFor = (c: Connection): Promise<void> =>
    new Promise<void>((resolve) => {
      if (holdsCurrent(c) || c.ws.readyState !== c.ws.OPEN) return resolve();
      const timer = clock.setTimeout(() => {
        if (!holdsCurrent(c) && !c.lagging) {
          c.lagging = true;
          event(
            'machine-lagging',
            'warn',
            c.machineId ?? 'unknown',
            `${hostOf(c.machineId)} did not confirm the new login within ${ackTimeoutMs / 1000} s.`,
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
    handleUpgrade(req, socket, head, access) {
      if (disposed) return void socket.destroy();
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
      await Promise.all([...connections].filter((c) => c.machineId !== null).map(waitFor));
    },
    list(nowMs = clock.now()) {
      const live = new Map([...connections].filter((c) => c.machineId !== null).map((c) => [c.machineId ?? '', c]));
      return [...registry.machines()].map(([id, m]): MachineView => {
        const c = live.get(id);
        return {
          id,
          host: m.host,
          agentVersion: m.agentVersion,
          connected: c !== undefined,
          lastSeenMs: c ? nowMs : m.lastSeenMs,
          held: c?.held ?? null,
          lagging: c?.lagging ?? false,
          lagMs: c?.pushedAtMs != null ? nowMs - c.pushedAtMs : 0,
          revoked: m.revoked,
        };
      });
    },
    revoke(id) {
      const found = registry.revoke(id);
      for (const c of connections) if (c.machineId === id) c.ws.close(AgentCloseCode.Forbidden, 'this machine was revoked on the hub');
      return found;
    },
    async dispose() {
      disposed = true;
      for (const c of connections) {
        release(c);
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

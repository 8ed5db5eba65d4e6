/**
 * What the machines hub does with each frame an agent sends: `hello` (register, refuse a revoked
 * machine, replace an older connection of the same machine, send the assignment), `harvest` (a
 * login the machine's Claude Code refreshed goes to the vault first), `ack` (the machine holds a
 * login), `refuse`, and the machine's relayed hook traffic (`relay`, `relay-close`; hub-relay.ts). Logins never reach a log or an event.
 */
import type { IncomingMessage } from 'node:http';
import { fingerprint, type Logger } from '../engine/index.js';
import { AGENT_PROTOCOL_VERSION, AgentCloseCode, type AgentMessage, type HubMessage } from '../shared/machines-protocol.js';
import type { AssignmentSource } from './assignment-source.js';
import type { Connection, HubConnections } from './hub-connections.js';
import type { MachineRegistry } from './machine-registry.js';
import type { ConnectionRelay } from './hub-relay.js';

export interface HubMessageDeps {
  readonly hub: HubConnections;
  readonly registry: MachineRegistry;
  readonly source: AssignmentSource;
  readonly logger: Logger;
  readonly hubVersion: string;
  readonly nowMs: () => number;
  /** Re-reads the assignment (and pushes it to every connection when it changed). */
  readonly refreshAssignment: () => Promise<void>;
  /** The connection's relay of its machine's hook traffic into the hub's heartbeat core. */
  readonly relayFor: (c: Connection) => ConnectionRelay;
}

export type HubMessageHandler = (c: Connection, message: AgentMessage, req: IncomingMessage) => Promise<void>;

export function createHubMessageHandler(deps: HubMessageDeps): HubMessageHandler {
  const { hub, registry, logger } = deps;

  const hello = async (c: Connection, message: Extract<AgentMessage, { type: 'hello' }>, req: IncomingMessage): Promise<void> => {
    const known = registry.machine(message.machineId);
    if (known?.revoked) {
      c.ws.close(AgentCloseCode.Forbidden, 'this machine was revoked on the hub');
      return;
    }
    for (const other of hub.state.connections) {
      if (other !== c && other.machineId === message.machineId) other.ws.close(AgentCloseCode.Replaced, 'replaced by a newer connection');
    }
    c.machineId = message.machineId;
    c.held = message.held;
    registry.seen(message.machineId, message.host, message.agentVersion, deps.nowMs());
    if (message.held) registry.holds(message.machineId, message.held.expiresAtMs);
    if (message.held) {
      const { accountId, generation, fingerprint: fp } = message.held;
      registry.holdsLogin(message.machineId, { accountId, generation, fingerprint: fp });
    }
    hub.event('machine-connected', 'info', message.machineId, `${message.host} connected (agent ${message.agentVersion}).`);
    logger.info('machine connected', { machineId: message.machineId, host: message.host, peer: req.socket.remoteAddress });
    c.ws.send(JSON.stringify({ v: AGENT_PROTOCOL_VERSION, type: 'welcome', hubVersion: deps.hubVersion }));
    await deps.refreshAssignment();
    hub.push(c);
    if (hub.holdsCurrent(c)) hub.release(c);
  };

  return async (c, message, req) => {
    if (message.type === 'hello') return hello(c, message, req);
    if (c.machineId === null) {
      if (message.type !== 'harvest') {
        c.ws.close(AgentCloseCode.BadMessage, 'hello first');
        return;
      }
    } else registry.touch(c.machineId, deps.nowMs());
    if (message.type === 'relay') return deps.relayFor(c).frame(message.channel, message.frame);
    if (message.type === 'relay-close') return deps.relayFor(c).closeChannel(message.channel);
    if (message.type === 'harvest') {
      const outcome = await deps.source.harvest(message.accountId, message.login);
      logger.info('a machine sent a full login from its store', { machineId: c.machineId, accountId: message.accountId, outcome });
      // The agent writes over that login only once the hub says it has it (or a newer one).
      const reply: HubMessage = {
        v: AGENT_PROTOCOL_VERSION,
        type: 'harvested',
        refreshFingerprint: fingerprint(message.login.refreshToken),
        outcome,
      };
      if (c.ws.readyState === c.ws.OPEN) c.ws.send(JSON.stringify(reply));
      await deps.refreshAssignment();
      return;
    }
    if (message.type === 'ack') {
      const { accountId, generation, fingerprint: fp, expiresAtMs } = message;
      c.held = { accountId, generation, fingerprint: fp, expiresAtMs };
      c.pushedAtMs = null;
      if (c.machineId !== null) {
        registry.holds(c.machineId, expiresAtMs);
        registry.holdsLogin(c.machineId, { accountId, generation, fingerprint: fp });
      }
      if (hub.holdsCurrent(c)) {
        c.lagging = false;
        hub.release(c);
      }
      hub.changed();
      return;
    }
    logger.warn('a machine refused a login', { machineId: c.machineId, accountId: message.accountId, reason: message.reason });
  };
}

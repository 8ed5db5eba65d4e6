/**
 * The agent's end of relayed hooks. This machine's hooks and statusline find the agent like they
 * find a monitor (the discovery file in the data dir) and talk the ordinary heartbeat protocol to
 * it on loopback; the agent is a heartbeat core (`createHeartbeatListener` serves it) that forwards
 * every frame to the hub on a numbered channel — one per local connection — and relays the hub's
 * acknowledgements and closes back. A `tool-ended` hook thus waits for the hub, which acknowledges
 * only after the switch it unblocked reached every machine. While the hub is out of reach the agent
 * acknowledges frames itself at once, so hooks stay fast and Claude Code never waits on the network.
 */
import type { HeartbeatCore, Logger } from '../engine/index.js';
import { CloseCode, PROTOCOL_VERSION } from '../shared/heartbeat-protocol.js';
import { parseClientMessage } from '../shared/heartbeat-schema.js';
import { AGENT_PROTOCOL_VERSION, RELAY_FRAME_MAX_CHARS, type HubMessage } from '../shared/machines-protocol.js';

type RelayFromHub = Extract<HubMessage, { type: 'relay' | 'relay-close' }>;

export interface HookRelay {
  /** The heartbeat core the local listener serves. */
  readonly core: HeartbeatCore;
  /** The hub said hello back: relay from now on, with `send` (drops frames when the socket is not open). */
  hubUp(send: (message: object) => void): void;
  /** The hub connection ended: answer locally until it is back. */
  hubDown(): void;
  /** A `relay` or `relay-close` frame from the hub. */
  fromHub(message: RelayFromHub): void;
  /** Frames forwarded to the hub and answered locally so far. */
  counts(): { readonly relayed: number; readonly answeredLocally: number };
}

interface LocalConnection {
  send(text: string): void;
  close(code: number, reason: string): void;
}

export function createHookRelay(options: { readonly logger: Logger }): HookRelay {
  const { logger } = options;
  const local = new Map<number, LocalConnection>();
  let nextChannel = 1;
  let hub: ((message: object) => void) | null = null;
  let disposed = false;
  let relayed = 0;
  let answeredLocally = 0;

  /** The hub is out of reach: acknowledge a valid frame at once; refuse a bad one as the hub would. */
  const answerLocally = (channel: number, connection: LocalConnection, text: string): void => {
    const parsed = parseClientMessage(text);
    if (!parsed.ok) {
      local.delete(channel);
      return connection.close(CloseCode.BadMessage, parsed.error.message);
    }
    answeredLocally++;
    const id = parsed.value.id;
    if (id === undefined) return;
    const ack =
      parsed.value.type === 'statusline'
        ? { v: PROTOCOL_VERSION, type: 'ack', id, active: null }
        : { v: PROTOCOL_VERSION, type: 'ack', id };
    connection.send(JSON.stringify(ack));
  };

  const core: HeartbeatCore = {
    opened(socket, context) {
      if (disposed || context.originAllowed === false || !context.authorized) {
        const code = disposed ? CloseCode.GoingAway : context.authorized ? CloseCode.Forbidden : CloseCode.Unauthorized;
        socket.close(code, disposed ? 'agent shutting down' : 'the agent takes hooks from this machine only');
        return () => undefined;
      }
      const channel = nextChannel++;
      const connection: LocalConnection = { send: (text) => socket.send(text), close: (code, reason) => socket.close(code, reason) };
      local.set(channel, connection);
      socket.onMessage((text) => {
        if (!local.has(channel)) return;
        if (hub === null || text.length > RELAY_FRAME_MAX_CHARS) return answerLocally(channel, connection, text);
        relayed++;
        hub({ v: AGENT_PROTOCOL_VERSION, type: 'relay', channel, frame: text });
      });
      return () => {
        if (!local.delete(channel)) return;
        hub?.({ v: AGENT_PROTOCOL_VERSION, type: 'relay-close', channel });
      };
    },
    connectionCount: () => local.size,
    dispose() {
      disposed = true;
      for (const connection of local.values()) connection.close(CloseCode.GoingAway, 'agent shutting down');
      local.clear();
    },
  };

  return {
    core,
    hubUp(send) {
      hub = send;
    },
    hubDown() {
      hub = null;
    },
    fromHub(message) {
      const connection = local.get(message.channel);
      if (!connection) return;
      if (message.type === 'relay') return connection.send(message.frame);
      local.delete(message.channel);
      connection.close(message.code, message.reason);
      logger.debug('the hub closed a relayed hook connection', { code: message.code });
    },
    counts: () => ({ relayed, answeredLocally }),
  };
}

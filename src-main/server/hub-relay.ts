/**
 * The hub's end of relayed hooks: each numbered channel an agent opens becomes one connection of
 * the hub's own heartbeat core, exactly as if that machine's hook had connected here — the same
 * validation, rate limit, registry and deferral (a `tool-ended` relayed from any machine is
 * acknowledged only after the switch it unblocked reached every machine). The first frame on an
 * unknown channel opens it; the hub's acks and closes go back on the same channel.
 */
import type { HeartbeatCore, Logger } from '../engine/index.js';
import { AGENT_PROTOCOL_VERSION } from '../shared/machines-protocol.js';
import { CloseCode } from '../shared/heartbeat-protocol.js';

/** What the relay needs of the heartbeat core. */
export type RelayCore = Pick<HeartbeatCore, 'opened'>;

export interface ConnectionRelay {
  /** A frame on `channel` (opens it first when new). */
  frame(channel: number, text: string): void;
  /** The agent's local connection on `channel` closed. */
  closeChannel(channel: number): void;
  /** The agent's connection to the hub closed: every channel ends. */
  closeAll(): void;
  openChannels(): number;
}

interface Channel {
  handler: ((text: string) => void) | null;
  closed: (code: number, reason: string) => void;
}

export function createConnectionRelay(options: {
  readonly core: RelayCore | null;
  /** Sends one hub message to this agent. */
  readonly send: (message: object) => void;
  /** Who the sessions come from, for the registry's per-peer bounds and logs (`agent:<machine id>`). */
  readonly peer: string;
  readonly logger: Logger;
  /** Default 512. */
  readonly maxChannels?: number;
}): ConnectionRelay {
  const { core, send, logger } = options;
  const maxChannels = options.maxChannels ?? 512;
  const channels = new Map<number, Channel>();
  const closeRemote = (channel: number, code: number, reason: string): void =>
    send({ v: AGENT_PROTOCOL_VERSION, type: 'relay-close', channel, code, reason });

  const open = (channel: number): Channel | null => {
    if (core === null) {
      closeRemote(channel, CloseCode.GoingAway, 'this hub takes no heartbeats');
      return null;
    }
    if (channels.size >= maxChannels) {
      closeRemote(channel, CloseCode.TryAgainLater, 'too many relayed connections');
      return null;
    }
    const entry: Channel = { handler: null, closed: () => undefined };
    channels.set(channel, entry);
    entry.closed = core.opened(
      {
        send: (text) => send({ v: AGENT_PROTOCOL_VERSION, type: 'relay', channel, frame: text }),
        close: (code, reason) => {
          if (channels.get(channel) !== entry) return;
          channels.delete(channel);
          closeRemote(channel, code, reason);
        },
        onMessage: (handler) => {
          entry.handler = handler;
        },
      },
      // The agent connection itself passed the hub's token check.
      { authorized: true, originAllowed: true, peer: options.peer },
    );
    return channels.get(channel) ?? null;
  };

  return {
    frame(channel, text) {
      const entry = channels.get(channel) ?? open(channel);
      entry?.handler?.(text);
    },
    closeChannel(channel) {
      const entry = channels.get(channel);
      if (!entry) return;
      channels.delete(channel);
      entry.closed(1000, 'closed on the agent');
    },
    closeAll() {
      const all = [...channels.values()];
      channels.clear();
      for (const entry of all) entry.closed(1001, 'the agent disconnected');
      if (all.length > 0) logger.debug('relayed hook connections ended with their agent', { peer: options.peer, count: all.length });
    },
    openChannels: () => channels.size,
  };
}

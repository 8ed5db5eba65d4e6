/**
 * How the heartbeat core acknowledges a message: `tool-ended` and `turn-ended` only after
 * `beforeAck` settled (bounded, so a slow switch never holds a hook), statusline acks with the
 * active account's figures, everything else at once.
 */
import type { Clock, Logger } from '../ports.js';
import { PROTOCOL_VERSION, type AckMessage, type ActiveSummary, type ClientMessage } from '../../shared/heartbeat-protocol.js';

export interface AcknowledgerOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Awaited before acknowledging `tool-ended` and `turn-ended`; a rejection is logged and the ack still sent. */
  readonly beforeAck: (message: ClientMessage) => Promise<void>;
  readonly beforeAckTimeoutMs: number;
  /** The active account and its figures, returned in statusline acks; default none. */
  readonly describeActive?: (sessionId: string) => ActiveSummary | null;
}

/** Sends the acknowledgement of `message` (which carries `id`) through `send`, when it is due. */
export type Acknowledge = (message: ClientMessage, id: string, send: (ack: AckMessage) => void) => void;

const ACK_AFTER_SWITCH = new Set<ClientMessage['type']>(['tool-ended', 'turn-ended']);

/** Creates the acknowledging step of the core. */
export function createAcknowledger(options: AcknowledgerOptions): Acknowledge {
  const { clock, logger, beforeAck, beforeAckTimeoutMs } = options;

  const boundedBeforeAck = (message: ClientMessage): Promise<void> =>
    new Promise<void>((resolve) => {
      const timer = clock.setTimeout(() => {
        logger.warn('beforeAck took too long; acknowledging anyway', { type: message.type, afterMs: beforeAckTimeoutMs });
        resolve();
      }, beforeAckTimeoutMs);
      const done = (): void => {
        clock.clearTimeout(timer);
        resolve();
      };
      let pending: Promise<void>;
      try {
        pending = beforeAck(message);
      } catch (error) {
        pending = Promise.reject(error);
      }
      pending.then(done, (error: unknown) => {
        logger.error('beforeAck failed; acknowledging anyway', { type: message.type, error: String(error) });
        done();
      });
    });

  const activeSummary = (sessionId: string): ActiveSummary | null => {
    try {
      return options.describeActive?.(sessionId) ?? null;
    } catch (error) {
      logger.warn('describeActive failed', { error: String(error) });
      return null;
    }
  };

  return (message, id, send) => {
    if (ACK_AFTER_SWITCH.has(message.type)) {
      void boundedBeforeAck(message).then(() => send({ v: PROTOCOL_VERSION, type: 'ack', id }));
    } else if (message.type === 'statusline') {
      send({ v: PROTOCOL_VERSION, type: 'ack', id, active: activeSummary(message.sessionId) });
    } else {
      send({ v: PROTOCOL_VERSION, type: 'ack', id });
    }
  };
}

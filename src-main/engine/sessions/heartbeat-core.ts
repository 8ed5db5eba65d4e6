/**
 * The transport-free heartbeat protocol core (graphql-ws style): `opened(socket, context)` starts a
 * connection and returns `closed(code, reason)`. It validates every frame, rate-limits each
 * connection, closes silent and misbehaving clients with named codes, applies messages to the
 * registry and acknowledges them — tool-ended and turn-ended only after `beforeAck` settles.
 */
import type { Clock, Logger, TimerHandle } from '../ports.js';
import { parseClientMessage } from '../../shared/heartbeat-schema.js';
import { CloseCode, PROTOCOL_VERSION, type AckMessage, type ActiveSummary, type ClientMessage } from '../../shared/heartbeat-protocol.js';
import type { ApplyOutcome } from './session-registry.js';

/** The little a transport must offer the core. */
export interface CoreSocket {
  send(data: string): void;
  close(code: number, reason: string): void;
  /** Registers the single frame handler; text frames only. */
  onMessage(handler: (data: string) => void): void;
}

/** What the transport learned on upgrade. */
export interface ConnectionContext {
  /** False when a non-loopback peer offered no valid token. */
  readonly authorized: boolean;
  /** False when a browser from another origin opened the socket. */
  readonly originAllowed?: boolean;
  /** Peer address, for logs. */
  readonly peer: string;
}

export interface HeartbeatCoreOptions {
  readonly registry: { apply(message: ClientMessage, peer?: string): ApplyOutcome };
  readonly clock: Clock;
  readonly logger: Logger;
  /**
   * Awaited before acknowledging `tool-ended` and `turn-ended` (the rotation engine writes a pending
   * switch here). Bounded by `beforeAckTimeoutMs`; a rejection is logged and the ack still sent.
   */
  readonly beforeAck?: (message: ClientMessage) => Promise<void>;
  /** Default 2,000 ms. */
  readonly beforeAckTimeoutMs?: number;
  /** The active account and its figures, returned in statusline acks; default none. */
  readonly describeActive?: (sessionId: string) => ActiveSummary | null;
  /** A client that sends nothing within this is closed with `SilentClient`; default 5,000 ms. */
  readonly firstMessageTimeoutMs?: number;
  /** Token bucket per connection: `burst` messages, refilled at `perSecond`; default 30 and 10. */
  readonly rateLimit?: { readonly burst: number; readonly perSecond: number };
}

export interface HeartbeatCore {
  opened(socket: CoreSocket, context: ConnectionContext): (code: number, reason: string) => void;
  connectionCount(): number;
  /** Closes every connection with `GoingAway` and stops timers. Idempotent. */
  dispose(): void;
}

const ACK_AFTER_SWITCH = new Set<ClientMessage['type']>(['tool-ended', 'turn-ended']);

/** A close reason within the 123-byte limit of RFC 6455 (whole characters only). */
export function clampReason(reason: string): string {
  let out = reason;
  while (Buffer.byteLength(out) > 123) out = out.slice(0, -1);
  return out;
}

/** Creates a protocol core. */
export function createHeartbeatCore(options: HeartbeatCoreOptions): HeartbeatCore {
  const { clock, logger, registry } = options;
  const beforeAck = options.beforeAck ?? (() => Promise.resolve());
  const beforeAckTimeoutMs = options.beforeAckTimeoutMs ?? 2_000;
  const firstMessageTimeoutMs = options.firstMessageTimeoutMs ?? 5_000;
  const { burst, perSecond } = options.rateLimit ?? { burst: 30, perSecond: 10 };
  /** Open connections and how to close each one. */
  const open = new Map<CoreSocket, (code: number, reason: string) => void>();
  let disposed = false;

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

  return {
    opened(socket, context) {
      let closed = false;
      let silenceTimer: TimerHandle | null = null;
      const close = (code: number, reason: string): void => {
        if (closed) return;
        closed = true;
        open.delete(socket);
        if (silenceTimer !== null) clock.clearTimeout(silenceTimer);
        try {
          socket.close(code, clampReason(reason));
        } catch (error) {
          logger.debug('heartbeat socket close failed', { error: String(error) });
        }
      };
      const send = (ack: AckMessage): void => {
        if (closed) return;
        try {
          socket.send(JSON.stringify(ack));
        } catch (error) {
          logger.debug('heartbeat ack not sent', { error: String(error) });
        }
      };
      if (disposed) {
        closed = true;
        socket.close(CloseCode.GoingAway, 'server shutting down');
        return () => {};
      }
      if (context.originAllowed === false) {
        closed = true;
        socket.close(CloseCode.Forbidden, 'forbidden: cross-origin WebSocket');
        return () => {};
      }
      if (!context.authorized) {
        closed = true;
        logger.warn('heartbeat refused: peer offered no valid token', { peer: context.peer });
        socket.close(CloseCode.Unauthorized, 'unauthorized: peers beyond loopback need the token');
        return () => {};
      }
      open.set(socket, close);
      silenceTimer = clock.setTimeout(() => {
        silenceTimer = null;
        close(CloseCode.SilentClient, `silent: no message within ${firstMessageTimeoutMs} ms`);
      }, firstMessageTimeoutMs);

      let tokens = burst;
      let refilledAtMs = clock.now();
      socket.onMessage((data) => {
        if (closed) return;
        if (silenceTimer !== null) {
          clock.clearTimeout(silenceTimer);
          silenceTimer = null;
        }
        const nowMs = clock.now();
        tokens = Math.min(burst, tokens + ((nowMs - refilledAtMs) / 1000) * perSecond);
        refilledAtMs = nowMs;
        if (tokens < 1) {
          logger.warn('heartbeat client flooding; closed', { peer: context.peer });
          close(CloseCode.TooManyMessages, `too many messages (limit ${perSecond}/s)`);
          return;
        }
        tokens -= 1;
        const parsed = parseClientMessage(data);
        if (!parsed.ok) {
          logger.debug('heartbeat frame refused', { peer: context.peer, kind: parsed.error.kind });
          close(CloseCode.BadMessage, parsed.error.message);
          return;
        }
        const message = parsed.value;
        if (registry.apply(message, context.peer) === 'full') {
          close(CloseCode.RegistryFull, 'too many live sessions');
          return;
        }
        const id = message.id;
        if (id === undefined) return;
        if (ACK_AFTER_SWITCH.has(message.type)) {
          void boundedBeforeAck(message).then(() => send({ v: PROTOCOL_VERSION, type: 'ack', id }));
        } else if (message.type === 'statusline') {
          send({ v: PROTOCOL_VERSION, type: 'ack', id, active: activeSummary(message.sessionId) });
        } else {
          send({ v: PROTOCOL_VERSION, type: 'ack', id });
        }
      });
      return () => {
        closed = true;
        open.delete(socket);
        if (silenceTimer !== null) clock.clearTimeout(silenceTimer);
      };
    },
    connectionCount: () => open.size,
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const close of [...open.values()]) close(CloseCode.GoingAway, 'server shutting down');
      open.clear();
    },
  };
}

/**
 * The transport-free heartbeat protocol core (graphql-ws style): `opened(socket, context)` starts a
 * connection and returns `closed(code, reason)`. It validates every frame, rate-limits each
 * connection, closes silent and misbehaving clients with named codes, applies messages to the
 * registry and acknowledges them — tool-ended and turn-ended only after `beforeAck` settles.
 * One connection's life is in `heartbeat-connection.ts`, the acknowledgement in `heartbeat-ack.ts`.
 */
import type { Clock, Logger } from '../ports.js';
import { CloseCode, type ActiveSummary, type ClientMessage } from '../../shared/heartbeat-protocol.js';
import type { ApplyOutcome } from './session-registry.js';
import { createAcknowledger } from './heartbeat-ack.js';
import {
  openConnection,
  type ConnectionContext,
  type ConnectionSetup,
  type CoreSocket,
  type OpenConnections,
} from './heartbeat-connection.js';

export { clampReason, type ConnectionContext, type CoreSocket } from './heartbeat-connection.js';

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

/** Why a new connection is refused at once, with its close code and reason; null when it may open. */
function refusal(disposed: boolean, context: ConnectionContext): { code: number; reason: string } | null {
  if (disposed) return { code: CloseCode.GoingAway, reason: 'server shutting down' };
  if (context.originAllowed === false) return { code: CloseCode.Forbidden, reason: 'forbidden: cross-origin WebSocket' };
  if (!context.authorized) return { code: CloseCode.Unauthorized, reason: 'unauthorized: peers beyond loopback need the token' };
  return null;
}

/** Creates a protocol core. */
export function createHeartbeatCore(options: HeartbeatCoreOptions): HeartbeatCore {
  const { clock, logger } = options;
  const setup: ConnectionSetup = {
    registry: options.registry,
    clock,
    logger,
    acknowledge: createAcknowledger({
      clock,
      logger,
      beforeAck: options.beforeAck ?? (() => Promise.resolve()),
      beforeAckTimeoutMs: options.beforeAckTimeoutMs ?? 2_000,
      describeActive: options.describeActive,
    }),
    firstMessageTimeoutMs: options.firstMessageTimeoutMs ?? 5_000,
    rateLimit: options.rateLimit ?? { burst: 30, perSecond: 10 },
  };
  const open: OpenConnections = new Map();
  let disposed = false;

  return {
    opened(socket, context) {
      const refused = refusal(disposed, context);
      if (refused) {
        if (refused.code === CloseCode.Unauthorized) {
          logger.warn('heartbeat refused: peer offered no valid token', { peer: context.peer });
        }
        socket.close(refused.code, refused.reason);
        return () => {};
      }
      return openConnection(socket, context, setup, open);
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

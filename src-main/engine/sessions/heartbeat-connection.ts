/**
 * One open heartbeat connection inside the protocol core: a silence timer until the first frame,
 * a token bucket against floods, validation, the registry, then the acknowledgement.
 */
import type { Clock, Logger, TimerHandle } from '../ports.js';
import { parseClientMessage } from '../../shared/heartbeat-schema.js';
import { CloseCode, type AckMessage, type ClientMessage } from '../../shared/heartbeat-protocol.js';
import type { ApplyOutcome } from './session-registry.js';
import type { Acknowledge } from './heartbeat-ack.js';

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

/** What every connection of one core shares. */
export interface ConnectionSetup {
  readonly registry: { apply(message: ClientMessage, peer?: string): ApplyOutcome };
  readonly clock: Clock;
  readonly logger: Logger;
  readonly acknowledge: Acknowledge;
  readonly firstMessageTimeoutMs: number;
  /** Token bucket per connection: `burst` messages, refilled at `perSecond`. */
  readonly rateLimit: { readonly burst: number; readonly perSecond: number };
}

/** The core's open connections and how to close each one. */
export type OpenConnections = Map<CoreSocket, (code: number, reason: string) => void>;

/** A close reason within the 123-byte limit of RFC 6455 (whole characters only). */
export function clampReason(reason: string): string {
  let out = reason;
  while (Buffer.byteLength(out) > 123) out = out.slice(0, -1);
  return out;
}

/** A token bucket: `take(nowMs)` is false when the client spent its burst faster than the refill. */
function createTokenBucket(burst: number, perSecond: number, startMs: number): { take(nowMs: number): boolean } {
  let tokens = burst;
  let refilledAtMs = startMs;
  return {
    take(nowMs) {
      tokens = Math.min(burst, tokens + ((nowMs - refilledAtMs) / 1000) * perSecond);
      refilledAtMs = nowMs;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}

/**
 * Starts serving an accepted, authorized `socket`, listed in `open` until it ends (whichever side
 * ends it). Returns what the transport calls when the socket closed.
 */
export function openConnection(socket: CoreSocket, context: ConnectionContext, setup: ConnectionSetup, open: OpenConnections): () => void {
  const { clock, logger, registry, firstMessageTimeoutMs } = setup;
  const { burst, perSecond } = setup.rateLimit;
  let closed = false;
  let silenceTimer: TimerHandle | null = null;
  const stopSilenceTimer = (): void => {
    if (silenceTimer !== null) clock.clearTimeout(silenceTimer);
    silenceTimer = null;
  };
  const close = (code: number, reason: string): void => {
    if (closed) return;
    closed = true;
    open.delete(socket);
    stopSilenceTimer();
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
  open.set(socket, close);
  silenceTimer = clock.setTimeout(() => {
    silenceTimer = null;
    close(CloseCode.SilentClient, `silent: no message within ${firstMessageTimeoutMs} ms`);
  }, firstMessageTimeoutMs);

  const bucket = createTokenBucket(burst, perSecond, clock.now());
  socket.onMessage((data) => {
    if (closed) return;
    stopSilenceTimer();
    if (!bucket.take(clock.now())) {
      logger.warn('heartbeat client flooding; closed', { peer: context.peer });
      close(CloseCode.TooManyMessages, `too many messages (limit ${perSecond}/s)`);
      return;
    }
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
    if (message.id !== undefined) setup.acknowledge(message, message.id, send);
  });
  return () => {
    closed = true;
    open.delete(socket);
    stopSilenceTimer();
  };
}

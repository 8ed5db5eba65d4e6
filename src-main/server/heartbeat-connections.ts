/**
 * The heartbeat socket's connections: handing an accepted WebSocket to the protocol core (text
 * frames only, the access decision as the core's context, a connection cap) and the keep-alive
 * pings that terminate peers which stopped answering.
 */
import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Clock, HeartbeatCore, Logger, TimerHandle } from '../engine/index.js';
import { CloseCode } from '../shared/heartbeat-protocol.js';
import type { AccessDecision } from './access.js';

export interface AcceptOptions {
  readonly core: HeartbeatCore;
  readonly logger: Logger;
  readonly wss: WebSocketServer;
  /** Connections beyond this are closed with `TryAgainLater`. */
  readonly maxConnections: number;
  /** Whether each connection answered the last ping. */
  readonly answered: WeakMap<WebSocket, boolean>;
  readonly peerAddress: (req: IncomingMessage) => string | undefined;
}

/** Serves an upgraded heartbeat connection; `access` is the server's decision on its upgrade. */
export function acceptHeartbeat(options: AcceptOptions, ws: WebSocket, req: IncomingMessage, access: AccessDecision): void {
  const { core, logger, answered } = options;
  const address = options.peerAddress(req);
  ws.on('error', (error) => logger.debug('heartbeat socket error', { error: error.message }));
  if (options.wss.clients.size > options.maxConnections) {
    ws.close(CloseCode.TryAgainLater, 'too many connections');
    return;
  }
  answered.set(ws, true);
  ws.on('pong', () => answered.set(ws, true));
  let handler: ((data: string) => void) | null = null;
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      ws.close(CloseCode.BadMessage, 'binary frames are not accepted');
      return;
    }
    const text = Buffer.isBuffer(data)
      ? data.toString('utf8')
      : Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data).toString('utf8');
    handler?.(text);
  });
  const closed = core.opened(
    {
      send: (text) => ws.send(text),
      close: (code, reason) => ws.close(code, reason),
      onMessage: (h) => {
        handler = h;
      },
    },
    // 403: Host or Origin refused (another site, or a name rebound to this machine); 401: no valid token.
    { authorized: access.ok || access.status !== 401, originAllowed: access.ok || access.status !== 403, peer: address ?? 'unknown' },
  );
  ws.on('close', (code, reason) => closed(code, reason.toString('utf8')));
}

export interface PingOptions {
  readonly wss: WebSocketServer;
  readonly answered: WeakMap<WebSocket, boolean>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly pingIntervalMs: number;
  /** Pinging stops once this is true. */
  readonly stopped: () => boolean;
}

/** Pings every peer each `pingIntervalMs`, terminating those that did not pong since the last ping. */
export function startPinging(options: PingOptions): { stop(): void } {
  const { wss, answered, clock, logger } = options;
  let pingTimer: TimerHandle | null = null;
  const pingAll = (): void => {
    for (const ws of wss.clients) {
      if (answered.get(ws) === false) {
        ws.terminate();
        continue;
      }
      answered.set(ws, false);
      try {
        ws.ping();
      } catch (error) {
        logger.debug('heartbeat ping failed', { error: String(error) });
      }
    }
  };
  const schedulePing = (): void => {
    pingTimer = clock.setTimeout(() => {
      try {
        pingAll();
      } catch (error) {
        logger.error('heartbeat ping sweep failed', { error: String(error) });
      } finally {
        if (!options.stopped()) schedulePing();
      }
    }, options.pingIntervalMs);
  };
  schedulePing();
  return { stop: () => void (pingTimer !== null && clock.clearTimeout(pingTimer)) };
}

/**
 * Routes WebSocket upgrades by path, after the same access checks as HTTP requests (`decideAccess`,
 * for every path). A refused upgrade is answered with a plain HTTP error before any WebSocket
 * exists — unless the path's protocol says no in its own words (`refusesInProtocol`: the heartbeat
 * closes with its Forbidden/Unauthorized codes), in which case the handler gets the refusal.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../engine/index.js';
import { decideAccess, type AccessDecision, type AccessPolicy } from './access.js';
import { httpError, SECURITY_HEADER_LINES, type HttpError } from './http-io.js';
import { splitTarget } from './routes.js';

/**
 * Completes an upgrade that passed the access checks; `access` is the decision (a refusal reaches
 * only handlers mounted with `refusesInProtocol`, which must refuse the client in their protocol).
 */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, access: AccessDecision) => void;

export interface UpgradeMountOptions {
  /** A client on this machine that names us by a loopback Host needs no token here (see `LocalPeer`). */
  readonly loopbackPeersWithoutToken?: boolean;
  /** Refusals go to the handler, which answers them in its protocol (close codes) instead of an HTTP error. */
  readonly refusesInProtocol?: boolean;
}

export interface UpgradeRouter {
  /** The server's `upgrade` listener. */
  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Mounts `handler` at `path`; throws when the path is taken or does not start with `/`. */
  attach(path: string, handler: UpgradeHandler, options?: UpgradeMountOptions): void;
}

export interface UpgradeRouterOptions {
  readonly logger: Logger;
  /** The current policy (it changes once, when the port is known). */
  readonly policy: () => AccessPolicy;
  readonly isClosing: () => boolean;
}

/** Creates an empty router; mount handlers with `attach`. */
export function createUpgradeRouter(options: UpgradeRouterOptions): UpgradeRouter {
  const { logger } = options;
  const handlers = new Map<string, { readonly handler: UpgradeHandler; readonly options: UpgradeMountOptions }>();
  return {
    handle(req, socket, head) {
      socket.on('error', (error) => logger.debug('upgrade socket error', { error: error.message }));
      try {
        const [pathname, search] = splitTarget(req.url);
        if (options.isClosing()) return rejectUpgrade(socket, httpError(503, 'unavailable', 'The server is shutting down.'));
        const mounted = handlers.get(pathname);
        if (!mounted) return rejectUpgrade(socket, httpError(404, 'not-found', `There is no WebSocket at ${pathname}.`));
        const localPeer = mounted.options.loopbackPeersWithoutToken ? { address: req.socket.remoteAddress } : undefined;
        const access = decideAccess(req.headers, new URLSearchParams(search), options.policy(), localPeer);
        if (!access.ok && !mounted.options.refusesInProtocol) {
          return rejectUpgrade(socket, httpError(access.status, access.code, access.message));
        }
        mounted.handler(req, socket, head, access);
      } catch (error) {
        logger.error('websocket upgrade failed', { error: error instanceof Error ? error.message : String(error) });
        socket.destroy();
      }
    },
    attach(path, handler, attachOptions) {
      if (!path.startsWith('/')) throw new Error(`attachUpgrade: the path must start with "/" (got "${path}").`);
      if (handlers.has(path)) throw new Error(`attachUpgrade: ${path} already has a WebSocket handler.`);
      handlers.set(path, { handler, options: attachOptions ?? {} });
    },
  };
}

const REASONS: Readonly<Record<number, string>> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' };

/** Answers an upgrade with an HTTP error and closes the socket. */
export function rejectUpgrade(socket: Duplex, error: HttpError): void {
  const body = JSON.stringify({ error: { code: error.code, message: error.message } });
  socket.end(
    [
      `HTTP/1.1 ${error.status} ${REASONS[error.status] ?? 'Error'}`,
      'Connection: close',
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      ...SECURITY_HEADER_LINES,
      '',
      body,
    ].join('\r\n'),
  );
}

/**
 * `--tls-cert/--tls-key`: one port speaking both HTTPS and plain HTTP. The first byte of a
 * connection tells them apart (a TLS handshake starts with 0x16): TLS is terminated here and handed
 * to the same HTTP server, so every route, WebSocket and access check is shared; plain HTTP is
 * accepted only from loopback (this machine's hooks, CLI and dashboard keep the `http://127.0.0.1`
 * address in the discovery file), never from the network, where the token would cross in clear.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';
import type { Logger } from '../engine/index.js';

export interface TlsFiles {
  /** PEM certificate (chain). */
  readonly cert: string | Buffer;
  /** PEM private key. */
  readonly key: string | Buffer;
}

const TLS_HANDSHAKE = 0x16;
const OPEN = Symbol('open sockets');
const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/** True for an address on this machine. */
export const isLoopbackAddress = (address: string | undefined): boolean => address !== undefined && LOOPBACK.test(address);

/**
 * Creates the listening front for `http` (which itself never listens). Throws when the certificate
 * or key cannot be used (a clear error at start, not at the first connection). `closeFront` stops it.
 */
export function createTlsFront(
  http: { emit(event: 'connection', socket: Socket | TLSSocket): boolean },
  files: TlsFiles,
  logger: Logger,
  options: { readonly plainAllowed?: (address: string | undefined) => boolean } = {},
): Server {
  const secureContext = createSecureContext({ cert: files.cert, key: files.key });
  const plainAllowed = options.plainAllowed ?? isLoopbackAddress;
  const open = new Set<Socket>();
  const front = createServer({ pauseOnConnect: true }, (socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    socket.on('error', (error) => logger.debug('connection error before its protocol was known', { error: error.message }));
    const sniffTimer = setTimeout(() => socket.destroy(), 10_000);
    socket.once('readable', () => {
      clearTimeout(sniffTimer);
      const first: Buffer | null = socket.read(1) as Buffer | null;
      if (first === null) return void socket.destroy();
      socket.unshift(first);
      if (first[0] === TLS_HANDSHAKE) {
        const secure = new TLSSocket(socket, { isServer: true, secureContext });
        secure.on('error', (error) => {
          logger.debug('TLS connection failed', { error: error.message, peer: socket.remoteAddress });
          secure.destroy();
        });
        http.emit('connection', secure);
        return;
      }
      if (!plainAllowed(socket.remoteAddress)) {
        logger.warn('refused plain HTTP from the network; this hub speaks HTTPS', { peer: socket.remoteAddress });
        socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nThis server speaks HTTPS.\n');
        return;
      }
      http.emit('connection', socket);
    });
  });
  return Object.assign(front, { [OPEN]: open });
}

/** Stops accepting; connections still open once the HTTP server closed are cut. */
export async function closeFront(front: Server): Promise<void> {
  const stopped = new Promise<void>((resolve) => front.close(() => resolve()));
  const open = (front as Server & { [OPEN]?: Set<Socket> })[OPEN];
  for (const socket of open ?? []) socket.destroy();
  await stopped;
}

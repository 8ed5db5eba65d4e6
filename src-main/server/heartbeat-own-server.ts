/**
 * The heartbeat socket on a loopback `http.Server` of its own (tests, bench): 426 for plain
 * requests, 404 for other paths, and every upgrade ruled on by the one access decider.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { HEARTBEAT_PATH } from '../shared/heartbeat-protocol.js';
import { decideAccess, isLoopbackHost, loopbackHostSet, type AccessDecision } from './access.js';
import { splitTarget } from './routes.js';

export interface OwnServerOptions {
  readonly host: string;
  readonly port: number;
  /** The token peers beyond loopback must send; null lets only loopback peers in. */
  readonly token: string | null;
  readonly peerAddress: (req: IncomingMessage) => string | undefined;
  readonly handleUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer, access: AccessDecision) => void;
}

/** Listens on `host:port` (rejects when it is taken) and returns the heartbeat's ws:// URL. */
export async function listenOwnServer(options: OwnServerOptions): Promise<{ url: string; port: number; server: Server }> {
  const { host, port } = options;
  const server = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' }).end('Upgrade to WebSocket at /heartbeat\n');
  });
  let bound = port;
  const loopback = isLoopbackHost(host);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const [path, search] = splitTarget(req.url);
    if (path !== HEARTBEAT_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    const policy = {
      token: options.token,
      allowedHosts: loopback ? loopbackHostSet(host, bound) : null,
      loopbackHosts: loopbackHostSet(loopback ? host : '127.0.0.1', bound),
    };
    const access = decideAccess(req.headers, new URLSearchParams(search), policy, { address: options.peerAddress(req) });
    options.handleUpgrade(req, socket, head, access);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  bound = typeof address === 'object' && address ? address.port : port;
  return { url: `ws://${host.includes(':') ? `[${host}]` : host}:${bound}${HEARTBEAT_PATH}`, port: bound, server };
}

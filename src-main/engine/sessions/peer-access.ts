/**
 * Who may open the heartbeat socket, decided from the upgrade request alone: loopback peers need
 * no token (unless told otherwise); any other peer needs the server's token; browsers from other
 * origins are refused (a web page must not be able to forge sessions or usage readings).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback (`::ffff:127.0.0.1`). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const bare = address.toLowerCase().replace(/^::ffff:/, '');
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1' || bare === '0:0:0:0:0:0:0:1';
}

function sameSecret(a: string, b: string): boolean {
  const digestA = createHash('sha256').update(a).digest();
  const digestB = createHash('sha256').update(b).digest();
  return timingSafeEqual(digestA, digestB);
}

/** The token a client offered: `Authorization: Bearer …`, else `?token=`. */
export function offeredToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (match?.[1]) return match[1];
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams.get('token');
  return query || null;
}

export interface PeerPolicy {
  /** The server's token; null when it has none (then only loopback peers get in). */
  readonly token: string | null;
  /** When true, loopback peers need the token too; default false. */
  readonly tokenForLoopback?: boolean;
}

/** Decides whether a peer at `address` with request `req` may talk to the heartbeat server. */
export function decidePeerAccess(
  req: IncomingMessage,
  address: string | undefined,
  policy: PeerPolicy,
): { authorized: boolean; originAllowed: boolean } {
  const origin = req.headers.origin;
  const host = req.headers.host?.toLowerCase();
  const originAllowed =
    origin === undefined || (host !== undefined && [`http://${host}`, `https://${host}`].includes(origin.toLowerCase()));
  if (isLoopbackAddress(address) && !policy.tokenForLoopback) return { authorized: true, originAllowed };
  const offered = offeredToken(req);
  const authorized = policy.token !== null && offered !== null && sameSecret(offered, policy.token);
  return { authorized, originAllowed };
}

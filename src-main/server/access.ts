/**
 * Who may talk to the server: the DNS-rebinding guard (Host), the cross-origin guard (Origin) and
 * the token check. The one access decider: every route, the dashboard socket and the heartbeat
 * socket ask `decideAccess`, so all of them apply the same rules in the same order.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';

/** The cookie that carries the token for a browser after it opened a page with `?token=`. */
export const TOKEN_COOKIE = 'ccmax_token';

/** What the guards need to know about the running server. */
export interface AccessPolicy {
  /** The shared secret; null when the server runs without one (loopback only). */
  readonly token: string | null;
  /** Lower-case `host:port` values accepted in the Host header; null accepts any Host. */
  readonly allowedHosts: ReadonlySet<string> | null;
  /**
   * The `host:port` values that name this machine by a loopback address and our port (see
   * `loopbackHostSet`): a client on this machine that uses one of them may skip the token where the
   * path allows it (`LocalPeer`). Absent (nobody is exempt) before the port is known.
   */
  readonly loopbackHosts?: ReadonlySet<string>;
}

/**
 * For paths whose clients on this machine need no token (the heartbeat: Claude Code's hooks): the
 * peer's socket address. Such a peer is let in without the token only when it is loopback AND
 * names the server by a loopback Host with our port — a web page whose name rebinds to 127.0.0.1
 * still sends its own name, so it never gets this exemption.
 */
export interface LocalPeer {
  readonly address: string | undefined;
}

/** Where a valid token came from (a query token on a page load earns a cookie); `loopback-peer`: none was needed (`LocalPeer`). */
export type TokenSource = 'none-required' | 'loopback-peer' | 'header' | 'query' | 'cookie';

export type AccessDecision =
  | { readonly ok: true; readonly tokenSource: TokenSource }
  | { readonly ok: false; readonly status: 401 | 403; readonly code: string; readonly message: string };

/** True for 127.0.0.0/8, ::1 and `localhost`: addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || bare === '0:0:0:0:0:0:0:1';
  return false;
}

/** True for a socket address on this machine: 127.0.0.0/8, ::1 and IPv4-mapped loopback (`::ffff:127.0.0.1`). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const bare = address.toLowerCase().replace(/^::ffff:/, '');
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1' || bare === '0:0:0:0:0:0:0:1';
}

/** Formats `host:port` as it appears in a Host header (IPv6 literals in brackets), lower-case. */
export function toHostHeader(host: string, port: number): string {
  const bare = host.replace(/^\[|\]$/g, '');
  return (isIP(bare) === 6 ? `[${bare}]:${port}` : `${bare}:${port}`).toLowerCase();
}

/** The Host values a loopback-bound server answers to; anything else is a rebinding attempt. */
export function loopbackHostSet(boundHost: string, port: number): ReadonlySet<string> {
  return new Set([
    toHostHeader('127.0.0.1', port),
    toHostHeader('localhost', port),
    toHostHeader('::1', port),
    toHostHeader(boundHost, port),
  ]);
}

/** Compares two secrets in constant time (hashing first hides their lengths too). */
export function secretsEqual(a: string, b: string): boolean {
  const digestA = createHash('sha256').update(a).digest();
  const digestB = createHash('sha256').update(b).digest();
  return timingSafeEqual(digestA, digestB);
}

/** Reads one cookie's value from a Cookie header; null when absent or undecodable. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return null;
    }
  }
  return null;
}

/** The `Set-Cookie` value that lets a browser page keep using the token it was opened with. */
export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`;
}

const deny = (status: 401 | 403, code: string, message: string): AccessDecision => ({ ok: false, status, code, message });

/**
 * Decides whether a request (or upgrade) may proceed: Host first (rebinding), then Origin
 * (cross-origin browsers), then the token (`Authorization: Bearer`, `?token=`, or the cookie).
 * `localPeer` is given for paths open to this machine's own clients without the token; there a
 * peer beyond loopback needs the token even when the server has none (then it cannot get in).
 */
export function decideAccess(
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
  policy: AccessPolicy,
  localPeer?: LocalPeer,
): AccessDecision {
  const host = headers.host?.toLowerCase();
  if (policy.allowedHosts && (host === undefined || !policy.allowedHosts.has(host))) {
    return deny(403, 'forbidden', 'This server only answers to 127.0.0.1, localhost or [::1] with its own port; open it by that address.');
  }
  const origin = headers.origin;
  if (origin !== undefined) {
    const lower = origin.toLowerCase();
    if (host === undefined || (lower !== `http://${host}` && lower !== `https://${host}`)) {
      return deny(403, 'forbidden', 'Requests from other web origins are refused; open the dashboard from this server itself.');
    }
  }
  if (localPeer) {
    if (isLoopbackAddress(localPeer.address) && host !== undefined && policy.loopbackHosts?.has(host) === true) {
      return { ok: true, tokenSource: 'loopback-peer' };
    }
    if (policy.token === null) {
      return deny(
        401,
        'unauthorized',
        'Only clients on this machine, using 127.0.0.1 or localhost, may connect to a server without a token.',
      );
    }
  }
  if (policy.token === null) return { ok: true, tokenSource: 'none-required' };
  return decideToken(headers, query, policy.token);
}

function decideToken(headers: IncomingHttpHeaders, query: URLSearchParams, token: string): AccessDecision {
  const candidates: [Exclude<TokenSource, 'none-required'>, string | null][] = [
    ['header', bearerToken(headers.authorization)],
    ['query', query.get('token')],
    ['cookie', readCookie(headers.cookie, TOKEN_COOKIE)],
  ];
  let offered = false;
  for (const [source, value] of candidates) {
    if (value === null) continue;
    offered = true;
    if (secretsEqual(value, token)) return { ok: true, tokenSource: source };
  }
  return offered
    ? deny(401, 'unauthorized', 'The token does not match the one this server was started with; check --token or CCMAX_TOKEN.')
    : deny(401, 'unauthorized', 'This server needs a token: send "Authorization: Bearer <token>", or open the page with ?token=<token>.');
}

function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

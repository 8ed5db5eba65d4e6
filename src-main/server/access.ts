/**
 * Who may talk to the server: the DNS-rebinding guard (Host), the cross-origin guard (Origin) and
 * the token check. Pure functions over request headers, shared by HTTP requests and WebSocket
 * upgrades so both paths apply the same rules in the same order.
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
}

/** Where a valid token came from (a query token on a page load earns a cookie). */
export type TokenSource = 'none-required' | 'header' | 'query' | 'cookie';

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
 */
export function decideAccess(headers: IncomingHttpHeaders, query: URLSearchParams, policy: AccessPolicy): AccessDecision {
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

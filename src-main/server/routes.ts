/**
 * The route table's types and its matcher. Paths use OpenAPI's template syntax (`/api/accounts/{id}`)
 * so the table and `openapi.ts` can be compared key for key.
 */
import type { IncomingMessage } from 'node:http';
import type { Result } from '../shared/result.js';
import type { HttpError } from './http-io.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** What a handler returns; the dispatcher turns it into bytes. */
export type Reply =
  | { readonly status: number; readonly json: unknown; readonly headers?: Readonly<Record<string, string>> }
  | { readonly status: number; readonly html: string; readonly csp: string }
  /** A download (CSV exports): sent as is with its content type. */
  | { readonly status: number; readonly text: string; readonly contentType: string; readonly headers?: Readonly<Record<string, string>> }
  | { readonly error: HttpError };

export interface RouteContext {
  readonly req: IncomingMessage;
  /** Decoded path parameters, e.g. `{ id: 'acct-1' }`. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** Reads the JSON body within the server's size limit (see `readJsonBody`). */
  readBody(options: { readonly allowEmpty: boolean }): Promise<Result<unknown, HttpError>>;
}

export interface Route {
  readonly method: Method;
  /** OpenAPI-style template, e.g. `/api/accounts/{id}`. */
  readonly path: string;
  handle(ctx: RouteContext): Promise<Reply> | Reply;
}

export type RouteMatch =
  | { readonly kind: 'found'; readonly route: Route; readonly params: Readonly<Record<string, string>> }
  | { readonly kind: 'wrong-method'; readonly allow: readonly string[] }
  | { readonly kind: 'none' };

/** Matches a raw (still percent-encoded) pathname against one template; null when it does not fit. */
export function matchPath(template: string, pathname: string): Record<string, string> | null {
  const want = template.split('/');
  const got = pathname.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? '';
    const g = got[i] ?? '';
    if (w.startsWith('{') && w.endsWith('}')) {
      if (g === '') return null;
      try {
        params[w.slice(1, -1)] = decodeURIComponent(g);
      } catch {
        return null;
      }
    } else if (w !== g) {
      return null;
    }
  }
  return params;
}

/**
 * Finds the route for a request; HEAD is served by the GET route. A literal template
 * (`/api/accounts/import`) wins over a parameterised one (`/api/accounts/{id}`).
 */
export function findRoute(routes: readonly Route[], method: string, pathname: string): RouteMatch {
  const wanted = method === 'HEAD' ? 'GET' : method;
  const matches: { route: Route; params: Record<string, string> }[] = [];
  for (const route of routes) {
    const params = matchPath(route.path, pathname);
    if (params) matches.push({ route, params });
  }
  const literal = matches.filter((m) => !m.route.path.includes('{'));
  const candidates = literal.length > 0 ? literal : matches;
  const hit = candidates.find((m) => m.route.method === wanted);
  if (hit) return { kind: 'found', route: hit.route, params: hit.params };
  if (candidates.length === 0) return { kind: 'none' };
  const allow = new Set<string>();
  for (const { route } of candidates) {
    allow.add(route.method);
    if (route.method === 'GET') allow.add('HEAD');
  }
  return { kind: 'wrong-method', allow: [...allow] };
}

/** `METHOD /path` keys of a route table, for comparing with the OpenAPI document. */
export function routeKeys(routes: readonly Route[]): string[] {
  return routes.map((r) => `${r.method} ${r.path}`).sort();
}

/**
 * Splits a request target into its raw path and query without resolving it (so `//host/x` stays a
 * path and `..` reaches the static-file guard intact).
 */
export function splitTarget(url: string | undefined): [pathname: string, search: string] {
  const target = url ?? '/';
  const q = target.indexOf('?');
  return q < 0 ? [target, ''] : [target.slice(0, q), target.slice(q + 1)];
}

/**
 * One HTTP request, from bytes to reply: security headers, the access decider, the token-in-query
 * redirect for pages, the route table (API), then the dashboard's static files.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decideAccess, tokenCookie, type AccessPolicy } from './access.js';
import { applySecurityHeaders, httpError, readJsonBody, sendError, sendJson } from './http-io.js';
import { findRoute, splitTarget, type Reply, type Route } from './routes.js';
import type { StaticFiles } from './static-files.js';

export interface RequestHandlerOptions {
  readonly routes: readonly Route[];
  readonly staticFiles: StaticFiles;
  /** The access policy now (it learns the port once the server listens). */
  readonly policy: () => AccessPolicy;
  readonly token: string | null;
  readonly isClosing: () => boolean;
  readonly maxBodyBytes: number;
}

const PAGE_PATHS = /(^\/$|\.html$|^\/docs$)/;

/** Creates the request handler; it rejects only on a bug (the server answers 500 then). */
export function createRequestHandler(options: RequestHandlerOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { routes, token } = options;
  return async (req, res) => {
    applySecurityHeaders(res);
    if (options.isClosing()) res.setHeader('Connection', 'close');
    const [pathname, search] = splitTarget(req.url);
    if (!pathname.startsWith('/'))
      return sendError(res, httpError(400, 'bad-request', 'The request target must be a path like /api/state.'));
    const query = new URLSearchParams(search);
    const access = decideAccess(req.headers, query, options.policy());
    if (!access.ok) {
      const headers = access.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="ccmax-monitor"' } : undefined;
      return sendError(res, httpError(access.status, access.code, access.message, headers));
    }
    if (access.tokenSource === 'query' && token !== null && req.method === 'GET' && PAGE_PATHS.test(pathname)) {
      return redirectWithoutToken(res, pathname, query, token);
    }
    const match = findRoute(routes, req.method ?? 'GET', pathname);
    if (match.kind === 'wrong-method') {
      return sendError(
        res,
        httpError(405, 'method-not-allowed', `Use ${match.allow.join(' or ')} for ${pathname}.`, { Allow: match.allow.join(', ') }),
      );
    }
    if (match.kind === 'found') {
      const reply = await match.route.handle({
        req,
        params: match.params,
        query,
        readBody: ({ allowEmpty }) => readJsonBody(req, { maxBytes: options.maxBodyBytes, allowEmpty }),
      });
      return sendReply(req, res, reply);
    }
    if (pathname === '/api' || pathname.startsWith('/api/')) {
      return sendError(res, httpError(404, 'not-found', `There is no API at ${pathname}; see /docs for the list.`));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendError(res, httpError(405, 'method-not-allowed', 'Dashboard files are read-only: use GET.', { Allow: 'GET, HEAD' }));
    }
    return options.staticFiles.serve(req, res, pathname);
  };
}

/** Keeps the token for the page's own requests (a cookie), and out of the address bar and history. */
function redirectWithoutToken(res: ServerResponse, pathname: string, query: URLSearchParams, token: string): void {
  query.delete('token');
  const rest = query.toString();
  res.setHeader('Set-Cookie', tokenCookie(token));
  res.setHeader('Location', rest ? `${pathname}?${rest}` : pathname);
  res.setHeader('Cache-Control', 'no-store');
  res.statusCode = 303;
  res.end();
}

function sendReply(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  if ('error' in reply) return sendError(res, reply.error);
  if ('json' in reply) return sendJson(res, reply.status, reply.json, reply.headers);
  if ('text' in reply) {
    res.statusCode = reply.status;
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    res.setHeader('Content-Type', reply.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Length', Buffer.byteLength(reply.text));
    res.end(req.method === 'HEAD' ? undefined : reply.text);
    return;
  }
  res.statusCode = reply.status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Content-Security-Policy', reply.csp);
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('Content-Length', Buffer.byteLength(reply.html));
  res.end(req.method === 'HEAD' ? undefined : reply.html);
}

/**
 * The `app://ccmax/` protocol that serves the renderer build to the dashboard window.
 *
 * Why a custom protocol and not `file://`: Electron's checklist advises against `file://` (every
 * local file shares one origin and `'self'` would cover the whole disk); a standard, secure scheme
 * gives the dashboard its own origin for the IPC sender check, makes root-relative asset URLs from
 * the Vite build resolve, and lets us send the CSP as a real response header (with protocol.handle
 * the response is ours, so no `onHeadersReceived` hook is needed). Requests are confined to the
 * renderer folder: no `..`, no other host, GET only.
 */
import { extname, join, posix, relative, isAbsolute } from 'node:path';
import { CONTENT_TYPES } from '../../shared/content-types.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'ccmax';
/** The dashboard's entry URL. */
export const DASHBOARD_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * For `protocol.registerSchemesAsPrivileged` (before `app` is ready): a standard, secure origin;
 * `corsEnabled` because Vite emits `<script type="module" crossorigin>`, which Chromium fetches in
 * CORS mode and refuses on schemes without it.
 */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
} as const;

/**
 * The dashboard's Content-Security-Policy header: nothing but our own origin; no inline script or
 * style, no plugins, no framing, no forms. (The renderer's `index.html` carries a meta CSP as well;
 * a browser enforces both.)
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** True when `url` is on our origin (`app://ccmax`). */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** The file under `rootDir` that `url` names, or null when it is not ours or escapes the root. */
export function resolveAppPath(url: string, rootDir: string): string | null {
  if (!isAppUrl(url)) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url).pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const normalised = posix.normalize(pathname === '/' || pathname === '' ? '/index.html' : pathname);
  const candidate = join(rootDir, ...normalised.split('/').filter((part) => part !== ''));
  const inside = relative(rootDir, candidate);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return null;
  return candidate;
}

export interface AppProtocolDeps {
  /** The renderer build folder (`out/renderer`). */
  readonly rootDir: string;
  readonly readFile: (path: string) => Promise<Uint8Array>;
  /**
   * Resolves symlinks (Node's `fs.realpath`, promisified: Electron's asar support patches that one). A
   * file whose real path leaves the real renderer folder is not served, so a symlink in the build
   * cannot expose the rest of the disk.
   */
  readonly realpath: (path: string) => Promise<string>;
}

/** The `protocol.handle` handler: serves files from the renderer build with the CSP header. */
export function createAppProtocolHandler(deps: AppProtocolDeps): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed');
    const filePath = resolveAppPath(request.url, deps.rootDir);
    if (filePath === null) return plain(404, 'Not found');
    let body: Uint8Array;
    try {
      const [realFile, realRoot] = await Promise.all([deps.realpath(filePath), deps.realpath(deps.rootDir)]);
      const inside = relative(realRoot, realFile);
      if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return plain(404, 'Not found');
      body = await deps.readFile(filePath);
    } catch {
      return plain(404, 'Not found');
    }
    const headers = {
      'Content-Type': CONTENT_TYPES[extname(filePath).toLowerCase()] ?? 'application/octet-stream',
      'Content-Security-Policy': DASHBOARD_CSP,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    };
    return new Response(request.method === 'HEAD' ? null : Buffer.from(body), { status: 200, headers });
  };
}

function plain(status: number, text: string): Response {
  return new Response(text, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': DASHBOARD_CSP },
  });
}

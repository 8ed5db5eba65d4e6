/**
 * Serves the renderer build from one directory, and nothing outside it: `..` (raw or encoded),
 * absolute paths, dotfiles and symlinks that resolve outside the directory all answer 404.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import type { Logger } from '../engine/index.js';
import { httpError, PAGE_CSP, sendError } from './http-io.js';
import { CONTENT_TYPES } from '../shared/content-types.js';

/** The content type for a file name; `application/octet-stream` when unknown. */
export function contentTypeFor(fileName: string): string {
  return CONTENT_TYPES[extname(fileName).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps a raw (percent-encoded) URL pathname to a path under `rootDir`, or null when it tries to
 * leave it. `/` and paths ending in `/` mean `index.html`. Pure: the symlink check happens on serve.
 */
export function toStaticPath(rootDir: string, rawPathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s !== '');
  // `..`, `.` and dotfiles are refused outright; a drive letter or colon never names a build file.
  if (segments.some((s) => s.startsWith('.') || s.includes(':'))) return null;
  if (decoded.endsWith('/') || segments.length === 0) segments.push('index.html');
  const root = resolve(rootDir);
  const candidate = join(root, ...segments);
  return candidate.startsWith(root + sep) ? candidate : null;
}

export interface StaticFiles {
  /** Answers a GET or HEAD for `rawPathname` from the directory. */
  serve(req: IncomingMessage, res: ServerResponse, rawPathname: string, extraHeaders?: Readonly<Record<string, string>>): Promise<void>;
}

const notFound = httpError(404, 'not-found', 'Nothing is at this address; the dashboard is at /.');

/** Creates the static file server for `rootDir` (resolved once; symlinks re-checked per request). */
export function createStaticFiles(rootDir: string, logger: Logger): StaticFiles {
  const root = resolve(rootDir);
  let rootReal: Promise<string | null> | null = null;
  const realRoot = (): Promise<string | null> => {
    rootReal ??= realpath(root).catch(() => {
      logger.warn('the dashboard directory is missing; run the build', { rendererDir: root });
      rootReal = null;
      return null;
    });
    return rootReal;
  };

  return {
    async serve(req, res, rawPathname, extraHeaders = {}) {
      const candidate = toStaticPath(root, rawPathname);
      const base = await realRoot();
      if (candidate === null || base === null) return sendError(res, notFound);
      const real = await realpath(candidate).catch(() => null);
      if (real === null || !real.startsWith(base + sep)) return sendError(res, notFound);
      const info = await stat(real).catch(() => null);
      if (!info?.isFile()) return sendError(res, notFound);

      const type = contentTypeFor(real);
      const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
      for (const [name, value] of Object.entries(extraHeaders)) res.setHeader(name, value);
      if (type.startsWith('text/html')) res.setHeader('Content-Security-Policy', PAGE_CSP);
      // Revalidate everything: the build does not hash file names, so a cached script could be stale.
      res.setHeader('Cache-Control', 'no-cache');
      res.setHeader('ETag', etag);
      res.setHeader('Last-Modified', info.mtime.toUTCString());
      res.setHeader('Content-Type', type);
      if (req.headers['if-none-match'] === etag) {
        res.statusCode = 304;
        res.end();
        return;
      }
      res.statusCode = 200;
      res.setHeader('Content-Length', info.size);
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      await new Promise<void>((done) => {
        const stream = createReadStream(real);
        stream.on('error', (error) => {
          logger.error('could not read a dashboard file', { file: real, error: error.message });
          res.destroy();
          done();
        });
        res.on('close', done);
        stream.pipe(res);
      });
    },
  };
}

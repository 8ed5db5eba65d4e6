import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentTypeFor, toStaticPath } from '../../src-main/server/static-files.js';
import { INDEX_HTML, send, startServer, type Harness } from './server-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startServer();
});
afterAll(async () => {
  await h.stop();
});

const get = (path: string, headers: Record<string, string> = {}) => send(h.server.port, { path, headers });

describe('serving the dashboard', () => {
  it('serves index.html for / with no-cache', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.text).toBe(INDEX_HTML);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('serves scripts and styles with their content types', async () => {
    const js = await get('/app.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.text).toBe('console.log("app");');
    const css = await get('/assets/style.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('answers a matching If-None-Match with 304', async () => {
    const first = await get('/app.js');
    const etag = String(first.headers['etag']);
    const second = await get('/app.js', { 'if-none-match': etag });
    expect(second.status).toBe(304);
    expect(second.text).toBe('');
  });

  it('answers 404 JSON for a missing file', async () => {
    const res = await get('/missing.js');
    expect(res.status).toBe(404);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('not-found');
  });

  it('ignores the query string when picking the file', async () => {
    expect((await get('/app.js?v=2')).status).toBe(200);
  });
});

describe('path traversal', () => {
  const attempts = [
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E%2Fsecret.txt',
    '/assets%2f..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '//etc/passwd',
    '/%2fetc%2fpasswd',
    '/escape.txt',
    '/.env',
    '/%00index.html',
    '/%E0%A4%A',
    '/C:/Windows/win.ini',
  ];
  for (const path of attempts) {
    it(`answers 404 for ${path}`, async () => {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('outside the renderer dir');
      expect(res.text).not.toContain('root:');
      expect(res.text).not.toContain('SECRET=dotfile');
    });
  }
});

describe('toStaticPath', () => {
  const root = resolve('/srv/renderer');

  it('maps / and directory paths to index.html', () => {
    expect(toStaticPath(root, '/')).toBe(join(root, 'index.html'));
    expect(toStaticPath(root, '/sub/')).toBe(join(root, 'sub', 'index.html'));
  });

  it('keeps a plain file under the root', () => {
    expect(toStaticPath(root, '/assets/app.js')).toBe(join(root, 'assets', 'app.js'));
  });

  it('refuses encoded parent segments', () => {
    expect(toStaticPath(root, '/%2e%2e/x')).toBeNull();
  });

  it('refuses malformed percent-encoding', () => {
    expect(toStaticPath(root, '/%zz')).toBeNull();
  });
});

describe('contentTypeFor', () => {
  it('falls back to octet-stream for unknown extensions', () => {
    expect(contentTypeFor('x.bin')).toBe('application/octet-stream');
    expect(contentTypeFor('X.SVG')).toBe('image/svg+xml');
  });
});

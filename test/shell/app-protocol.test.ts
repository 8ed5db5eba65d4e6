import { mkdtemp, mkdir, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppProtocolHandler, DASHBOARD_CSP, isAppUrl, resolveAppPath } from '../../src-main/shell/windows/app-protocol.js';

let root: string;
let rendererDir: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ccmax-protocol-'));
  rendererDir = join(root, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>ccmax</title>');
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(root, 'secret.txt'), 'outside the renderer');
  await symlink(join(root, 'secret.txt'), join(rendererDir, 'assets', 'leak.js'));
  await symlink(join(rendererDir, 'assets', 'app.js'), join(rendererDir, 'alias.js'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const handler = () => createAppProtocolHandler({ rootDir: rendererDir, readFile, realpath });

describe('app:// protocol', () => {
  it('serves index.html for the root with the CSP header', async () => {
    const response = await handler()(new Request('app://ccmax/'));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>ccmax</title>');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves assets with their content type', async () => {
    const response = await handler()(new Request('app://ccmax/assets/app.js'));
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await response.text()).toBe('console.log(1)');
  });

  it('keeps the CSP to our own origin with no inline script', () => {
    expect(DASHBOARD_CSP).toContain("default-src 'self'");
    expect(DASHBOARD_CSP).toContain("script-src 'self'");
    expect(DASHBOARD_CSP).not.toContain('unsafe-inline');
    expect(DASHBOARD_CSP).not.toMatch(/https?:/);
  });

  it.each([
    ['an encoded backslash', 'app://ccmax/..%5csecret.txt'],
    ['another host', 'app://evil/index.html'],
    ['another scheme', 'file:///etc/passwd'],
  ])('refuses %s', async (_name, url) => {
    expect(resolveAppPath(url, rendererDir)).toBeNull();
  });

  it('keeps parent-path tricks inside the renderer folder', () => {
    for (const url of ['app://ccmax/%2e%2e/secret.txt', 'app://ccmax/..%2fsecret.txt', 'app://ccmax/assets/..%2f..%2fsecret.txt']) {
      expect(resolveAppPath(url, rendererDir)).toBe(join(rendererDir, 'secret.txt'));
    }
  });

  it('never serves a file outside the renderer folder', async () => {
    for (const url of [
      'app://ccmax/../secret.txt',
      'app://ccmax/assets/../../secret.txt',
      'app://ccmax/%2e%2e/secret.txt',
      'app://ccmax/..%2f..%2fsecret.txt',
    ]) {
      const response = await handler()(new Request(url));
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('outside the renderer');
    }
  });

  it('does not follow a symlink out of the renderer folder', async () => {
    const response = await handler()(new Request('app://ccmax/assets/leak.js'));
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('outside the renderer');
  });

  it('still serves a symlink that stays inside the renderer folder', async () => {
    const response = await handler()(new Request('app://ccmax/alias.js'));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('console.log(1)');
  });

  it('answers 404 for a missing file and 405 for a POST', async () => {
    expect((await handler()(new Request('app://ccmax/missing.js'))).status).toBe(404);
    expect((await handler()(new Request('app://ccmax/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
  });

  it('recognises only our origin as ours', () => {
    expect(isAppUrl('app://ccmax/index.html')).toBe(true);
    expect(isAppUrl('app://other/index.html')).toBe(false);
    expect(isAppUrl('https://ccmax/index.html')).toBe(false);
  });
});

import { createServer, get, type Server } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DISCOVERY_FILE } from '../../src-main/host/paths.js';
import { confStoreAdapter } from '../../src-main/engine/storage/conf-json-store.js';
import { startDesktopApp, type DesktopApp } from '../../src-main/shell/desktop-app.js';
import { createDesktopEngine, type DesktopEngine } from '../../src-main/shell/engine-factory.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { createFakeElectron, type FakeElectron } from '../fakes/fake-electron.js';
import { createRecordingLogger } from './shell-helpers.js';

interface Running {
  readonly desktop: DesktopEngine;
  readonly app: DesktopApp;
  readonly electron: FakeElectron;
  quit(): Promise<void>;
}

let dir: string;
let rendererDir: string;
const running: Running[] = [];
const servers: Server[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ccmax-local-server-'));
  rendererDir = join(dir, 'renderer');
  await mkdir(rendererDir);
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>ccmax dashboard</title>');
});
afterEach(async () => {
  for (const r of running.splice(0).reverse()) await r.quit();
  for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

/** The tray app as main.ts composes it: the real desktop engine and local server, a fake Electron. */
async function launch(options: { dataDir?: string; port?: number } = {}): Promise<Running> {
  const electron = createFakeElectron('linux');
  const logger = createRecordingLogger();
  const desktop = await createDesktopEngine({
    dataDir: options.dataDir ?? join(dir, 'data'),
    env: { CCMAX_VAULT: 'file', CLAUDE_CONFIG_DIR: join(dir, 'claude'), CCMAX_PORT: String(options.port ?? 0) },
    platform: 'linux',
    homeDir: dir,
    logger,
    demo: false,
    rendererDir,
    createStoreAdapter: confStoreAdapter,
  });
  const app = startDesktopApp({
    ...electron,
    loginItem: { apply: async () => {} },
    desktop,
    platform: 'linux',
    clock: new FakeClock(),
    logger,
    preloadPath: join(dir, 'preload.cjs'),
    dashboardUrl: 'app://ccmax/index.html',
  });
  await app.startEngine();
  let quitting: Promise<void> | null = null;
  const r: Running = {
    desktop,
    app,
    electron,
    quit: () =>
      (quitting ??= (async () => {
        electron.app.quit();
        await until(() => electron.app.quitted);
      })()),
  };
  running.push(r);
  return r;
}

async function until(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function urlOf(desktop: DesktopEngine): string {
  const status = desktop.localServer;
  if (status.kind !== 'serving') throw new Error(`expected a serving local server, got ${status.kind}`);
  return status.url;
}

/**
 * GET without keep-alive: a browser's idle keep-alive socket after a piped file makes the server's
 * close wait its whole grace period (3 s) on Node 20, which a test need not sit through.
 */
function getPage(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(text));
    }).on('error', reject);
  });
}

/** Another program on a loopback port: answers 404 to everything. */
async function occupyPort(): Promise<number> {
  const server = createServer((_req, res) => res.writeHead(404).end('not here'));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return address.port;
}

const discoveryPath = (dataDir = join(dir, 'data')) => join(dataDir, DISCOVERY_FILE);

describe('the tray app local server', () => {
  it('starts with the app: /api/health answers as ccmax-monitor and the dashboard is served to a browser', async () => {
    const { desktop } = await launch();
    const url = urlOf(desktop);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${url}/api/health`);
    expect(await health.json()).toMatchObject({ ok: true, product: 'ccmax-monitor', demo: false });
    expect(await getPage(`${url}/`)).toContain('ccmax dashboard');
  });

  it('runs the engine in full: it started, and commands change state', async () => {
    const { desktop } = await launch();
    expect(desktop.engine.events({ kinds: ['engine-started'] })).toHaveLength(1);
    expect(await desktop.handlers.pauseRotation({})).toEqual({ ok: true, value: { paused: true } });
  });

  it('accepts a heartbeat WebSocket from loopback and records the live session', async () => {
    const { desktop } = await launch();
    const socket = new WebSocket(`${urlOf(desktop).replace('http:', 'ws:')}/heartbeat`);
    const ack = new Promise<unknown>((resolve, reject) => {
      socket.once('message', (data: Buffer) => resolve(JSON.parse(data.toString('utf8'))));
      socket.once('error', reject);
    });
    await new Promise<void>((resolve, reject) => socket.once('open', () => resolve()).once('error', reject));
    socket.send(
      JSON.stringify({
        v: 1,
        id: 'm1',
        type: 'session-started',
        sessionId: 'sess-tray-1',
        pid: null,
        claudeVersion: null,
        source: 'startup',
      }),
    );
    expect(await ack).toMatchObject({ type: 'ack', id: 'm1' });
    expect(desktop.engine.snapshot().sessions.map((s) => s.id)).toEqual(['sess-tray-1']);
    socket.close();
  });

  it('writes the discovery file at start and removes it on quit', async () => {
    const r = await launch();
    const info = JSON.parse(await readFile(discoveryPath(), 'utf8')) as { url: string; pid: number };
    expect(info).toMatchObject({ version: 1, url: urlOf(r.desktop), pid: process.pid, demo: false });
    await r.quit();
    await expect(readFile(discoveryPath(), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(fetch(`${info.url}/api/health`)).rejects.toThrow();
  });

  it('keeps running without a server when another program holds its port, and says so once', async () => {
    const port = await occupyPort();
    const r = await launch({ port });
    expect(r.desktop.localServer).toEqual({ kind: 'port-taken', address: `127.0.0.1:${port}` });
    expect(r.electron.notifications.shown).toEqual([expect.objectContaining({ title: 'Live sessions cannot reach ccmax-monitor' })]);
    expect(r.electron.trays).toHaveLength(1);
    r.electron.trays[0]!.click('open-dashboard');
    expect(r.electron.windows).toHaveLength(1);
    expect(r.desktop.engine.events({ kinds: ['engine-started'] })).toHaveLength(1); // no other monitor: it still rotates
    await expect(readFile(discoveryPath(), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    await r.quit();
  });
});

describe('when another ccmax-monitor already serves', () => {
  it('defers to the one in the discovery file: notifies once, runs no server and no rotation', async () => {
    const first = await launch();
    const otherUrl = urlOf(first.desktop);
    const second = await launch();
    expect(second.desktop.localServer).toEqual({ kind: 'deferring', url: otherUrl });
    expect(second.electron.notifications.shown).toHaveLength(1);
    expect(second.electron.notifications.shown[0]!.body).toContain(
      `Another ccmax-monitor is serving on ${new URL(otherUrl).host}; live sessions report to it`,
    );
    // A rotation that ran has decided something; the observer's never did.
    await first.desktop.engine.settleRotation();
    expect(second.desktop.engine.snapshot().rotation?.lastDecision).toBeNull();
    expect(first.desktop.engine.snapshot().rotation?.lastDecision).toEqual(expect.any(String));
  });

  it('refuses changes while observing, without persisting anything', async () => {
    await launch();
    const second = await launch();
    const paused = await second.desktop.handlers.pauseRotation({});
    expect(paused).toMatchObject({ ok: false, error: { code: 'deferring' } });
    expect(second.desktop.engine.snapshot().paused).toBe(false);
    expect(await second.desktop.handlers.getSnapshot({})).toMatchObject({ ok: true });
  });

  it('leaves the other monitor its discovery file when it quits', async () => {
    const first = await launch();
    const second = await launch();
    await second.quit();
    const info = JSON.parse(await readFile(discoveryPath(), 'utf8')) as { url: string };
    expect(info.url).toBe(urlOf(first.desktop));
  });

  it('also defers to a ccmax-monitor that answers on its port with another data dir', async () => {
    const first = await launch({ dataDir: join(dir, 'elsewhere') });
    const port = new URL(urlOf(first.desktop)).port;
    const second = await launch({ port: Number(port) });
    expect(second.desktop.localServer).toEqual({ kind: 'deferring', url: `http://127.0.0.1:${port}` });
    expect(second.desktop.engine.events({ kinds: ['engine-started'] })).toEqual([]);
  });
});

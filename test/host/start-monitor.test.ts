/**
 * startMonitor: the one composition of engine + server that `serve` (refuse) and the tray app
 * (defer) both run. Real data dirs, real servers on 127.0.0.1:0.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DISCOVERY_FILE } from '../../src-main/host/paths.js';
import { silentLogger } from '../../src-main/engine/ports.js';
import { MonitorAlreadyRunning, startMonitor, type Monitor, type StartMonitorOptions } from '../../src-main/host/start-monitor.js';

let dir: string;
const monitors: Monitor[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ccmax-start-monitor-'));
  await mkdir(join(dir, 'renderer'), { recursive: true });
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>dash</title>');
});
afterEach(async () => {
  for (const m of monitors.splice(0).reverse()) await m.close();
  await rm(dir, { recursive: true, force: true });
});

async function start(options: Partial<StartMonitorOptions> = {}): Promise<Monitor> {
  const monitor = await startMonitor({
    dataDir: join(dir, 'data'),
    env: { CLAUDE_CONFIG_DIR: join(dir, 'claude') },
    platform: 'linux',
    homeDir: dir,
    vaultKind: 'file',
    logger: silentLogger,
    demo: false,
    port: 0,
    token: null,
    rendererDir: join(dir, 'renderer'),
    otherMonitor: 'refuse',
    ...options,
  });
  monitors.push(monitor);
  return monitor;
}

const urlOf = (m: Monitor): string => {
  if (m.server.kind !== 'serving') throw new Error(`expected serving, got ${m.server.kind}`);
  return m.server.url;
};

const readEvents = async (): Promise<string> => readFile(join(dir, 'data', 'events.jsonl'), 'utf8').catch(() => '');

describe('startMonitor', () => {
  it('serves the API and advertises itself in the discovery file; close removes it', async () => {
    const m = await start();
    await m.start();
    const health = (await (await fetch(`${urlOf(m)}/api/health`)).json()) as { product?: string };
    expect(health.product).toBe('ccmax-monitor');
    const discovery = JSON.parse(await readFile(join(dir, 'data', DISCOVERY_FILE), 'utf8')) as { url: string; pid: number };
    expect(discovery).toMatchObject({ url: urlOf(m), pid: process.pid });
    await m.close();
    await expect(readFile(join(dir, 'data', DISCOVERY_FILE), 'utf8')).rejects.toThrow();
  });

  it('refuses (serve) a second monitor for a data dir another one serves, naming it', async () => {
    const first = await start();
    const second = start();
    await expect(second).rejects.toBeInstanceOf(MonitorAlreadyRunning);
    await expect(second).rejects.toThrow(`already running for ${join(dir, 'data')} at ${urlOf(first)} (pid ${process.pid})`);
    expect(JSON.parse(await readFile(join(dir, 'data', DISCOVERY_FILE), 'utf8'))).toMatchObject({ url: urlOf(first) });
  });

  it('lets exactly one of two monitors started at the same moment on one data dir run; the other names it', async () => {
    const results = await Promise.allSettled([start(), start()]);
    const ran = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ran).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.reason).toBeInstanceOf(MonitorAlreadyRunning);
    expect(String(refused[0]?.reason)).toContain(`pid ${process.pid}`);
    // The one that runs is unharmed by the refused one's attempt.
    const winner = (ran[0] as PromiseFulfilledResult<Monitor>).value;
    await winner.start();
    expect(((await (await fetch(`${urlOf(winner)}/api/health`)).json()) as { product?: string }).product).toBe('ccmax-monitor');
  });

  it('takes over the data-dir lock a killed monitor left behind', async () => {
    await mkdir(join(dir, 'data'), { recursive: true });
    await writeFile(join(dir, 'data', 'monitor.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, nonce: 'dead', url: null }));
    const m = await start();
    await m.start();
    expect(m.server.kind).toBe('serving');
  });

  it('defers (tray app) to a monitor that serves the data dir: no server, changes refused, saved state only loaded', async () => {
    const first = await start();
    const second = await start({ otherMonitor: 'defer' });
    expect(second.server).toEqual({ kind: 'deferring', url: urlOf(first) });
    const paused = await second.handlers.pauseRotation({});
    expect(paused.ok).toBe(false);
    if (!paused.ok) expect(paused.error.code).toBe('deferring');
    await second.start();
    await second.close();
    expect(await readEvents()).not.toContain('engine-started');
  });

  it('starts nothing when the server is refused: a non-loopback address without a token', async () => {
    await expect(start({ host: '0.0.0.0' })).rejects.toThrow('listening on 0.0.0.0 needs a token');
    expect(await readEvents()).not.toContain('engine-started');
    await expect(readFile(join(dir, 'data', DISCOVERY_FILE), 'utf8')).rejects.toThrow();
  });

  it('reports the refused server as a status under defer, and the engine still runs', async () => {
    const m = await start({ host: '0.0.0.0', otherMonitor: 'defer' });
    expect(m.server).toMatchObject({ kind: 'refused', message: expect.stringContaining('needs a token') });
    await m.start();
    await m.close();
    expect(await readEvents()).toContain('engine-started');
  });
});

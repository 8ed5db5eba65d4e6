/**
 * Demo mode shows made-up machines (issue 13 item 5): `startMonitor({ demo: true })` without a token
 * publishes three demo machines in the snapshot (one current, one lagging a generation behind, one
 * out of reach), announces the out-of-reach one once as an event, and the revokeMachine command
 * (the dashboard's path) marks one revoked; a monitor that is neither hub nor demo answers unavailable.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src-main/engine/ports.js';
import { startMonitor, type Monitor, type StartMonitorOptions } from '../../src-main/host/start-monitor.js';
import { isBehind, isOutOfReach } from '../../src-main/shared/machine-reach.js';

let dir: string;
const monitors: Monitor[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ccmax-demo-machines-'));
  await mkdir(join(dir, 'renderer'), { recursive: true });
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>dash</title>');
});
afterEach(async () => {
  for (const m of monitors.splice(0).reverse()) await m.close();
  await rm(dir, { recursive: true, force: true });
});

async function start(options: Partial<StartMonitorOptions>): Promise<Monitor> {
  const monitor = await startMonitor({
    dataDir: null,
    env: {},
    platform: 'linux',
    homeDir: dir,
    vaultKind: 'file',
    logger: silentLogger,
    demo: true,
    port: 0,
    token: null,
    rendererDir: join(dir, 'renderer'),
    otherMonitor: 'refuse',
    ...options,
  });
  monitors.push(monitor);
  return monitor;
}

describe('demo machines', () => {
  it('publishes three demo machines, announces the out-of-reach one once, and revokes through the command', async () => {
    const m = await start({});
    await m.start();
    const machines = m.engine.snapshot().machines ?? [];
    expect(machines.map((x) => [x.id, x.demo, x.host.endsWith('(demo)')])).toEqual([
      ['demo-build-server', true, true],
      ['demo-laptop', true, true],
      ['demo-old-desktop', true, true],
    ]);
    const now = Date.now();
    expect(machines.map((x) => [x.connected, x.lagging, isBehind(x), isOutOfReach(x, now)])).toEqual([
      [true, false, false, false],
      [true, true, true, false],
      [false, false, false, true],
    ]);
    const active = m.engine.snapshot().accounts.find((a) => a.active);
    expect(machines[0]?.held?.fingerprint).toBe(active?.token.fingerprint);
    // The watch's first check comes 2 s after start.
    const deadline = Date.now() + 15_000;
    while (m.engine.events({ kinds: ['machine-out-of-reach'] }).length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const outOfReach = m.engine.events({ kinds: ['machine-out-of-reach'] });
    expect(outOfReach.map((e) => e.data?.['machineId'])).toEqual(['demo-old-desktop']);

    expect(await m.handlers.revokeMachine({ machineId: 'demo-laptop' })).toEqual({ ok: true, value: { revoked: 'demo-laptop' } });
    const after = m.engine.snapshot().machines?.find((x) => x.id === 'demo-laptop');
    expect([after?.revoked, after?.connected]).toEqual([true, false]);
    const unknown = await m.handlers.revokeMachine({ machineId: 'nope' });
    expect(!unknown.ok && unknown.error.code).toBe('not-found');
  });

  it('a monitor that is not a hub has no machines and answers revokeMachine with unavailable', async () => {
    const m = await start({ demo: false, dataDir: join(dir, 'data'), env: { CLAUDE_CONFIG_DIR: join(dir, 'claude') } });
    await m.start();
    expect(m.engine.snapshot().machines).toBeUndefined();
    const r = await m.handlers.revokeMachine({ machineId: 'm-1' });
    expect(!r.ok && r.error.code).toBe('unavailable');
  });
});

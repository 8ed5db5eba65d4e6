/** The data-dir lock (issue 14 item 2): exactly one holder, also when several take over a dead one's lock at once. */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src-main/engine/ports.js';
import { lockDataDir } from '../../src-main/host/data-dir-lock.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ccmax-dirlock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const DEAD_PID = 2 ** 22 + 4321;

describe('data-dir lock', () => {
  it('gives the lock to exactly one of many takers at once, and names the holder to the others', async () => {
    for (let round = 0; round < 20; round++) {
      const outcomes = await Promise.all(Array.from({ length: 6 }, () => lockDataDir(dir, silentLogger)));
      const winners = outcomes.filter((o) => o.kind === 'locked');
      expect(winners).toHaveLength(1);
      for (const o of outcomes) if (o.kind === 'held') expect(o.holder.pid).toBe(process.pid);
      for (const w of winners) if (w.kind === 'locked') await w.lock.release();
    }
  });

  it('lets exactly one of many takers take over a dead monitor’s lock', async () => {
    for (let round = 0; round < 20; round++) {
      await writeFile(join(dir, 'monitor.lock'), JSON.stringify({ pid: DEAD_PID, nonce: `dead-${round}`, url: null }));
      const outcomes = await Promise.all(Array.from({ length: 6 }, () => lockDataDir(dir, silentLogger)));
      expect(outcomes.filter((o) => o.kind === 'locked')).toHaveLength(1);
      for (const o of outcomes) if (o.kind === 'locked') await o.lock.release();
      expect((await readdir(dir)).filter((n) => n.startsWith('monitor.lock'))).toEqual([]);
    }
  });

  it('advertises the URL to a second taker, and takes over an unreadable lock file', async () => {
    await writeFile(join(dir, 'monitor.lock'), '');
    const first = await lockDataDir(dir, silentLogger);
    expect(first.kind).toBe('locked');
    if (first.kind !== 'locked') return;
    await first.lock.advertise('http://127.0.0.1:4567');
    expect(await lockDataDir(dir, silentLogger)).toEqual({ kind: 'held', holder: { pid: process.pid, url: 'http://127.0.0.1:4567' } });
    expect(JSON.parse(await readFile(join(dir, 'monitor.lock'), 'utf8'))).toMatchObject({ pid: process.pid });
    await first.lock.release();
  });
});

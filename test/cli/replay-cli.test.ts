/** `ccmax-monitor replay` against a data dir with no monitor running: the table in 80 columns, JSON, refusals. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHistoryStore } from '../../src-main/engine/history/history-store.js';
import { openHistoryDb } from '../../src-main/engine/history/open-history-db.js';
import type { ReplayView } from '../../src-main/shared/replay-view.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'ccmax-monitor.js');
const H = 3_600_000;
let dir: string;

const cli = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args, '--data-dir', dir], {
    encoding: 'utf8',
    env: { ...process.env, CCMAX_DATA_DIR: dir, COLUMNS: '80' },
  });

beforeAll(() => {
  if (!existsSync(join(ROOT, 'out', 'cli.js'))) spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  dir = mkdtempSync(join(tmpdir(), 'ccmax-replay-cli-'));
  const nowMs = Date.now();
  const startMs = Math.floor((nowMs - 72 * H) / H) * H;
  const resetMs = startMs + 48 * H;
  const store = createHistoryStore(openHistoryDb(join(dir, 'history.db'), startMs).db);
  store.noteAccount({ id: 'acct-a', email: 'a@example.com', label: null, plan: 'Max 20x' }, startMs);
  store.noteAccount({ id: 'acct-b', email: 'b@example.com', label: null, plan: 'Max 20x' }, startMs);
  store.setActive('acct-a', startMs);
  // a: 40 % at the start, 1 point an hour, its week resets 48 h later (88 % then); b idle at 5 %.
  for (let t = 0; t <= 70; t++) {
    const atMs = startMs + t * H;
    const sevenDay = atMs < resetMs ? { pct: 40 + t, resetsAtMs: resetMs } : { pct: t - 48, resetsAtMs: resetMs + 168 * H };
    store.recordReading('acct-a', { atMs, source: 'statusline', fiveHour: null, sevenDay });
    store.recordReading('acct-b', { atMs, source: 'poll', fiveHour: null, sevenDay: { pct: 5, resetsAtMs: startMs + 120 * H } });
  }
  store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ccmax-monitor replay', () => {
  it('prints recorded, as-is and what-if side by side within 80 columns', () => {
    const r = cli('replay', '--threshold', '90', '--accounts', '+1', '--plan', 'Max 5x');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(lines).toContainEqual(expect.stringMatching(/^ +recorded +as is +what if$/));
    expect(lines).toContainEqual(expect.stringMatching(/^5h threshold +80 % +80 % +90 %$/));
    expect(lines).toContainEqual(expect.stringMatching(/^accounts +2 +2 +3 \(\+1\)$/));
    // The last reading before the reset was 87 % (13 % expired); what was used between it and the
    // reset is not in any reading, so the replay ends the week at 87 % too.
    expect(lines).toContainEqual(expect.stringMatching(/^expired unused +13\.0 % +13\.0 % +\S+ %$/));
    expect(r.stdout).toContain('Added: 1 × Max 5x.');
  });

  it('gives the view as JSON, and leaves accounts out with --accounts -1', () => {
    const r = cli('replay', '--json', '--accounts', '-1');
    expect(r.status).toBe(0);
    const view = JSON.parse(r.stdout) as ReplayView;
    expect(view.whatIf.fleet.map((a) => a.email)).toEqual(['a@example.com']);
    expect(view.replayedAsIs.expiredUnusedPct).toBe(13);
    // One point an hour: 47 read before the reset (the hour across it is unknown) and 22 after = 0.69 Max 20x weeks.
    expect(view.demand.max20xWeeks).toBeCloseTo(0.69, 5);
  });

  it('refuses a bad option value with exit code 2 and a clear message', () => {
    for (const args of [
      ['--threshold', 'lots'],
      ['--plan', 'Team'],
      ['--accounts', '+9'],
    ]) {
      const r = cli('replay', ...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^replay: /);
    }
  });
});

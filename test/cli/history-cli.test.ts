import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHistoryStore } from '../../src-main/engine/history/history-store.js';
import { openHistoryDb } from '../../src-main/engine/history/open-history-db.js';
import type { InsightsView } from '../../src-main/shared/history-view.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'ccmax-monitor.js');
const H = 3_600_000;
let dir: string;

/** Runs the CLI against the data dir with no monitor running (CCMAX_DATA_DIR chosen, so no other monitor counts). */
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args, '--data-dir', dir], { encoding: 'utf8', env: { ...process.env, CCMAX_DATA_DIR: dir } });

beforeAll(() => {
  if (!existsSync(join(ROOT, 'out', 'cli.js'))) spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  dir = mkdtempSync(join(tmpdir(), 'ccmax-history-cli-'));
  const store = createHistoryStore(openHistoryDb(join(dir, 'history.db'), Date.now()).db);
  const resetMs = Date.now() - 2 * H;
  store.noteAccount({ id: 'acct-a', email: 'a@example.com', label: null, plan: 'Max 20x' }, Date.now());
  store.recordReading('acct-a', {
    atMs: resetMs - 10 * 60_000,
    source: 'poll',
    fiveHour: null,
    sevenDay: { pct: 75, resetsAtMs: resetMs },
  });
  store.recordReading('acct-a', {
    atMs: resetMs + 10 * 60_000,
    source: 'poll',
    fiveHour: null,
    sevenDay: { pct: 2, resetsAtMs: resetMs + 168 * H },
  });
  store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ccmax-monitor history and insights', () => {
  it('prints what expired unused at a weekly reset, read from the data dir when no monitor runs', () => {
    const r = cli('history', 'a@example.com');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('expired unused 25 %');
  });

  it('gives the insight figures as JSON and CSV', () => {
    const json = cli('insights', '--json');
    expect(json.status).toBe(0);
    const view = JSON.parse(json.stdout) as InsightsView;
    expect(view.fleet.expiredUnusedPct).toBe(25);
    expect(view.fleet.expiredUnusedMax20xDays).toBe(1.8);
    const csv = cli('insights', '--csv');
    expect(csv.stdout.split('\n')[0]).toMatch(/^period_start,period,account,weekly_resets/);
    expect(csv.stdout).toContain('all,a@example.com,1,0,25,1.8');
  });

  it('says which account is unknown', () => {
    const r = cli('history', 'nobody@example.com');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("no account 'nobody@example.com'");
  });
});

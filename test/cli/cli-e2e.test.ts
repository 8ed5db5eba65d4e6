/**
 * The built `ccmax-monitor` command as a user runs it, against the loopback stand-in API:
 * `accounts import` from a Claude Code config dir, `status` without and with a server, `serve`
 * showing the account's real email and figures within one poll, one server per data dir, SIGTERM.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetSnapshot } from '../../src-main/shared/view-model.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { startStandInHarness, type StandInHarness } from '../stand-in/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'ccmax-monitor.js');

let stand: StandInHarness;
let dir: string;
let env: NodeJS.ProcessEnv;
let server: ChildProcess | null = null;

/** Runs the command without blocking this process (the stand-in API answers from here). */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'out', 'cli.js'))) spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  // The command runs on the real clock, so the simulated logins are issued at real time too.
  stand = await startStandInHarness({ count: 2, clock: new FakeClock(Date.now()) });
  dir = await mkdtemp(join(tmpdir(), 'ccmax-cli-'));
  const claudeDir = join(dir, 'claude');
  await mkdir(claudeDir);
  const c = stand.simulator.credentials(stand.accountId(0));
  await writeFile(
    join(claudeDir, '.credentials.json'),
    JSON.stringify({
      claudeAiOauth: {
        accessToken: c.accessToken,
        refreshToken: c.refreshToken,
        expiresAt: c.expiresAtMs,
        scopes: c.scopes,
        subscriptionType: 'max',
      },
    }),
    { mode: 0o600 },
  );
  env = {
    PATH: process.env.PATH,
    HOME: dir,
    CLAUDE_CONFIG_DIR: claudeDir,
    CCMAX_DATA_DIR: join(dir, 'data'),
    CCMAX_VAULT: 'file',
    CCMAX_API_BASE_URL: stand.standIn.url,
    CCMAX_OAUTH_TOKEN_URL: stand.standIn.tokenUrl,
  };
}, 120_000);

afterAll(async () => {
  server?.kill('SIGKILL');
  await stand?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function startServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve printed no URL: ${out}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited early (${code}): ${out}`)));
  });
  return { url, child };
}

describe('the ccmax-monitor command', () => {
  it('imports the login Claude Code holds, with the identity from the profile endpoint', async () => {
    const r = await cli(['accounts', 'import']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Added ${stand.simulator.account(stand.accountId(0))!.email}`);
    expect(r.stdout).toContain('file vault');
  });

  it('prints the fleet from the data dir when no server runs', async () => {
    const r = await cli(['status', '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as FleetSnapshot;
    expect(s.accounts.map((a) => a.email)).toEqual([stand.simulator.account(stand.accountId(0))!.email]);
    expect(s.activeAccountId).toBe(stand.accountId(0));
  });

  it('serves the account’s real email and 7d/5h figures within one poll', async () => {
    const started = await startServer();
    server = started.child;
    const sim = stand.simulator.account(stand.accountId(0))!;
    let row: FleetSnapshot['accounts'][number] | undefined;
    for (let i = 0; i < 100 && row?.sevenDay.utilizationPct == null; i++) {
      await new Promise((r) => setTimeout(r, 100));
      row = ((await (await fetch(`${started.url}/api/state`)).json()) as FleetSnapshot).accounts[0];
    }
    expect(row?.email).toBe(sim.email);
    expect(row?.sevenDay.utilizationPct).toBe(sim.windows.sevenDayPct);
    expect(row?.fiveHour.utilizationPct).toBe(sim.windows.fiveHourPct);
    expect(row?.active).toBe(true);
  });

  it('prints the same table through the running server', async () => {
    const r = await cli(['status']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/▶\s+1\s+\S+@demo\.example/);
    expect(r.stdout).toMatch(/^monitor: http:\/\/127\.0\.0\.1:\d+ · found by the data dir /);
  });

  it('refuses a second server for the same data dir', async () => {
    const r = await cli(['serve', '--port', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/another ccmax-monitor is already running/);
  });

  it('stops cleanly on SIGTERM and removes its discovery file', async () => {
    const child = server!;
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    server = null;
    expect(existsSync(join(dir, 'data', 'server.json'))).toBe(false);
  });
});

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pulserLockPath, readLockPid, isProcessAlive } from '../../src-main/cli/heartbeat/pulser-lock.js';
import { startMonitor, waitFor } from './monitor-harness.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(import.meta.dirname, 'fixtures', 'claude-code-2.1.197');
let outDir = '';
let script = '';
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'ccmax-hb-bundle-'));
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts/build-heartbeat.mjs'), '--outdir', outDir], { encoding: 'utf8' });
  expect(built.status, built.stderr).toBe(0);
  script = join(outDir, 'heartbeat.js');
});
afterAll(() => rm(outDir, { recursive: true, force: true }));
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

/** A stand-in for the Claude Code process whose lifetime the pulser watches. */
function fakeClaude(): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  cleanups.push(() => void child.kill('SIGKILL'));
  return child;
}

/** Runs the bundled hook asynchronously (the monitor lives in this process and must keep answering). */
function runHook(stdin: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, 'hook'], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('close', (status) => resolve({ status, stdout }));
    child.stdin.end(stdin);
  });
}

const payload = (name: string, sessionId: string): string => {
  const json = JSON.parse(readFileSync(join(FIXTURES, `hook-${name}.json`), 'utf8')) as Record<string, unknown>;
  return JSON.stringify({ ...json, session_id: sessionId, cwd: tmpdir() });
};

async function setup() {
  const monitor = await startMonitor();
  const dataDir = await mkdtemp(join(tmpdir(), 'ccmax-hb-data-'));
  cleanups.push(async () => {
    await monitor.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  const claude = fakeClaude();
  const env = { CCMAX_URL: monitor.url, CCMAX_DATA_DIR: dataDir, CLAUDE_PID: String(claude.pid), CCMAX_PULSE_INTERVAL_MS: '100' };
  return { monitor, dataDir, claude, env };
}

describe('bundled heartbeat client', () => {
  it('is one small file without heavy dependencies', () => {
    const text = readFileSync(script, 'utf8');
    expect(statSync(script).size).toBeLessThan(40_000);
    expect(text).not.toMatch(/from\s*"(ws|zod)"/);
  });

  it('starts a detached pulser that pulses and reports the session ended when Claude Code exits', async () => {
    const { monitor, dataDir, claude, env } = await setup();
    expect(await runHook(payload('SessionStart', 'sess-a'), env)).toEqual({ status: 0, stdout: '' });
    const lock = pulserLockPath(dataDir, 'sess-a');
    await waitFor(() => monitor.received.some((m) => m.type === 'alive' && m.sessionId === 'sess-a'));
    const pulserPid = readLockPid(lock);
    expect(pulserPid).not.toBeNull();
    claude.kill('SIGKILL');
    await waitFor(() => monitor.received.some((m) => m.type === 'session-ended' && m.reason === 'process-exited'));
    expect(monitor.registry.activeSessionCount()).toBe(0);
    await waitFor(() => !existsSync(lock) && !isProcessAlive(pulserPid as number));
  });

  it('never runs two pulsers for one session', async () => {
    const { dataDir, env } = await setup();
    await runHook(payload('SessionStart', 'sess-b'), env);
    const lock = pulserLockPath(dataDir, 'sess-b');
    await waitFor(() => readLockPid(lock) !== null);
    const first = readLockPid(lock);
    await runHook(payload('UserPromptSubmit', 'sess-b'), env);
    await runHook(payload('SessionStart', 'sess-b'), env);
    await new Promise((r) => setTimeout(r, 300));
    expect(readLockPid(lock)).toBe(first);
    const pulsers = spawnSync('pgrep', ['-f', `pulse sess-b`], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
    expect(pulsers).toHaveLength(1);
  });

  it('stops the pulser at SessionEnd', async () => {
    const { monitor, dataDir, env } = await setup();
    await runHook(payload('SessionStart', 'sess-c'), env);
    const lock = pulserLockPath(dataDir, 'sess-c');
    await waitFor(() => readLockPid(lock) !== null);
    const pulserPid = readLockPid(lock) as number;
    await runHook(payload('SessionEnd', 'sess-c'), env);
    await waitFor(() => !isProcessAlive(pulserPid));
    expect(existsSync(lock)).toBe(false);
    expect(monitor.registry.activeSessionCount()).toBe(0);
  });

  it('exits 0 with no output when the monitor is down', async () => {
    const result = await runHook(payload('PostToolUse', 'sess-d'), { CCMAX_PORT: '1', CCMAX_DATA_DIR: tmpdir() });
    expect(result).toEqual({ status: 0, stdout: '' });
  });
});

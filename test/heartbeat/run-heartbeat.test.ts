import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runHeartbeat, type HeartbeatIo } from '../../src-main/cli/heartbeat/run-heartbeat.js';
import { startMonitor } from './monitor-harness.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'claude-code-2.1.197');
const fixtureText = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function makeIo(stdinText: string, env: NodeJS.ProcessEnv) {
  const dataDir = await mkdtemp(join(tmpdir(), 'ccmax-hb-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const out: string[] = [];
  const spawned: { args: readonly string[]; cwd: string }[] = [];
  const io: HeartbeatIo = {
    stdin: Readable.from([Buffer.from(stdinText)]),
    stdout: (t) => out.push(t),
    stderr: () => {},
    env: { CCMAX_DATA_DIR: dataDir, ...env },
    platform: process.platform,
    homeDir: dataDir,
    cwd: dataDir,
    ppid: process.pid,
    selfArgs: ['/abs/heartbeat.js'],
    spawnDetached: async (args, cwd) => void spawned.push({ args, cwd }),
  };
  return { io, out, spawned, dataDir };
}

/** A port that refuses connections (bound then closed). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('heartbeat client', () => {
  it('reports a whole session from the real hook payloads and prints nothing', async () => {
    const monitor = await startMonitor();
    cleanups.push(() => monitor.stop());
    const env = { CCMAX_URL: `http://127.0.0.1:${monitor.port}` };
    const states: string[] = [];
    monitor.registry.onTransition((t) => states.push(t.to ? (t.to.kind === 'tool' ? `tool: ${t.to.toolName}` : t.to.kind) : 'gone'));
    for (const name of ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'Stop', 'SessionEnd']) {
      const { io, out } = await makeIo(fixtureText(`hook-${name}.json`), env);
      expect(await runHeartbeat(['hook'], io)).toBe(0);
      expect(out).toEqual([]);
    }
    expect(states).toEqual(['idle', 'in-turn', 'tool: Bash', 'in-turn', 'idle', 'gone']);
  });

  it('starts one pulser at SessionStart, naming the session and the Claude Code pid', async () => {
    const { io, spawned } = await makeIo(fixtureText('hook-SessionStart.json'), {
      CLAUDE_PID: '4321',
      CCMAX_PORT: String(await deadPort()),
    });
    await runHeartbeat(['hook', '--data-dir', io.env.CCMAX_DATA_DIR as string], io);
    expect(spawned).toEqual([
      {
        args: ['/abs/heartbeat.js', 'pulse', '5cd1b50a-e80e-4fe0-850d-730be01fde40', '4321', '--data-dir', io.env.CCMAX_DATA_DIR],
        cwd: '/home/dev/project',
      },
    ]);
  });

  it('starts no pulser for a tool call', async () => {
    const { io, spawned } = await makeIo(fixtureText('hook-PreToolUse.json'), { CLAUDE_PID: '4321', CCMAX_PORT: String(await deadPort()) });
    await runHeartbeat(['hook'], io);
    expect(spawned).toEqual([]);
  });

  it('exits 0 quickly and silently when the monitor is down', async () => {
    const { io, out } = await makeIo(fixtureText('hook-PostToolUse.json'), { CCMAX_PORT: String(await deadPort()) });
    const started = Date.now();
    expect(await runHeartbeat(['hook'], io)).toBe(0);
    expect(Date.now() - started).toBeLessThan(300);
    expect(out).toEqual([]);
  });

  it('exits 0 when no monitor is configured and stdin is not JSON', async () => {
    const { io, out } = await makeIo('this is not json', {});
    expect(await runHeartbeat(['hook'], io)).toBe(0);
    expect(out).toEqual([]);
  });

  it('waits for the ack of tool-ended until the pending switch is written', async () => {
    let releasedAt = 0;
    const monitor = await startMonitor({
      beforeAck: () => new Promise<void>((r) => setTimeout(() => ((releasedAt = Date.now()), r()), 300)),
    });
    cleanups.push(() => monitor.stop());
    const { io } = await makeIo(fixtureText('hook-PostToolUse.json'), { CCMAX_URL: `http://127.0.0.1:${monitor.port}` });
    await runHeartbeat(['hook'], io);
    expect(releasedAt).toBeGreaterThan(0);
    expect(Date.now()).toBeGreaterThanOrEqual(releasedAt);
  });

  it('gives up waiting for an ack after about a second', async () => {
    const monitor = await startMonitor({ beforeAck: () => new Promise<void>(() => {}), beforeAckTimeoutMs: 10_000 });
    cleanups.push(() => monitor.stop());
    const { io } = await makeIo(fixtureText('hook-Stop.json'), { CCMAX_URL: `http://127.0.0.1:${monitor.port}` });
    const started = Date.now();
    expect(await runHeartbeat(['hook'], io)).toBe(0);
    const tookMs = Date.now() - started;
    expect(tookMs).toBeGreaterThanOrEqual(950);
    expect(tookMs).toBeLessThan(1_500);
  });

  it('prints the active account from the monitor on the status line and forwards the reading', async () => {
    const monitor = await startMonitor({ describeActive: () => ({ account: 'alice@example.com', fiveHourPct: 42, sevenDayPct: 13 }) });
    cleanups.push(() => monitor.stop());
    const readings: unknown[] = [];
    monitor.registry.onStatusline((r) => readings.push(r));
    const { io, out } = await makeIo(fixtureText('statusline-with-rate-limits.json'), { CCMAX_URL: `http://127.0.0.1:${monitor.port}` });
    await runHeartbeat(['statusline'], io);
    expect(out.join('')).toBe('▶ alice@example.com · 5h 42% · 7d 13%\n');
    expect(readings).toMatchObject([{ fiveHour: { utilizationPct: 42, resetsAtMs: 1795554139000 }, sevenDay: { utilizationPct: 13 } }]);
  });

  it('prints Claude Code’s own figures on the status line when the monitor is down', async () => {
    const { io, out } = await makeIo(fixtureText('statusline-with-rate-limits.json'), { CCMAX_PORT: String(await deadPort()) });
    await runHeartbeat(['statusline'], io);
    expect(out.join('')).toBe('ccmax offline · 5h 42% · 7d 13%\n');
  });

  it('keeps the user’s own statusline command working, fed the same JSON', async () => {
    const theirs = Buffer.from(
      JSON.stringify({
        type: 'command',
        command: "node -e \"let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log('theirs:'+JSON.parse(s).model.id))\"",
      }),
    ).toString('base64url');
    const { io, out } = await makeIo(fixtureText('statusline-with-rate-limits.json'), { CCMAX_PORT: String(await deadPort()) });
    await runHeartbeat(['statusline', '--chain', theirs], io);
    expect(out.join('')).toBe('theirs:claude-opus-4-8[1m] │ ccmax offline · 5h 42% · 7d 13%\n');
  });

  it('refuses an unknown mode with a usage message', async () => {
    const { io } = await makeIo('', {});
    expect(await runHeartbeat(['launch'], io)).toBe(2);
  });
});

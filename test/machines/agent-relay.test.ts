/**
 * An agent relays its machine's hooks and statusline to the hub, as real processes on loopback: a
 * hub (`serve --demo --token`), an agent with its own HOME, CLAUDE_CONFIG_DIR and data dir, and the
 * built hook client (`out/heartbeat.js`) run with only the agent's data dir — it finds the agent
 * through the discovery file, exactly as it finds a monitor. The hub sees the session, a statusline
 * shows the hub's active account (an ack only the hub can give), a pulser's long connection is
 * relayed until Claude Code exits, and with the hub gone the agent answers hooks itself at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MachineView } from '../../src-main/shared/machines-view.js';
import type { FleetSnapshot } from '../../src-main/shared/view-model.js';
import { ensureBuilt, HOOK, startAgent, startHub, stopAll, until, type AgentProcess, type HubProcess } from './processes.js';

const FIXTURES = '/work/shared/fixtures/claude-code-2.1.332';
const TOKEN = 'relay-test-token-0123456789';

let dir: string;
let hub: HubProcess;
let agent: AgentProcess;
let hubUrl: string;
let agentData: string;
const extra: ChildProcess[] = [];

const api = async <T>(path: string): Promise<T> =>
  (await (await fetch(new URL(path, hubUrl), { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as T;

const fixture = (name: string, sessionId: string, cwd: string): string => {
  const json = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as Record<string, unknown>;
  return JSON.stringify({ ...json, session_id: sessionId, cwd });
};

/** Runs the built hook client as Claude Code would on the agent's machine: only the data dir tells it where to report. */
function runClient(
  mode: 'hook' | 'statusline',
  stdin: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const base = { ...process.env, CCMAX_URL: '', CCMAX_PORT: '', CCMAX_TOKEN: '', CCMAX_DATA_DIR: agentData, CCMAX_HEARTBEAT_DEBUG: '1' };
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [HOOK, mode], { env: { ...base, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const hubSession = async (id: string) => (await api<FleetSnapshot>('/api/state')).sessions.find((s) => s.id === id) ?? null;

beforeAll(async () => {
  ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'ccmax-relay-'));
  hub = await startHub({ home: join(dir, 'hub'), args: ['--demo', '--token', TOKEN] });
  hubUrl = hub.url;
  agent = startAgent({ home: join(dir, 'devbox'), hubUrl, token: TOKEN });
  agentData = agent.dataDir;
  await until('the agent to advertise its hook endpoint', () => existsSync(join(agentData, 'server.json')), 15_000);
  await until(
    'the agent to hold the hub’s login',
    async () => (await api<{ machines: MachineView[] }>('/api/machines')).machines.some((m) => m.connected && m.held !== null),
    15_000,
  );
}, 60_000);

afterAll(async () => {
  for (const child of extra) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
  }
  await stopAll();
  await rm(dir, { recursive: true, force: true });
});

describe('an agent relays its machine’s hooks and statusline to the hub', () => {
  it('advertises a loopback endpoint in its data dir, like a monitor', async () => {
    const info = JSON.parse(await readFile(join(agentData, 'server.json'), 'utf8')) as { url: string; pid: number };
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.pid).toBe(agent.child.pid);
  });

  it('a session on the agent’s machine appears on the hub, and its tool-ended hook is acknowledged by the hub', async () => {
    const cwd = join(dir, 'project-on-devbox');
    // No CLAUDE_PID and a parent that is not Claude Code: no pulser for this one.
    for (const name of ['hook-SessionStart', 'hook-UserPromptSubmit', 'hook-PreToolUse']) {
      const r = await runClient('hook', fixture(name, 'relayed-1', cwd), { CLAUDE_PID: '' });
      expect(r.status).toBe(0);
      expect(r.stderr).toMatch(/: acked/);
    }
    const session = await until('the hub to list the relayed session', () => hubSession('relayed-1'), 5_000);
    expect(session.cwd).toBe(cwd);
    expect(session.state.kind).toBe('tool');
    const ended = await runClient('hook', fixture('hook-PostToolUse', 'relayed-1', cwd));
    expect(ended.stderr).toContain('tool-ended: acked');
    expect((await hubSession('relayed-1'))?.state.kind).not.toBe('tool');
  }, 30_000);

  it('the statusline on the agent’s machine prints the hub’s active account (the hub answered, not the agent)', async () => {
    const snapshot = await api<FleetSnapshot>('/api/state');
    const active = snapshot.accounts.find((a) => a.active);
    expect(active).toBeDefined();
    const r = await runClient('statusline', fixture('statusline-with-rate-limits', 'relayed-2', dir));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(active!.label ?? active!.email);
  }, 20_000);

  it('relays a pulser’s long connection until Claude Code exits, then the hub ends the session', async () => {
    const claude = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    extra.push(claude);
    const env = { CLAUDE_PID: String(claude.pid), CCMAX_PULSE_INTERVAL_MS: '100' };
    await runClient('hook', fixture('hook-SessionStart', 'relayed-3', dir), env);
    const first = await until('the hub to see the pulsed session', () => hubSession('relayed-3'), 5_000);
    await until(
      'a later pulse through the agent',
      async () => ((await hubSession('relayed-3'))?.lastPulseAtMs ?? 0) > first.lastPulseAtMs,
      5_000,
    );
    claude.kill('SIGKILL');
    await until('the hub to end the session', async () => (await hubSession('relayed-3')) === null, 10_000);
  }, 30_000);

  it('with the hub gone, the agent acknowledges hooks itself at once', async () => {
    await hub.stop();
    await new Promise((r) => setTimeout(r, 200));
    const r = await runClient('hook', fixture('hook-PostToolUse', 'relayed-4', dir));
    expect(r.status).toBe(0);
    // 'acked' means the answer came within the hook's 1 s wait (a hook left waiting says 'sent'): the agent
    // answered itself instead of waiting for the hub. The process's own run time is not measured here: a
    // node start-up on a loaded machine can take longer than that wait by itself.
    expect(r.stderr).toContain('tool-ended: acked');
    const line = await runClient('statusline', fixture('statusline-with-rate-limits', 'relayed-4', dir));
    expect(line.status).toBe(0);
    expect(agent.exited()).toBe(false);
  }, 20_000);
});

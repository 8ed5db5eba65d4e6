/**
 * End to end with the real Claude Code CLI (devDependency): hooks installed by our installer,
 * the bundled heartbeat client, our heartbeat server and registry, and the loopback stand-in API
 * as ANTHROPIC_BASE_URL in a sandboxed HOME/CLAUDE_CONFIG_DIR. Skipped only when the CLI is absent.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { heartbeatCommands, installHooks } from '../../src-main/engine/claude-code/hooks-installer.js';
import type { StatuslineReading } from '../../src-main/engine/sessions/session-registry.js';
import { writeFileAtomic } from '../../src-main/engine/storage/atomic-file.js';
import { fingerprint } from '../../src-main/engine/vault/credentials.js';
import type { SessionView } from '../../src-main/shared/view-model.js';
import { CLAUDE_CLI, claudeCliPresent, createClaudeSandbox, type ClaudeSandbox } from '../heartbeat/claude-sandbox.js';
import { startMonitor, waitFor } from '../heartbeat/monitor-harness.js';

const ROOT = join(import.meta.dirname, '..', '..');
const nowS = Math.floor(Date.now() / 1000);
const LIMITS = {
  fiveHourUtilization: 0.42,
  fiveHourResetS: nowS + 3 * 3600,
  sevenDayUtilization: 0.13,
  sevenDayResetS: nowS + 4 * 86_400,
  status: 'allowed',
} as const;

let outDir = '';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

const describeState = (s: SessionView | undefined): string =>
  !s ? 'gone' : s.state.kind === 'tool' ? `tool: ${s.state.toolName}` : s.state.kind === 'in-turn' ? 'in turn' : 'idle';

async function setup(monitorOptions: Parameters<typeof startMonitor>[0] = {}) {
  const sandbox = await createClaudeSandbox(LIMITS);
  const monitor = await startMonitor(monitorOptions);
  cleanups.push(
    () => sandbox.dispose(),
    () => monitor.stop(),
  );
  const installed = await installHooks({
    configDir: sandbox.configDir,
    commands: heartbeatCommands({ nodePath: process.execPath, scriptPath: join(outDir, 'heartbeat.js') }),
    nowMs: Date.now(),
  });
  expect(installed.ok).toBe(true);
  // What the registry shows after each transition, as the dashboard would render it.
  const seen: string[] = [];
  monitor.registry.onTransition((t) => seen.push(describeState(monitor.registry.sessions().find((s) => s.id === t.sessionId))));
  const env = sandbox.env({ CCMAX_URL: `http://127.0.0.1:${monitor.port}`, CCMAX_DATA_DIR: join(sandbox.home, 'ccmax-data') });
  return { sandbox, monitor, seen, env };
}

function runPrint(
  sandbox: ClaudeSandbox,
  env: NodeJS.ProcessEnv,
  prompt: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLAUDE_CLI, '-p', prompt, '--allowedTools', 'Bash'], {
      cwd: sandbox.project,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(!claudeCliPresent())('Claude Code sessions end to end (real CLI)', () => {
  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'ccmax-e2e-bundle-'));
    const built = spawnSync(process.execPath, [join(ROOT, 'scripts/build-heartbeat.mjs'), '--outdir', outDir], { encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
  });
  afterAll(() => rm(outDir, { recursive: true, force: true }));

  it('shows a -p session appear, run its scripted Bash call, return to its turn and end', async () => {
    const { sandbox, monitor, seen, env } = await setup();
    const run = await runPrint(sandbox, env, 'run the scripted command');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe('done');
    await waitFor(() => seen.at(-1) === 'gone');
    expect(seen).toEqual(['idle', 'in turn', 'tool: Bash', 'in turn', 'idle', 'gone']);
    const started = monitor.received.find((m) => m.type === 'session-started');
    expect(started).toMatchObject({ cwd: sandbox.project, host: hostname(), source: 'startup' });
    expect(monitor.sink.kinds()).toEqual(['session-started', 'session-ended']);
    // The stand-in saw the scripted exchange, from the sandbox login.
    const login = fingerprint(sandbox.simulator.credentials(sandbox.accountId).accessToken);
    expect(sandbox.messages.calls.map((c) => [c.answered, c.bearerFingerprint])).toEqual([
      ['tool_use', login],
      ['text', login],
    ]);
    // SessionEnd stopped the session's pulser: no pid file is left behind.
    await waitFor(() => readdirSafe(join(sandbox.home, 'ccmax-data', 'pulsers')).length === 0);
  });

  it('lets a credential swap written before the tool-ended ack carry the very next request', async () => {
    let sandbox: ClaudeSandbox | null = null;
    let other = '';
    const { sandbox: sb, env } = await setup({
      beforeAck: async (message) => {
        if (message.type !== 'tool-ended' || !sandbox) return;
        // A slow switch: without the ack waiting for it, the next request would still use the old login.
        await new Promise((r) => setTimeout(r, 400));
        const creds = sandbox.simulator.credentials(other);
        await writeFileAtomic(
          join(sandbox.configDir, '.credentials.json'),
          JSON.stringify({
            claudeAiOauth: {
              accessToken: creds.accessToken,
              refreshToken: creds.refreshToken,
              expiresAt: creds.expiresAtMs,
              scopes: creds.scopes,
              subscriptionType: 'max',
              rateLimitTier: creds.rateLimitTier,
            },
          }),
        );
      },
    });
    sandbox = sb;
    other = sb.simulator.accounts().find((a) => a.accountUuid !== sb.accountId)?.accountUuid as string;
    const run = await runPrint(sb, env, 'run the scripted command');
    expect(run.code, run.stderr).toBe(0);
    const [before, after] = sb.messages.calls;
    expect(before?.accountId).toBe(sb.accountId);
    expect(after?.accountId).toBe(other);
    expect(after?.bearerFingerprint).toBe(fingerprint(sb.simulator.credentials(other).accessToken));
  });

  it('feeds the statusline rate limits of an interactive session in tmux to the registry', async () => {
    const readings: StatuslineReading[] = [];
    const { sandbox, monitor, seen, env } = await setup({
      describeActive: () => ({ account: 'blake@demo.example', fiveHourPct: 42, sevenDayPct: 13 }),
    });
    monitor.registry.onStatusline((r) => readings.push(r));
    const launcher = join(sandbox.home, 'launch-claude.sh');
    const exports = Object.entries(env).map(([k, v]) => `export ${k}=${shellQuote(String(v))}`);
    writeFileSync(
      launcher,
      [
        '#!/bin/sh',
        `cd ${shellQuote(sandbox.project)}`,
        ...exports,
        `exec ${shellQuote(process.execPath)} ${shellQuote(CLAUDE_CLI)}`,
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    const socketName = `ccmax-e2e-${process.pid}-${Date.now()}`;
    const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socketName, ...args], { encoding: 'utf8' });
    tmux('new-session', '-d', '-s', 'cc', '-x', '160', '-y', '40', launcher);
    cleanups.push(() => {
      try {
        tmux('kill-server');
      } catch {
        // Already gone after /exit.
      }
    });
    const pane = (): string => tmux('capture-pane', '-p', '-t', 'cc');
    await waitFor(() => seen.includes('idle') && pane().includes('❯'), 20_000);
    tmux('send-keys', '-t', 'cc', '-l', 'say hi');
    await new Promise((r) => setTimeout(r, 300));
    tmux('send-keys', '-t', 'cc', 'Enter');
    await waitFor(() => readings.length > 0 && seen.includes('tool: Bash') && seen.at(-1) === 'idle', 20_000);
    expect(readings[0]).toMatchObject({
      host: hostname(),
      fiveHour: { utilizationPct: 42, resetsAtMs: LIMITS.fiveHourResetS * 1000 },
      sevenDay: { utilizationPct: 13, resetsAtMs: LIMITS.sevenDayResetS * 1000 },
    });
    await waitFor(() => pane().includes('▶ blake@demo.example · 5h 42% · 7d 13%'), 10_000);
    tmux('send-keys', '-t', 'cc', '-l', '/exit');
    await new Promise((r) => setTimeout(r, 300));
    tmux('send-keys', '-t', 'cc', 'Enter');
    await waitFor(() => seen.at(-1) === 'gone', 10_000);
  }, 60_000);
});

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

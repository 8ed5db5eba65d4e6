/**
 * The real Claude Code CLI on an agent's machine (issue 13): a hub (`serve --demo --token`), an
 * agent whose HOME/CLAUDE_CONFIG_DIR is a Claude Code sandbox with our hooks installed (they report
 * to the agent, which relays to the hub), and a `-p` session whose Bash call is running when the
 * hub switches account. The relayed tool-ended hook is acknowledged only once the agent holds the
 * new login, so the session's next request carries the new account's token; the CLI never asks
 * its token endpoint (every connection beyond the loopback stand-in goes through a recording proxy
 * that refuses it). Skipped only when the CLI is absent.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../src-main/engine/vault/credentials.js';
import type { MachineView } from '../../src-main/shared/machines-view.js';
import type { FleetSnapshot } from '../../src-main/shared/view-model.js';
import { CLAUDE_CLI, claudeCliPresent, createClaudeSandbox, type ClaudeSandbox } from '../heartbeat/claude-sandbox.js';
import { BIN, ensureBuilt, startAgent, startHub, stopAll, until } from '../machines/processes.js';

const TOKEN = 'agent-cli-token-0123456789';
const cleanups: (() => Promise<void> | void)[] = [];

afterAll(async () => {
  await stopAll();
  while (cleanups.length) await cleanups.pop()?.();
}, 30_000);

async function recordingProxy(): Promise<{ url: string; hosts: string[] }> {
  const hosts: string[] = [];
  const server: Server = createServer((socket) => {
    socket.once('data', (chunk: Buffer) => {
      hosts.push(/^CONNECT ([^ ]+)/.exec(chunk.toString('latin1'))?.[1] ?? 'other');
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, hosts };
}

const credentialsFingerprint = async (sandbox: ClaudeSandbox): Promise<string> =>
  fingerprint(
    (JSON.parse(await readFile(join(sandbox.configDir, '.credentials.json'), 'utf8')) as { claudeAiOauth: { accessToken: string } })
      .claudeAiOauth.accessToken,
  );

describe.skipIf(!claudeCliPresent())('the real Claude Code CLI on an agent’s machine', () => {
  it('a -p session continues on the new account after a hub switch during its Bash call, and never calls the token endpoint', async () => {
    ensureBuilt();
    const now = Math.floor(Date.now() / 1000);
    const sandbox = await createClaudeSandbox(
      { fiveHourUtilization: 0.1, fiveHourResetS: now + 3600, sevenDayUtilization: 0.1, sevenDayResetS: now + 86_400, status: 'allowed' },
      { bashCommand: 'sleep 3; echo hi' },
    );
    cleanups.push(() => sandbox.dispose());
    const hubUrl = (await startHub({ home: join(sandbox.home, 'hub-home'), args: ['--demo', '--token', TOKEN] })).url;
    const api = async <T>(path: string, init?: RequestInit): Promise<T> =>
      (await (
        await fetch(new URL(path, hubUrl), { ...init, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } })
      ).json()) as T;
    const agentData = join(sandbox.home, 'agent-data');
    const agentEnv = { ...process.env, HOME: sandbox.home, CLAUDE_CONFIG_DIR: sandbox.configDir, CCMAX_TOKEN: TOKEN, CCMAX_HUB_URL: '' };
    // A machine with no login of its own yet: the sandbox's login (another fleet's, unknown to this hub)
    // would be sent to the hub first, refused there, and — never lost — kept instead of the hub's.
    await rm(join(sandbox.configDir, '.credentials.json'));
    startAgent({ home: sandbox.home, hubUrl, token: TOKEN, configDir: sandbox.configDir, dataDir: agentData });
    const before = await until(
      'an active account on the hub',
      async () => (await api<FleetSnapshot>('/api/state')).accounts.find((a) => a.active && a.token) ?? null,
      15_000,
    );
    await until(
      'the agent to hold the hub’s login',
      async () => (await credentialsFingerprint(sandbox).catch(() => null)) === before.token!.fingerprint,
      15_000,
    );
    await until('the agent to advertise its hook endpoint', () => existsSync(join(agentData, 'server.json')), 5_000);
    const installed = spawnSync(process.execPath, [BIN, 'hooks', 'install', '--data-dir', agentData], {
      env: { ...agentEnv, CCMAX_URL: '' },
      encoding: 'utf8',
    });
    expect(installed.status, installed.stderr).toBe(0);

    const proxy = await recordingProxy();
    const env = sandbox.env({
      HTTPS_PROXY: proxy.url,
      https_proxy: proxy.url,
      NO_PROXY: '127.0.0.1,localhost',
      no_proxy: '127.0.0.1,localhost',
      CCMAX_DATA_DIR: agentData,
    });
    const cli = spawn(process.execPath, [CLAUDE_CLI, '-p', 'run the scripted command', '--allowedTools', 'Bash'], {
      cwd: sandbox.project,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(() => {
      if (cli.exitCode === null && cli.signalCode === null) cli.kill('SIGKILL');
    });
    let stdout = '';
    let stderr = '';
    cli.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    cli.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => cli.on('close', (code) => resolve(code)));

    // The first request was answered with the Bash call: switch on the hub while it runs.
    await until('the session’s first request', () => sandbox.messages.calls.length >= 1, 60_000);
    const target = (await api<FleetSnapshot>('/api/state')).accounts.find((a) => !a.active && a.enabled && a.token);
    expect(target).toBeDefined();
    await api('/api/switch', { method: 'POST', body: JSON.stringify({ accountId: target!.id }) });

    const code = await exited;
    expect(code, stderr.slice(-600)).toBe(0);
    expect(stdout.trim()).toBe('done');
    const calls = sandbox.messages.calls;
    expect(calls[0]!.bearerFingerprint).toBe(before.token!.fingerprint);
    expect(calls.at(-1)!.bearerFingerprint).toBe(target!.token!.fingerprint);
    expect(await credentialsFingerprint(sandbox)).toBe(target!.token!.fingerprint);
    const machines = (await api<{ machines: MachineView[] }>('/api/machines')).machines;
    expect(machines.find((m) => m.connected)?.held?.accountId).toBe(target!.id);
    expect(proxy.hosts.filter((h) => /platform\.claude\.com|console\.anthropic\.com/.test(h))).toEqual([]);
  }, 180_000);
});

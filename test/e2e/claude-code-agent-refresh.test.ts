/**
 * The real Claude Code CLI on an agent's machine across a hub refresh of the active token (issue 13
 * item 3): a hub (`serve --token`, against a loopback stand-in whose active token is due for the
 * hub's refresh ~60 s after start) and an agent whose CLAUDE_CONFIG_DIR is a Claude Code sandbox.
 * The agent's credentials file holds the pushed access token and no refresh token. A `-p` session
 * starts on it; its Bash call waits until the hub has refreshed and the agent holds the new access
 * token, and the session's next request carries that token. The token endpoint sees the hub's one
 * refresh and nothing else; the CLI never tries its own token endpoint (every connection beyond
 * loopback goes through a recording proxy that refuses it). Skipped only when the CLI is absent.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDemoFleet, createFleetSimulator, type FleetSimulator } from '../../src-main/demo/fleet-simulator.js';
import { startStandInApi, type StandInApi } from '../../src-main/demo/stand-in-api.js';
import { resolveClaudePaths } from '../../src-main/engine/claude-code/claude-store.js';
import { toClaudeAiOauth } from '../../src-main/engine/claude-code/credential-targets/credentials-json.js';
import { silentLogger } from '../../src-main/engine/ports.js';
import { fingerprint } from '../../src-main/engine/vault/credentials.js';
import { openEngine } from '../../src-main/host/open-engine.js';
import type { MachineView } from '../../src-main/shared/machines-view.js';
import { CLAUDE_CLI, claudeCliPresent, createClaudeSandbox } from '../heartbeat/claude-sandbox.js';
import { ensureBuilt, startAgent, startHub, stopAll, until } from '../machines/processes.js';
import { createMessagesEndpoint } from '../stand-in/messages-endpoint.js';

const TOKEN = 'agent-refresh-token-0123456789';
/** When the hub refreshes the active token after its start: it expires 60 min (the default ahead) + this. */
const DUE_AFTER_MS = 60_000;
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

/** The hub's machine: a data dir with the fleet imported (rotation paused), and Claude Code holding the active account's full login. */
async function prepareHub(root: string, standIn: StandInApi, simulator: FleetSimulator, accountIds: readonly string[], activeId: string) {
  const dataDir = join(root, 'data');
  const claudeDir = join(root, '.claude');
  await mkdir(claudeDir, { recursive: true });
  const claudePaths = resolveClaudePaths({ CLAUDE_CONFIG_DIR: claudeDir }, root, 'linux');
  const opened = await openEngine({
    dataDir,
    env: {},
    platform: 'linux',
    homeDir: root,
    vaultKind: 'file',
    logger: silentLogger,
    claudePaths,
    endpoints: { apiBaseUrl: standIn.url, tokenUrl: standIn.tokenUrl },
  });
  for (const id of accountIds) {
    const added = await opened.engine.accounts.addFromCredentialsJson(
      JSON.stringify({ claudeAiOauth: toClaudeAiOauth(simulator.credentials(id)) }),
    );
    if (!added.ok) throw new Error(`import failed: ${added.error.message}`);
  }
  opened.engine.pause(); // this test is about the active account's token, not about rotation
  await opened.close();
  await writeFile(claudePaths.credentialsFile, JSON.stringify({ claudeAiOauth: toClaudeAiOauth(simulator.credentials(activeId)) }), {
    mode: 0o600,
  });
  await writeFile(claudePaths.claudeJson, JSON.stringify({ oauthAccount: { accountUuid: activeId, emailAddress: 'a@example.com' } }));
  return { dataDir, claudeDir };
}

const storedLogin = async (configDir: string): Promise<Record<string, unknown> | null> => {
  try {
    return (
      (JSON.parse(await readFile(join(configDir, '.credentials.json'), 'utf8')) as { claudeAiOauth?: Record<string, unknown> })
        .claudeAiOauth ?? null
    );
  } catch {
    return null;
  }
};

describe.skipIf(!claudeCliPresent())('the real Claude Code CLI on an agent’s machine across a hub refresh', () => {
  it('runs on the pushed access token (no refresh token on the agent), follows the refreshed one, and never calls a token endpoint', async () => {
    ensureBuilt();
    const nowS = Math.floor(Date.now() / 1000);
    const goFile = join(tmpdir(), `ccmax-go-${process.pid}-${Date.now()}`);
    cleanups.push(() => rm(goFile, { force: true }));
    const sandbox = await createClaudeSandbox({
      fiveHourUtilization: 0.1,
      fiveHourResetS: nowS + 3600,
      sevenDayUtilization: 0.1,
      sevenDayResetS: nowS + 86_400,
      status: 'allowed',
    });
    cleanups.push(() => sandbox.dispose());
    // The hub's fleet: its own stand-in (usage, profile, token endpoint, and the CLI's /v1/messages), the
    // active token due for the hub's refresh DUE_AFTER_MS after start. The Bash call waits for `goFile`.
    const nowMs = Date.now();
    const fleet = createDemoFleet({ count: 2, nowMs, seed: 11 });
    const activeId = fleet.accounts[0]!.accountUuid;
    const accounts = fleet.accounts.map(({ accessTokenExpiresAtMs: _ignored, ...spec }) =>
      spec.accountUuid === activeId ? { ...spec, accessTokenExpiresAtMs: nowMs + 60 * 60_000 + DUE_AFTER_MS } : spec,
    );
    const simulator = createFleetSimulator({ now: () => Date.now(), seed: 11, accounts, activeAccountId: activeId });
    const standIn: StandInApi = await startStandInApi({ simulator, maxRecorded: 10_000 });
    cleanups.push(() => standIn.close());
    const messages = createMessagesEndpoint({
      rateLimits: () => sandbox.limits,
      bashCommand: `while [ ! -f ${goFile} ]; do sleep 0.2; done; echo hi`,
    });
    standIn.addRoute('POST', '/v1/messages', messages.handler);
    standIn.addRoute('POST', '/v1/messages/count_tokens', messages.countTokens);

    const hubRoot = join(sandbox.home, 'hub-home');
    const { dataDir, claudeDir } = await prepareHub(
      hubRoot,
      standIn,
      simulator,
      accounts.map((a) => a.accountUuid),
      activeId,
    );
    const before = simulator.credentials(activeId);
    const hub = await startHub({
      home: hubRoot,
      args: ['--data-dir', dataDir, '--vault', 'file', '--token', TOKEN],
      cleanEnv: true,
      env: { CLAUDE_CONFIG_DIR: claudeDir, CCMAX_API_BASE_URL: standIn.url, CCMAX_OAUTH_TOKEN_URL: standIn.tokenUrl },
    });
    // A machine with no login of its own yet: the sandbox's login (another fleet's, unknown to this hub)
    // would be sent to the hub first, refused there, and — never lost — kept instead of the hub's.
    await rm(join(sandbox.configDir, '.credentials.json'));
    startAgent({ home: sandbox.home, hubUrl: hub.url, token: TOKEN, cleanEnv: true, configDir: sandbox.configDir });

    // The agent holds the pushed access token, and no refresh token (read from its file).
    const pushed = await until(
      'the agent to hold the hub’s login',
      async () => {
        const login = await storedLogin(sandbox.configDir);
        return login?.accessToken === before.accessToken ? login : null;
      },
      20_000,
    );
    expect(pushed).not.toHaveProperty('refreshToken');
    expect(pushed).toMatchObject({ expiresAt: before.expiresAtMs, scopes: [...before.scopes] });
    expect(await readFile(join(sandbox.configDir, '.credentials.json'), 'utf8')).not.toContain(before.refreshToken);

    const proxy = await recordingProxy();
    const cli = spawn(process.execPath, [CLAUDE_CLI, '-p', 'run the scripted command', '--allowedTools', 'Bash'], {
      cwd: sandbox.project,
      env: sandbox.env({
        ANTHROPIC_BASE_URL: standIn.url,
        HTTPS_PROXY: proxy.url,
        https_proxy: proxy.url,
        NO_PROXY: '127.0.0.1,localhost',
        no_proxy: '127.0.0.1,localhost',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    cli.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    cli.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => cli.on('close', (code) => resolve(code)));
    cleanups.push(() => {
      if (cli.exitCode === null) cli.kill('SIGKILL');
    });

    // Its first request (answered with the Bash call, which now waits) carries the pushed token.
    await until('the session’s first request', () => messages.calls.some((c) => c.answered === 'tool_use'), 60_000);
    expect(messages.calls[0]!.bearerFingerprint).toBe(fingerprint(before.accessToken));
    expect(standIn.requests.filter((r) => r.path === '/v1/oauth/token')).toHaveLength(0); // not refreshed yet

    // The hub refreshes the active token ahead of expiry and pushes the new access token.
    const after = await until(
      'the hub to refresh the active token',
      () => (simulator.credentials(activeId).accessToken !== before.accessToken ? simulator.credentials(activeId) : null),
      DUE_AFTER_MS + 30_000,
    );
    const refreshed = await until(
      'the agent to hold the refreshed access token',
      async () => {
        const login = await storedLogin(sandbox.configDir);
        return login?.accessToken === after.accessToken ? login : null;
      },
      10_000,
    );
    expect(refreshed).not.toHaveProperty('refreshToken');
    const goAtMs = Date.now();
    await writeFile(goFile, 'go');

    const code = await exited;
    expect(code, stderr.slice(-600)).toBe(0);
    expect(stdout.trim()).toBe('done');
    const later = messages.calls.filter((c) => c.atMs >= goAtMs);
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((c) => c.bearerFingerprint === fingerprint(after.accessToken))).toBe(true);
    // One token call, the hub's; the CLI never tried its own token endpoint.
    expect(standIn.requests.filter((r) => r.path === '/v1/oauth/token').map((r) => r.status)).toEqual([200]);
    expect(proxy.hosts.filter((h) => /platform\.claude\.com|console\.anthropic\.com/.test(h))).toEqual([]);
    // The hub's own machine keeps the full login (it is the one that refreshes); the hub lists the agent's held expiry.
    expect((await storedLogin(claudeDir))?.refreshToken).toBe(after.refreshToken);
    const machines = (
      (await (await fetch(new URL('/api/machines', hub.url), { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as {
        machines: MachineView[];
      }
    ).machines;
    expect(machines.find((m) => m.connected)?.heldExpiresAtMs).toBe(refreshed.expiresAt);
    if (process.env.CCMAX_E2E_REPORT)
      console.info('[agent across a hub refresh]', { calls: messages.calls.length, proxied: proxy.hosts, code });
  }, 240_000);
});

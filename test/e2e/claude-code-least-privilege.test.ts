/**
 * Least privilege for agents (issue 13): does the real Claude Code CLI run on a stored login
 * WITHOUT a refresh token — an access token only, kept fresh from outside? Against the loopback
 * stand-in (ANTHROPIC_BASE_URL), with every other connection sent through a recording proxy on
 * loopback that refuses it (HTTPS_PROXY): the CLI's token endpoint (platform.claude.com, which it
 * will not let us point elsewhere) shows up there as a refused CONNECT, so "never called the token
 * endpoint" is observed, not assumed — and a control case (near expiry, WITH a refresh token) shows
 * the recorder does see the CLI's own refresh attempt. Nothing leaves loopback.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CLAUDE_CLI, claudeCliPresent, createClaudeSandbox, type ClaudeSandbox } from '../heartbeat/claude-sandbox.js';
import { join } from 'node:path';

const LIMITS = { fiveHourUtilization: 0.1, fiveHourResetS: 0, sevenDayUtilization: 0.1, sevenDayResetS: 0, status: 'allowed' } as const;
const fp = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 8);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

/** A proxy that records every host the CLI tries to reach beyond the stand-in, and refuses it. */
async function recordingProxy(): Promise<{ url: string; hosts: string[]; server: Server }> {
  const hosts: string[] = [];
  const server = createServer((socket) => {
    socket.once('data', (chunk: Buffer) => {
      const line = chunk.toString('latin1').split('\r\n')[0] ?? '';
      const target = /^CONNECT ([^ ]+)/.exec(line)?.[1] ?? /^[A-Z]+ https?:\/\/([^/ ]+)/.exec(line)?.[1] ?? line.slice(0, 60);
      hosts.push(target);
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, hosts, server };
}

async function sandboxWith(login: { refreshToken: string | null; expiresInMs: number }) {
  const sandbox = await createClaudeSandbox({
    ...LIMITS,
    fiveHourResetS: Math.floor(Date.now() / 1000) + 3600,
    sevenDayResetS: Math.floor(Date.now() / 1000) + 86_400,
  });
  const proxy = await recordingProxy();
  cleanups.push(
    () => sandbox.dispose(),
    () => new Promise<void>((r) => proxy.server.close(() => r())),
  );
  const credentials = sandbox.simulator.credentials(sandbox.accountId);
  const oauth: Record<string, unknown> = {
    accessToken: credentials.accessToken,
    expiresAt: Date.now() + login.expiresInMs,
    scopes: credentials.scopes,
    subscriptionType: credentials.subscriptionType ?? 'max',
    rateLimitTier: credentials.rateLimitTier,
  };
  if (login.refreshToken !== null) oauth.refreshToken = login.refreshToken;
  await writeFile(join(sandbox.configDir, '.credentials.json'), JSON.stringify({ claudeAiOauth: oauth }), { mode: 0o600 });
  return { sandbox, proxy, accessFingerprint: fp(credentials.accessToken), refreshToken: credentials.refreshToken };
}

function runPrint(sandbox: ClaudeSandbox, proxyUrl: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLAUDE_CLI, '-p', 'say hello'], {
      cwd: sandbox.project,
      env: sandbox.env({
        HTTPS_PROXY: proxyUrl,
        HTTP_PROXY: proxyUrl,
        https_proxy: proxyUrl,
        http_proxy: proxyUrl,
        NO_PROXY: '127.0.0.1,localhost',
        no_proxy: '127.0.0.1,localhost',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const tokenHost = (hosts: readonly string[]) => hosts.filter((h) => /platform\.claude\.com|console\.anthropic\.com/.test(h));

describe.skipIf(!claudeCliPresent())('Claude Code on a login without a refresh token (real CLI)', () => {
  it('runs a -p prompt on an access token alone (no refreshToken key) and never calls the token endpoint', async () => {
    const { sandbox, proxy, accessFingerprint } = await sandboxWith({ refreshToken: null, expiresInMs: 8 * 3600_000 });
    const run = await runPrint(sandbox, proxy.url);
    if (process.env.CCMAX_E2E_REPORT)
      console.info('[least privilege: access only]', { code: run.code, hosts: proxy.hosts, stderr: run.stderr.slice(-300) });
    expect(run.code, run.stderr.slice(-600)).toBe(0);
    expect(sandbox.messages.calls.length).toBeGreaterThan(0);
    expect(sandbox.messages.calls.every((c) => c.bearerFingerprint === accessFingerprint)).toBe(true);
    expect(tokenHost(proxy.hosts)).toEqual([]);
  }, 120_000);

  it('control: near expiry WITH a refresh token, the CLI does try its token endpoint (the recorder sees refreshes)', async () => {
    const { sandbox, proxy, refreshToken } = await sandboxWith({ refreshToken: 'placeholder', expiresInMs: 60_000 });
    // The simulator's real refresh token, so the attempt is the CLI's ordinary refresh.
    const path = join(sandbox.configDir, '.credentials.json');
    const { readFile } = await import('node:fs/promises');
    const stored = JSON.parse(await readFile(path, 'utf8')) as { claudeAiOauth: Record<string, unknown> };
    stored.claudeAiOauth.refreshToken = refreshToken;
    await writeFile(path, JSON.stringify(stored), { mode: 0o600 });
    const run = await runPrint(sandbox, proxy.url);
    if (process.env.CCMAX_E2E_REPORT)
      console.info('[least privilege: control]', { code: run.code, hosts: proxy.hosts, stderr: run.stderr.slice(-300) });
    expect(tokenHost(proxy.hosts).length).toBeGreaterThan(0);
  }, 120_000);

  it('near expiry WITHOUT a refresh token: records what the CLI does (no token call is possible)', async () => {
    const { sandbox, proxy, accessFingerprint } = await sandboxWith({ refreshToken: null, expiresInMs: 60_000 });
    const run = await runPrint(sandbox, proxy.url);
    if (process.env.CCMAX_E2E_REPORT)
      console.info('[least privilege: near expiry, access only]', {
        code: run.code,
        calls: sandbox.messages.calls.length,
        hosts: proxy.hosts,
        stdout: run.stdout.slice(-200),
        stderr: run.stderr.slice(-300),
      });
    expect(tokenHost(proxy.hosts)).toEqual([]);
    expect(run.code, run.stderr.slice(-600)).toBe(0);
    expect(sandbox.messages.calls.every((c) => c.bearerFingerprint === accessFingerprint)).toBe(true);
  }, 120_000);

  it('near expiry with an EMPTY refresh token (what an agent would be sent): no token call either', async () => {
    const { sandbox, proxy, accessFingerprint } = await sandboxWith({ refreshToken: '', expiresInMs: 60_000 });
    const run = await runPrint(sandbox, proxy.url);
    if (process.env.CCMAX_E2E_REPORT) console.info('[least privilege: empty refresh token]', { code: run.code, hosts: proxy.hosts });
    expect(tokenHost(proxy.hosts)).toEqual([]);
    expect(run.code, run.stderr.slice(-600)).toBe(0);
    expect(sandbox.messages.calls.every((c) => c.bearerFingerprint === accessFingerprint)).toBe(true);
  }, 120_000);
});

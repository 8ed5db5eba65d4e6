/**
 * The agent against a stand-in hub on loopback (a real WebSocket server): it sends the token on
 * upgrade, writes a pushed login into a real credentials file and acknowledges after the write,
 * refuses a replayed older generation (the file keeps the newer login), and harvests a login its
 * Claude Code refreshed while away before it says hello.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { createAgent, type Agent } from '../../src-main/agent/agent-client.js';
import { openAgentState } from '../../src-main/agent/agent-state.js';
import { createCredentialsFileTarget } from '../../src-main/engine/claude-code/credential-targets/credentials-file-target.js';
import { silentLogger } from '../../src-main/engine/ports.js';
import { parseAgentMessage, type AgentMessage } from '../../src-main/shared/machines-protocol.js';

const fp = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 8);
const login = (n: number) => ({
  accessToken: `sk-ant-oat01-access-${n}`,
  refreshToken: `sk-ant-ort01-refresh-${n}`,
  expiresAtMs: 1_800_000_000_000 + n,
  scopes: ['user:inference', 'user:profile'],
  subscriptionType: 'max',
  rateLimitTier: 'default_claude_max_20x',
});

let dir: string;
let wss: WebSocketServer;
let port: number;
let agent: Agent | null = null;
const received: AgentMessage[] = [];
let hubSide: WebSocket | null = null;
let authHeader: string | undefined;

async function until<T>(fn: () => T | null | undefined | false, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== null && v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
const credentialsFile = () => join(dir, 'claude', '.credentials.json');
const fileToken = async () =>
  (JSON.parse(await readFile(credentialsFile(), 'utf8')) as { claudeAiOauth: { accessToken: string } }).claudeAiOauth.accessToken;
const push = (accountId: string, generation: number, n: number) =>
  hubSide?.send(JSON.stringify({ v: 1, type: 'login', accountId, generation, login: login(n), identity: null }));

async function startAgent(): Promise<void> {
  const state = await openAgentState(join(dir, 'data'));
  agent = createAgent({
    hubUrl: `http://127.0.0.1:${port}`,
    token: 'tok-abc',
    state,
    credentialsTarget: createCredentialsFileTarget({ paths: { configDir: join(dir, 'claude'), credentialsFile: credentialsFile() } }),
    identityTarget: null,
    logger: silentLogger,
    agentVersion: 'test',
    host: 'testbox',
    minBackoffMs: 50,
    maxBackoffMs: 200,
  });
  agent.start();
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ccmax-agent-'));
  received.length = 0;
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/agent' });
  wss.on('connection', (ws, req) => {
    authHeader = req.headers.authorization;
    hubSide = ws;
    ws.on('message', (data) => {
      const parsed = parseAgentMessage(String(data));
      if (parsed.ok) received.push(parsed.value);
    });
  });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  port = (wss.address() as { port: number }).port;
});

afterEach(async () => {
  await agent?.stop();
  agent = null;
  for (const c of wss.clients) c.terminate();
  await new Promise<void>((r) => wss.close(() => r()));
  await rm(dir, { recursive: true, force: true });
});

describe('agent generations', () => {
  it('writes a pushed login, acknowledges it after the write, and ignores a replayed older push', async () => {
    await startAgent();
    await until(() => received.find((m) => m.type === 'hello'));
    expect(authHeader).toBe('Bearer tok-abc');
    push('acct-a', 3, 3);
    await until(() => received.find((m) => m.type === 'ack' && m.generation === 3));
    expect(await fileToken()).toBe(login(3).accessToken);
    push('acct-a', 4, 4);
    const ack = await until(() => received.find((m) => m.type === 'ack' && m.generation === 4));
    expect(ack).toMatchObject({ accountId: 'acct-a', fingerprint: fp(login(4).accessToken) });
    // A replay of generation 3 (older than 4, already seen): refused, the file keeps generation 4.
    push('acct-a', 3, 3);
    await until(() => received.find((m) => m.type === 'refused' && m.generation === 3));
    expect(await fileToken()).toBe(login(4).accessToken);
    // Another account's push is a switch: accepted; a replay of acct-a's generation 4 afterwards is not.
    push('acct-b', 1, 10);
    await until(() => received.find((m) => m.type === 'ack' && m.accountId === 'acct-b'));
    push('acct-a', 4, 4);
    await until(() => received.find((m) => m.type === 'refused' && m.accountId === 'acct-a' && m.generation === 4));
    expect(await fileToken()).toBe(login(10).accessToken);
  });

  it('after a restart, still refuses a generation older than one it saw', async () => {
    await startAgent();
    await until(() => received.find((m) => m.type === 'hello'));
    push('acct-a', 7, 7);
    await until(() => received.find((m) => m.type === 'ack'));
    await agent?.stop();
    received.length = 0;
    await startAgent();
    const hello = await until(() => received.find((m) => m.type === 'hello'));
    expect(hello).toMatchObject({ held: { accountId: 'acct-a', generation: 7 } });
    push('acct-a', 6, 6);
    await until(() => received.find((m) => m.type === 'refused'));
    expect(await fileToken()).toBe(login(7).accessToken);
  });

  it('sends a login its Claude Code refreshed while away before saying hello', async () => {
    await startAgent();
    await until(() => received.find((m) => m.type === 'hello'));
    push('acct-a', 2, 2);
    await until(() => received.find((m) => m.type === 'ack'));
    await agent?.stop();
    // Claude Code refreshed on its own meanwhile.
    const refreshed = { claudeAiOauth: { ...login(99), expiresAt: login(99).expiresAtMs } };
    await writeFile(credentialsFile(), JSON.stringify(refreshed), { mode: 0o600 });
    received.length = 0;
    await startAgent();
    await until(() => received.find((m) => m.type === 'hello'));
    expect(received[0]).toMatchObject({ type: 'harvest', accountId: 'acct-a', login: { accessToken: login(99).accessToken } });
    // The hub's older login for that account is not written over the newer local one.
    push('acct-a', 2, 2);
    await until(() => received.find((m) => m.type === 'refused'));
    expect(await fileToken()).toBe(login(99).accessToken);
  });
});

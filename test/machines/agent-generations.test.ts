/**
 * The agent against a stand-in hub on loopback (a real WebSocket server): it sends the token on
 * upgrade, writes a pushed login (access token only) into a real credentials file with no
 * `refreshToken` key and acknowledges after the write with its expiry, refuses a replayed older
 * generation (the file keeps the newer login), ignores a push that carries a refresh token, and
 * sends a full login found in its store to the hub before it says hello.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { createAgent, type Agent, type AgentOptions } from '../../src-main/agent/agent-client.js';
import { openAgentState } from '../../src-main/agent/agent-state.js';
import { createCredentialsFileTarget } from '../../src-main/engine/claude-code/credential-targets/credentials-file-target.js';
import { silentLogger } from '../../src-main/engine/ports.js';
import { parseAgentMessage, type AgentMessage } from '../../src-main/shared/machines-protocol.js';

const fp = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 8);
/** A full login (what the hub's vault and Claude Code on the hub hold). */
const login = (n: number) => ({
  accessToken: `sk-ant-oat01-access-${n}`,
  refreshToken: `sk-ant-ort01-refresh-${n}`,
  expiresAtMs: 1_800_000_000_000 + n,
  scopes: ['user:inference', 'user:profile'],
  subscriptionType: 'max',
  rateLimitTier: 'default_claude_max_20x',
});
/** What the hub sends an agent: the same login without its refresh token. */
const agentLogin = (n: number) => {
  const { refreshToken: _dropped, ...rest } = login(n);
  return rest;
};

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
  hubSide?.send(JSON.stringify({ v: 1, type: 'login', accountId, generation, login: agentLogin(n), identity: null }));

async function startAgent(extra: Partial<AgentOptions> = {}): Promise<void> {
  const state = await openAgentState(join(dir, 'data'));
  agent = createAgent({
    ...extra,
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
    expect(ack).toMatchObject({ accountId: 'acct-a', fingerprint: fp(login(4).accessToken), expiresAtMs: login(4).expiresAtMs });
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

  it('writes the pushed login with no refreshToken key (access token, expiry, scopes, subscription kept) and remembers its expiry', async () => {
    await startAgent();
    await until(() => received.find((m) => m.type === 'hello'));
    push('acct-a', 1, 5);
    await until(() => received.find((m) => m.type === 'ack'));
    const stored = (JSON.parse(await readFile(credentialsFile(), 'utf8')) as { claudeAiOauth: Record<string, unknown> }).claudeAiOauth;
    expect(stored).toEqual({
      accessToken: login(5).accessToken,
      expiresAt: login(5).expiresAtMs,
      scopes: login(5).scopes,
      subscriptionType: 'max',
      rateLimitTier: 'default_claude_max_20x',
    });
    expect(await readFile(credentialsFile(), 'utf8')).not.toContain('refresh');
    const state = JSON.parse(await readFile(join(dir, 'data', 'agent.json'), 'utf8')) as { held: { expiresAtMs: number } };
    expect(state.held.expiresAtMs).toBe(login(5).expiresAtMs);
  });

  it('ignores a push that carries a refresh token: no write, no ack', async () => {
    await startAgent();
    await until(() => received.find((m) => m.type === 'hello'));
    push('acct-a', 1, 1);
    await until(() => received.find((m) => m.type === 'ack'));
    hubSide?.send(JSON.stringify({ v: 1, type: 'login', accountId: 'acct-a', generation: 2, login: login(2), identity: null }));
    push('acct-a', 3, 3); // the next good push proves the bad one was passed over, not queued
    await until(() => received.find((m) => m.type === 'ack' && m.generation === 3));
    expect(received.some((m) => 'generation' in m && m.generation === 2)).toBe(false);
    expect(await fileToken()).toBe(login(3).accessToken);
  });
});

describe('agent harvest: never lose a full login found in the store', () => {
  /** The stand-in hub answers every harvest with `outcome` (or not at all). */
  const answerHarvests = (outcome: 'stored' | 'kept-newer' | 'refused' | null) =>
    wss.on('connection', (ws) =>
      ws.on('message', (data) => {
        const m = parseAgentMessage(String(data));
        if (outcome && m.ok && m.value.type === 'harvest')
          ws.send(JSON.stringify({ v: 1, type: 'harvested', refreshFingerprint: fp(m.value.login.refreshToken), outcome }));
      }),
    );
  const fullLoginInStore = (n: number) =>
    writeFile(credentialsFile(), JSON.stringify({ claudeAiOauth: { ...login(n), expiresAt: login(n).expiresAtMs } }), { mode: 0o600 });

  it('a full login Claude Code refreshed while away goes to the hub before hello; once stored there, the push replaces it', async () => {
    answerHarvests('stored');
    await startAgent();
    await until(() => received.find((m) => m.type === 'hello'));
    push('acct-a', 2, 2);
    await until(() => received.find((m) => m.type === 'ack'));
    await agent?.stop();
    await fullLoginInStore(99); // Claude Code refreshed on its own (a login that still had a refresh token)
    received.length = 0;
    await startAgent();
    await until(() => received.find((m) => m.type === 'hello'));
    expect(received[0]).toMatchObject({ type: 'harvest', accountId: 'acct-a', login: { refreshToken: login(99).refreshToken } });
    push('acct-a', 3, 3);
    await until(() => received.find((m) => m.type === 'ack' && m.generation === 3));
    expect(received.filter((m) => m.type === 'harvest')).toHaveLength(1);
    expect(await readFile(credentialsFile(), 'utf8')).not.toContain('refresh');
  });

  it('a /login of another account on a fresh agent (holding nothing yet) reaches the hub before the first push is written', async () => {
    answerHarvests('stored');
    await mkdir(join(dir, 'claude'), { recursive: true });
    await fullLoginInStore(50);
    await startAgent();
    await until(() => received.find((m) => m.type === 'hello'));
    expect(received[0]).toMatchObject({ type: 'harvest', login: { accessToken: login(50).accessToken } });
    push('acct-b', 1, 1);
    await until(() => received.find((m) => m.type === 'ack'));
    expect(await fileToken()).toBe(login(1).accessToken);
  });

  it('when the hub does not take it (refused, or no answer in time), the push is refused and the full login stays', async () => {
    answerHarvests('refused');
    await mkdir(join(dir, 'claude'), { recursive: true });
    await startAgent();
    await until(() => received.find((m) => m.type === 'hello'));
    await fullLoginInStore(60); // someone ran /login here while connected
    push('acct-b', 1, 1);
    const refused = await until(() => received.find((m) => m.type === 'refused'));
    expect(refused).toMatchObject({ accountId: 'acct-b', generation: 1 });
    expect(received.some((m) => m.type === 'ack')).toBe(false);
    expect(JSON.parse(await readFile(credentialsFile(), 'utf8'))).toMatchObject({
      claudeAiOauth: { refreshToken: login(60).refreshToken },
    });
  });

  it('no answer from the hub within the bound: the full login stays', async () => {
    answerHarvests(null);
    await mkdir(join(dir, 'claude'), { recursive: true });
    await fullLoginInStore(70);
    await startAgent({ harvestTimeoutMs: 300 });
    await until(() => received.find((m) => m.type === 'hello'));
    push('acct-b', 1, 1);
    await until(() => received.find((m) => m.type === 'refused'));
    expect(await fileToken()).toBe(login(70).accessToken);
  });
});

/**
 * Least privilege on the hub's side (issue 13 item 3), in-process on a loopback HTTP server with a
 * raw WebSocket agent: the login pushed to an agent carries the access token and what goes with it
 * but never the refresh token, although Claude Code on the hub holds a full login (read through the
 * real assignment source from a real credentials file); a frame with one is refused by the
 * protocol's schema; a harvest is answered with its outcome; and each machine's held-token expiry
 * is listed (`heldExpiresAtMs`), also after it disconnects and across a hub restart.
 */
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createCredentialsFileTarget } from '../../src-main/engine/claude-code/credential-targets/credentials-file-target.js';
import { silentLogger, systemClock } from '../../src-main/engine/ports.js';
import { fingerprint } from '../../src-main/engine/vault/credentials.js';
import { createAssignmentSource, type AssignmentSource, type HarvestOutcome } from '../../src-main/server/assignment-source.js';
import { createMachineRegistry } from '../../src-main/server/machine-registry.js';
import { createMachinesHub, type MachinesHub } from '../../src-main/server/machines-hub.js';
import { parseAgentMessage, parseHubMessage, type HubMessage } from '../../src-main/shared/machines-protocol.js';
import { err } from '../../src-main/shared/result.js';

const FULL = {
  accessToken: 'sk-ant-oat01-hub-access-1',
  refreshToken: 'sk-ant-ort01-hub-refresh-1',
  expiresAt: 1_900_000_000_000,
  scopes: ['user:inference', 'user:profile'],
  subscriptionType: 'max',
  rateLimitTier: 'default_claude_max_20x',
};

let dir: string;
let server: Server;
let hub: MachinesHub;
let url: string;
let harvestOutcome: HarvestOutcome = 'stored';
const sockets: WebSocket[] = [];

async function until<T>(fn: () => T | null | undefined | false, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== null && v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A raw agent: keeps every frame the hub sends, as text and parsed. */
async function rawAgent(id: string): Promise<{ ws: WebSocket; frames: string[]; messages: HubMessage[] }> {
  const ws = new WebSocket(url);
  sockets.push(ws);
  const frames: string[] = [];
  const messages: HubMessage[] = [];
  ws.on('message', (data) => {
    frames.push(String(data));
    const m = parseHubMessage(String(data));
    if (m.ok) messages.push(m.value);
  });
  await new Promise<void>((r) => ws.on('open', () => r()));
  ws.send(JSON.stringify({ v: 1, type: 'hello', machineId: `machine-${id}`, host: id, agentVersion: 't', held: null }));
  return { ws, frames, messages };
}

function startHub(source: AssignmentSource): Promise<void> {
  hub = createMachinesHub({
    registry: createMachineRegistry(dir, silentLogger),
    source,
    clock: systemClock,
    logger: silentLogger,
    events: { append: () => undefined },
    hubVersion: 'test',
    ackTimeoutMs: 300,
  });
  server = createServer();
  server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head, { ok: true, tokenSource: 'header' }));
  return new Promise<void>((r) =>
    server.listen(0, '127.0.0.1', () => {
      url = `ws://127.0.0.1:${(server.address() as { port: number }).port}/agent`;
      r();
    }),
  );
}

/** The real assignment source over a real credentials file holding a full login (as Claude Code on the hub does). */
async function realSource(): Promise<AssignmentSource> {
  const configDir = join(dir, 'claude');
  await mkdir(configDir, { recursive: true });
  const credentialsFile = join(configDir, '.credentials.json');
  await writeFile(credentialsFile, JSON.stringify({ claudeAiOauth: FULL }), { mode: 0o600 });
  const real = createAssignmentSource({
    engine: {
      activeAccountId: () => 'acct-a',
      accounts: { addFromCredentialsJson: async () => err({ kind: 'invalid-credentials', message: 'not in this test' }) },
    },
    credentialsTarget: createCredentialsFileTarget({ paths: { configDir, credentialsFile } }),
    identityTarget: null,
    logger: silentLogger,
  });
  return { current: () => real.current(), harvest: async () => harvestOutcome };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ccmax-hub-lp-'));
  harvestOutcome = 'stored';
});

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await hub.dispose();
  await new Promise<void>((r) => server.close(() => r()));
  await rm(dir, { recursive: true, force: true });
});

describe('the hub sends agents access tokens only', () => {
  it('the pushed login has the access token, expiry, scopes and subscription, and no refresh token', async () => {
    await startHub(await realSource());
    const agent = await rawAgent('a');
    const login = await until(() => agent.messages.find((m) => m.type === 'login'));
    expect(login.type === 'login' && login.login).toEqual({
      accessToken: FULL.accessToken,
      expiresAtMs: FULL.expiresAt,
      scopes: FULL.scopes,
      subscriptionType: 'max',
      rateLimitTier: 'default_claude_max_20x',
    });
    const frame = agent.frames.find((f) => f.includes('"login"')) ?? '';
    expect(frame).not.toContain('refreshToken');
    expect(frame).not.toContain(FULL.refreshToken);
  });

  it('the protocol refuses an agent-bound login that carries a refresh token (empty too)', () => {
    const frame = (login: object) => JSON.stringify({ v: 1, type: 'login', accountId: 'acct-a', generation: 1, login, identity: null });
    const { refreshToken, expiresAt, ...rest } = FULL;
    const agentLogin = { ...rest, expiresAtMs: expiresAt };
    expect(parseHubMessage(frame(agentLogin)).ok).toBe(true);
    expect(parseHubMessage(frame({ ...agentLogin, refreshToken })).ok).toBe(false);
    expect(parseHubMessage(frame({ ...agentLogin, refreshToken: '' })).ok).toBe(false);
    // A harvest (agent → hub) is a full login: it must carry one.
    const harvest = (login: object) => JSON.stringify({ v: 1, type: 'harvest', accountId: 'acct-a', generation: 1, login });
    expect(parseAgentMessage(harvest({ ...agentLogin, refreshToken })).ok).toBe(true);
    expect(parseAgentMessage(harvest(agentLogin)).ok).toBe(false);
  });
});

describe('harvest answers and held-token expiry', () => {
  it('answers a harvest with the outcome, naming the login by its refresh-token fingerprint', async () => {
    await startHub(await realSource());
    harvestOutcome = 'refused';
    const agent = await rawAgent('h');
    const refreshToken = 'sk-ant-ort01-local-login';
    agent.ws.send(
      JSON.stringify({
        v: 1,
        type: 'harvest',
        accountId: 'acct-a',
        generation: 0,
        login: { accessToken: 'sk-ant-oat01-local', refreshToken, expiresAtMs: 1, scopes: [], subscriptionType: null, rateLimitTier: null },
      }),
    );
    const answer = await until(() => agent.messages.find((m) => m.type === 'harvested'));
    expect(answer).toEqual({ v: 1, type: 'harvested', refreshFingerprint: fingerprint(refreshToken), outcome: 'refused' });
  });

  it('lists each machine’s held-token expiry from its ack, keeps it while it is away and across a hub restart', async () => {
    await startHub(await realSource());
    const agent = await rawAgent('x');
    const login = await until(() => agent.messages.find((m) => m.type === 'login'));
    if (login.type !== 'login') throw new Error('not a login');
    const expiresAtMs = login.login.expiresAtMs;
    agent.ws.send(JSON.stringify({ v: 1, type: 'ack', accountId: 'acct-a', generation: login.generation, fingerprint: 'f', expiresAtMs }));
    await until(() => hub.list().find((m) => m.heldExpiresAtMs === expiresAtMs));
    agent.ws.close();
    const away = await until(() => hub.list().find((m) => !m.connected));
    expect(away.heldExpiresAtMs).toBe(expiresAtMs);
    await hub.dispose();
    await new Promise<void>((r) => server.close(() => r()));
    await startHub(await realSource());
    expect(hub.list().find((m) => m.id === 'machine-x')?.heldExpiresAtMs).toBe(expiresAtMs);
  });
});

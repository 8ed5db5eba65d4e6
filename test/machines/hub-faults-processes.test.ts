/**
 * Faults of a fleet across machines, as real processes on loopback (issue 13): a hub (`serve --token`
 * on a file vault, against the stand-in API in this process, which sees every token call) and agents,
 * each with its own HOME / CLAUDE_CONFIG_DIR / data dir.
 *  - The hub is killed (SIGKILL) the moment its own Claude Code holds a switch's new login, while it
 *    pushes it: restarted on the same data dir and port, every agent converges on its login at one
 *    generation, no login is lost or spent twice.
 *  - An agent's machine whose Claude Code refreshed the active login itself while the hub could not
 *    hear it (the refresh token the hub holds is spent): the agent harvests the new pair before
 *    anything else, the hub takes it, and when the hub's own refresh was due it spends nothing
 *    already spent — no revocation.
 * (Covered elsewhere: an agent offline across a refresh — hub-refresh-processes; a replayed older
 * push — agent-generations; a wrong token — hub-agents; 50 agents at once — fifty-agents.)
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDemoFleet, createFleetSimulator, type FleetSimulator } from '../../src-main/demo/fleet-simulator.js';
import { startStandInApi, type StandInApi } from '../../src-main/demo/stand-in-api.js';
import { resolveClaudePaths } from '../../src-main/engine/claude-code/claude-store.js';
import { toClaudeAiOauth } from '../../src-main/engine/claude-code/credential-targets/credentials-json.js';
import { silentLogger } from '../../src-main/engine/ports.js';
import { fingerprint } from '../../src-main/engine/vault/credentials.js';
import { openEngine } from '../../src-main/host/open-engine.js';
import type { MachineView } from '../../src-main/shared/machines-view.js';
import type { FleetSnapshot } from '../../src-main/shared/view-model.js';
import { ensureBuilt, startAgent, startHub, stopAll, until, type AgentProcess, type HubProcess } from './processes.js';

const TOKEN = 'hub-faults-token-0123456789';

interface StoredLogin {
  readonly accessToken: string;
  readonly refreshToken?: string;
  readonly expiresAt: number;
}

interface Fleet {
  readonly dir: string;
  readonly dataDir: string;
  readonly claudeDir: string;
  readonly simulator: FleetSimulator;
  readonly standIn: StandInApi;
  readonly ids: readonly string[];
  readonly activeId: string;
}

let fleet: Fleet | null = null;

afterEach(async () => {
  await stopAll();
  await fleet?.standIn.close();
  if (fleet) await rm(fleet.dir, { recursive: true, force: true });
  fleet = null;
});

/**
 * A hub's data dir with three accounts in its file vault, the first active in the hub machine's
 * Claude Code; `activeExpiresInMs` sets when the active token expires (default 8 h, as issued).
 */
async function seedFleet(options: { readonly activeExpiresInMs?: number; readonly paused: boolean }): Promise<Fleet> {
  ensureBuilt();
  const dir = await mkdtemp(join(tmpdir(), 'ccmax-hub-faults-'));
  const dataDir = join(dir, 'hub', 'data');
  const claudeDir = join(dir, 'hub', '.claude');
  await mkdir(claudeDir, { recursive: true });
  const claudePaths = resolveClaudePaths({ CLAUDE_CONFIG_DIR: claudeDir }, join(dir, 'hub'), 'linux');
  const nowMs = Date.now();
  const demo = createDemoFleet({ count: 3, nowMs, seed: 11 });
  const activeId = demo.accounts[0]!.accountUuid;
  const accounts = demo.accounts.map(({ accessTokenExpiresAtMs: _ignored, ...spec }) =>
    spec.accountUuid === activeId && options.activeExpiresInMs
      ? { ...spec, accessTokenExpiresAtMs: nowMs + options.activeExpiresInMs }
      : spec,
  );
  const simulator = createFleetSimulator({ now: () => Date.now(), seed: 11, accounts, activeAccountId: activeId });
  const standIn = await startStandInApi({ simulator, maxRecorded: 10_000 });
  const opened = await openEngine({
    dataDir,
    env: {},
    platform: 'linux',
    homeDir: join(dir, 'hub'),
    vaultKind: 'file',
    logger: silentLogger,
    claudePaths,
    endpoints: { apiBaseUrl: standIn.url, tokenUrl: standIn.tokenUrl },
  });
  for (const spec of accounts) {
    const added = await opened.engine.accounts.addFromCredentialsJson(
      JSON.stringify({ claudeAiOauth: toClaudeAiOauth(simulator.credentials(spec.accountUuid)) }),
    );
    if (!added.ok) throw new Error(`import failed: ${added.error.message}`);
  }
  if (options.paused) opened.engine.pause();
  await opened.close();
  await writeFile(claudePaths.credentialsFile, JSON.stringify({ claudeAiOauth: toClaudeAiOauth(simulator.credentials(activeId)) }), {
    mode: 0o600,
  });
  await writeFile(claudePaths.claudeJson, JSON.stringify({ oauthAccount: { accountUuid: activeId, emailAddress: 'a@example.com' } }));
  const ids = accounts.map((a) => a.accountUuid);
  return { dir, dataDir, claudeDir, simulator, standIn, ids, activeId };
}

const serve = (f: Fleet, port?: number): Promise<HubProcess> =>
  startHub({
    home: join(f.dir, 'hub'),
    args: ['--data-dir', f.dataDir, '--vault', 'file', '--token', TOKEN, ...(port ? ['--port', String(port)] : [])],
    cleanEnv: true,
    env: { CLAUDE_CONFIG_DIR: f.claudeDir, CCMAX_API_BASE_URL: f.standIn.url, CCMAX_OAUTH_TOKEN_URL: f.standIn.tokenUrl },
  });

const readLogin = async (credentialsFile: string): Promise<StoredLogin | null> =>
  readFile(credentialsFile, 'utf8').then(
    (t) => (JSON.parse(t) as { claudeAiOauth: StoredLogin }).claudeAiOauth,
    () => null,
  );
const agentFile = (a: AgentProcess) => join(a.configDir, '.credentials.json');
const hubFile = (f: Fleet) => join(f.claudeDir, '.credentials.json');

async function api<T>(hubUrl: string, path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(new URL(path, hubUrl), {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
  });
  return (await res.json()) as T;
}

/** Every agent holds the login Claude Code on the hub holds, and the hub lists each at that login's generation. */
async function converged(hubUrl: string, f: Fleet, agents: readonly AgentProcess[], timeoutMs: number): Promise<MachineView[]> {
  return until(
    'every agent to hold the hub’s login, confirmed on the hub',
    async () => {
      const want = await readLogin(hubFile(f));
      if (!want) return null;
      for (const a of agents) if ((await readLogin(agentFile(a)))?.accessToken !== want.accessToken) return null;
      const list = (await api<{ machines: MachineView[] }>(hubUrl, '/api/machines')).machines.filter((m) => m.connected);
      const wantFp = fingerprint(want.accessToken);
      return list.length === agents.length && list.every((m) => m.held?.fingerprint === wantFp) ? list : null;
    },
    timeoutMs,
    50,
  );
}

/** The vault holds each account's newest login (the one the token endpoint issued last), none needs a login, no call failed. */
async function nothingLost(hubUrl: string, f: Fleet): Promise<void> {
  const state = await api<FleetSnapshot>(hubUrl, '/api/state');
  for (const id of f.ids) {
    const row = state.accounts.find((a) => a.id === id);
    expect(row?.token.health, id).not.toBe('needs-login');
    expect(row?.token.fingerprint, id).toBe(fingerprint(f.simulator.credentials(id).accessToken));
  }
  const tokenCalls = f.standIn.requests.filter((r) => r.path === '/v1/oauth/token');
  expect(tokenCalls.filter((r) => r.status !== 200)).toEqual([]);
}

describe('faults across machines (real processes)', () => {
  it('the hub killed during a push: restarted, every agent converges on its login and nothing is lost', async () => {
    fleet = await seedFleet({ paused: false });
    const f = fleet;
    const first = await serve(f);
    const agents = ['laptop', 'devbox'].map((name) =>
      startAgent({ home: join(f.dir, name), hubUrl: first.url, token: TOKEN, cleanEnv: true }),
    );
    const before = await converged(first.url, f, agents, 30_000);
    const generationBefore = Math.max(...before.map((m) => m.held!.generation));
    const state = await api<FleetSnapshot>(first.url, '/api/state');
    const target = state.accounts.find((a) => !a.active && a.enabled && a.token && a.token.health !== 'needs-login');
    expect(target).toBeDefined();
    await api(first.url, '/api/switch', { method: 'POST', body: JSON.stringify({ accountId: target!.id }) });
    // Killed the moment the hub's own Claude Code holds the new login: its push to the agents is under way.
    await until(
      'the hub to write the switch',
      async () => (await readLogin(hubFile(f)))?.accessToken === f.simulator.credentials(target!.id).accessToken,
      15_000,
      1,
    );
    await first.kill();
    const port = Number(new URL(first.url).port);
    const second = await serve(f, port);
    expect(second.url).toBe(first.url);
    // Agents reconnect with backoff (up to seconds after a few failures) and converge on what the hub holds.
    const after = await converged(second.url, f, agents, 90_000);
    const active = (await api<FleetSnapshot>(second.url, '/api/state')).activeAccountId;
    expect(after.every((m) => m.held?.accountId === active)).toBe(true);
    expect(new Set(after.map((m) => m.held!.generation)).size).toBe(1);
    expect(active).toBe(target!.id);
    expect(after[0]!.held!.generation).toBeGreaterThan(generationBefore);
    // The hub's own store holds the active account's newest login; nothing is lost or spent twice.
    expect((await readLogin(hubFile(f)))?.refreshToken).toBe(f.simulator.credentials(active!).refreshToken);
    await nothingLost(second.url, f);
    // Agents never hold a refresh token.
    for (const a of agents) expect((await readLogin(agentFile(a)))?.refreshToken).toBeUndefined();
  }, 180_000);

  it('an agent whose Claude Code refreshed the active login meanwhile: the harvest wins, the spent token is never used', async () => {
    // The active token is due for the hub's refresh 20 s after start (it refreshes 60 min ahead).
    const dueAfterMs = 20_000;
    fleet = await seedFleet({ activeExpiresInMs: 60 * 60_000 + dueAfterMs, paused: true });
    const f = fleet;
    // The devbox's Claude Code holds the active account's full login (set up before it ran an agent)
    // and refreshed it while the hub could not hear it: the refresh token in the hub's vault is spent.
    const devbox = join(f.dir, 'devbox');
    await mkdir(join(devbox, '.claude'), { recursive: true });
    const spent = f.simulator.credentials(f.activeId);
    const refreshed = f.simulator.refresh(spent.refreshToken);
    if (!refreshed.ok) throw new Error('the stand-in refused the refresh');
    const live = f.simulator.credentials(f.activeId);
    await writeFile(join(devbox, '.claude', '.credentials.json'), JSON.stringify({ claudeAiOauth: toClaudeAiOauth(live) }), {
      mode: 0o600,
    });
    const startedMs = Date.now();
    const hub = await serve(f);
    const agent = startAgent({ home: devbox, hubUrl: hub.url, token: TOKEN, cleanEnv: true });
    // The agent sends the new pair before anything else; the hub keeps it and writes it where its own Claude Code reads it.
    await until(
      'the hub’s Claude Code to hold the harvested login',
      async () => (await readLogin(hubFile(f)))?.refreshToken === live.refreshToken,
      30_000,
    );
    await converged(hub.url, f, [agent], 30_000);
    // Past the moment the hub would have refreshed with the spent token.
    const waitMs = startedMs + dueAfterMs + 10_000 - Date.now();
    if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
    await nothingLost(hub.url, f);
    expect((await readLogin(hubFile(f)))?.refreshToken).toBe(f.simulator.credentials(f.activeId).refreshToken);
    const stored = await readLogin(agentFile(agent));
    expect(stored?.refreshToken).toBeUndefined(); // written over once the hub confirmed it holds the full login
    expect(stored?.accessToken).toBe(f.simulator.credentials(f.activeId).accessToken);
  }, 120_000);
});

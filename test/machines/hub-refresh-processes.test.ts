/**
 * A hub's refresh of the active account reaches every machine, as real processes on loopback: a
 * hub (`serve --token`, against the stand-in API) and two agents, each with its own HOME,
 * CLAUDE_CONFIG_DIR and data dir. The active account's token is due for the hub's refresh ~25 s
 * after start; by then both agents hold the old login. One agent is stopped before the refresh and
 * started again after it (offline across a refresh): it gets the new login on reconnect. The token
 * endpoint sees exactly one refresh of that account and no reuse.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoFleet, createFleetSimulator, type FleetSimulator } from '../../src-main/demo/fleet-simulator.js';
import { startStandInApi, type StandInApi } from '../../src-main/demo/stand-in-api.js';
import { resolveClaudePaths } from '../../src-main/engine/claude-code/claude-store.js';
import { toClaudeAiOauth } from '../../src-main/engine/claude-code/credential-targets/credentials-json.js';
import { silentLogger } from '../../src-main/engine/ports.js';
import { openEngine } from '../../src-main/host/open-engine.js';
import type { MachineView } from '../../src-main/shared/machines-view.js';
import { ensureBuilt, startAgent, startHub, stopAll, until, type AgentProcess, type HubProcess } from './processes.js';

const TOKEN = 'hub-refresh-token-0123456789';
/** When the hub refreshes the active account after start: its token expires 60 min (the default ahead) + this. */
const DUE_AFTER_MS = 25_000;

let dir: string;
let simulator: FleetSimulator;
let standIn: StandInApi;
let activeId: string;
let hub: HubProcess;
let hubUrl: string;
let startedAtMs: number;
const agents: AgentProcess[] = [];

const heldAccessToken = async (configDir: string): Promise<string | null> => {
  try {
    const parsed = JSON.parse(await readFile(join(configDir, '.credentials.json'), 'utf8')) as { claudeAiOauth?: { accessToken?: string } };
    return parsed.claudeAiOauth?.accessToken ?? null;
  } catch {
    return null;
  }
};
const machines = async (): Promise<MachineView[]> => {
  const res = await fetch(new URL('/api/machines', hubUrl), { headers: { authorization: `Bearer ${TOKEN}` } });
  return ((await res.json()) as { machines: MachineView[] }).machines;
};
const tokenCalls = () => standIn.requests.filter((r) => r.path === '/v1/oauth/token');

const spawnAgent = (home: string): AgentProcess => startAgent({ home, hubUrl, token: TOKEN, cleanEnv: true });

beforeAll(async () => {
  ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'ccmax-hub-refresh-'));
  const dataDir = join(dir, 'hub', 'data');
  const claudeDir = join(dir, 'hub', '.claude');
  await mkdir(claudeDir, { recursive: true });
  const claudePaths = resolveClaudePaths({ CLAUDE_CONFIG_DIR: claudeDir }, join(dir, 'hub'), 'linux');
  const nowMs = Date.now();
  const fleet = createDemoFleet({ count: 3, nowMs, seed: 5 });
  activeId = fleet.accounts[0]!.accountUuid;
  // Every parked token is fresh (8 h); the active one is due for the hub's refresh shortly after start.
  const accounts = fleet.accounts.map(({ accessTokenExpiresAtMs: _ignored, ...spec }) =>
    spec.accountUuid === activeId ? { ...spec, accessTokenExpiresAtMs: nowMs + 60 * 60_000 + DUE_AFTER_MS } : spec,
  );
  simulator = createFleetSimulator({ now: () => Date.now(), seed: 5, accounts, activeAccountId: activeId });
  standIn = await startStandInApi({ simulator, maxRecorded: 10_000 });
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
  opened.engine.pause(); // this test is about the active account's token, not about rotation
  await opened.close();
  await writeFile(claudePaths.credentialsFile, JSON.stringify({ claudeAiOauth: toClaudeAiOauth(simulator.credentials(activeId)) }), {
    mode: 0o600,
  });
  await writeFile(claudePaths.claudeJson, JSON.stringify({ oauthAccount: { accountUuid: activeId, emailAddress: 'a@example.com' } }));

  startedAtMs = Date.now();
  hub = await startHub({
    home: join(dir, 'hub'),
    args: ['--data-dir', dataDir, '--vault', 'file', '--token', TOKEN],
    cleanEnv: true,
    env: { CLAUDE_CONFIG_DIR: claudeDir, CCMAX_API_BASE_URL: standIn.url, CCMAX_OAUTH_TOKEN_URL: standIn.tokenUrl },
  });
  hubUrl = hub.url;
  for (const name of ['laptop', 'devbox']) agents.push(spawnAgent(join(dir, name)));
}, 90_000);

afterAll(async () => {
  await stopAll();
  await standIn?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a hub refresh of the active account', () => {
  it('reaches every agent, one of them offline across the refresh, with one token call and no reuse', async () => {
    const before = simulator.credentials(activeId);
    for (const a of agents)
      await until('the agent to hold the active login', async () => (await heldAccessToken(a.configDir)) === before.accessToken, 15_000);
    expect(Date.now() - startedAtMs).toBeLessThan(DUE_AFTER_MS); // both hold the old login before the refresh is due
    expect(tokenCalls()).toHaveLength(0);
    const offline = agents[1]!;
    await offline.stop();

    // The hub refreshes the active token (~60 min before it expires, far ahead of Claude Code's 5 min).
    const after = await until(
      'the hub to refresh the active token',
      async () => (simulator.credentials(activeId).accessToken !== before.accessToken ? simulator.credentials(activeId) : null),
      DUE_AFTER_MS + 20_000,
    );
    const refreshedAtMs = Date.now();
    await until(
      'the connected agent to hold the new login',
      async () => (await heldAccessToken(agents[0]!.configDir)) === after.accessToken,
      3_000,
    );
    expect(Date.now() - refreshedAtMs).toBeLessThan(3_000);
    expect(await heldAccessToken(offline.configDir)).toBe(before.accessToken);

    const returned = spawnAgent(offline.home);
    await until(
      'the returning agent to hold the new login',
      async () => (await heldAccessToken(returned.configDir)) === after.accessToken,
      15_000,
    );
    await until(
      'both machines to confirm the new generation',
      async () => {
        const list = await machines();
        return list.filter((m) => m.connected && m.held?.accountId === activeId && m.held.generation >= 2).length === 2;
      },
      5_000,
    );
    // The fleet snapshot carries the machines too (what the dashboard shows).
    const state = (await (await fetch(new URL('/api/state', hubUrl), { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as {
      machines?: MachineView[];
    };
    expect(state.machines?.filter((m) => m.connected && m.held?.fingerprint)).toHaveLength(2);
    // One refresh of the active account, by the hub; nobody reused a spent refresh token.
    expect(tokenCalls().map((r) => r.status)).toEqual([200]);
    const hubStore = JSON.parse(await readFile(join(dir, 'hub', '.claude', '.credentials.json'), 'utf8')) as {
      claudeAiOauth: { refreshToken: string };
    };
    expect(hubStore.claudeAiOauth.refreshToken).toBe(after.refreshToken);
  }, 90_000);
});

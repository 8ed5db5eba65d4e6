/**
 * Chaos (issue 14): real `serve` processes on loopback against the stand-in API, which rotates
 * refresh tokens and answers `invalid_grant` to every reuse of a spent one. Each iteration starts a
 * monitor, lets it switch accounts (POST /api/switch) and poll (POST /api/refresh) while a simulated
 * Claude Code refreshes the login it holds under its own proper-lockfile locks and the stand-in
 * injects fault shapes, then SIGKILLs the monitor at a random moment. After every kill, every
 * account's live refresh token must be in the vault, in Claude Code's credentials file or in a
 * fallback file; at the end, reuses of a dead refresh token must be 0. Every 10th iteration starts
 * two monitors on one data dir at the same moment: exactly one may run.
 *
 * `CHAOS_ITERATIONS` sets the count: 20 inside `npm test`, 200 with `npm run test:chaos`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import lockfile from 'proper-lockfile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoFleet, createFleetSimulator, type FleetSimulator } from '../../src-main/demo/fleet-simulator.js';
import { startStandInApi, type StandInApi, type StandInFault } from '../../src-main/demo/stand-in-api.js';
import { resolveClaudePaths, type ClaudePaths } from '../../src-main/engine/claude-code/claude-store.js';
import { silentLogger } from '../../src-main/engine/ports.js';
import { openEngine } from '../../src-main/host/open-engine.js';

const ITERATIONS = Number(process.env.CHAOS_ITERATIONS ?? 20);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin', 'ccmax-monitor.js');
const TOKEN_PATH = '/v1/oauth/token';

let root: string;
let dataDir: string;
let claudePaths: ClaudePaths;
let simulator: FleetSimulator;
let standIn: StandInApi;
let ids: string[];
const figures = { kills: 0, switchesAsked: 0, claudeRefreshes: 0, monitorTokenCalls: 0, reuses: 0, faults: 0, pairsStarted: 0 };

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'out', 'cli.js'))) spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'ccmax-chaos-'));
  dataDir = path.join(root, 'data');
  const claudeDir = path.join(root, 'claude');
  await fs.mkdir(claudeDir, { recursive: true });
  claudePaths = resolveClaudePaths({ CLAUDE_CONFIG_DIR: claudeDir }, root, 'linux');
  const fleet = createDemoFleet({ count: 3, nowMs: Date.now(), seed: 11 });
  // Every token starts with a full 8 h lifetime, so the monitor's own keeper has nothing to refresh:
  // a kill between the token endpoint rotating a pair and the vault's fsync (a few ms) loses that pair
  // for any client, and is not what this test measures. Claude Code's refreshes are simulated below.
  const accounts = fleet.accounts.map(({ accessTokenExpiresAtMs: _ignored, ...spec }) => spec);
  simulator = createFleetSimulator({ now: () => Date.now(), seed: 11, accounts, activeAccountId: fleet.activeAccountId });
  standIn = await startStandInApi({ simulator, maxRecorded: 100_000 });
  ids = fleet.accounts.map((a) => a.accountUuid);
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
  for (const id of ids) {
    const c = simulator.credentials(id);
    const added = await opened.engine.accounts.addFromCredentialsJson(JSON.stringify({ claudeAiOauth: stored(id) }));
    if (!added.ok) throw new Error(`import failed: ${added.error.message} ${c.expiresAtMs}`);
  }
  await opened.close();
  await writeClaude(ids[0]!);
}, 120_000);

afterAll(async () => {
  await standIn?.close();
  await fs.rm(root, { recursive: true, force: true });
});

function stored(id: string): Record<string, unknown> {
  const c = simulator.credentials(id);
  return {
    accessToken: c.accessToken,
    refreshToken: c.refreshToken,
    expiresAt: c.expiresAtMs,
    scopes: c.scopes,
    subscriptionType: c.subscriptionType,
    rateLimitTier: c.rateLimitTier,
  };
}

async function writeClaude(id: string): Promise<void> {
  const tmp = `${claudePaths.credentialsFile}.chaos-${process.pid}`;
  await fs.writeFile(tmp, JSON.stringify({ claudeAiOauth: stored(id) }), { mode: 0o600 });
  await fs.rename(tmp, claudePaths.credentialsFile);
  const email = simulator.account(id)?.email ?? null;
  const doc = await fs.readFile(claudePaths.claudeJson, 'utf8').then(
    (t) => JSON.parse(t) as Record<string, unknown>,
    () => ({}),
  );
  await fs.writeFile(claudePaths.claudeJson, JSON.stringify({ ...doc, oauthAccount: { accountUuid: id, emailAddress: email } }));
}

/** Claude Code refreshing the login it holds, under its two locks (CLAUDE-CODE.md "Locks"). */
async function claudeCodeRefresh(): Promise<void> {
  const configDir = claudePaths.configDir;
  const options = { realpath: false, stale: 10_000, retries: { retries: 100, minTimeout: 5, maxTimeout: 30 } };
  const releaseDir = await lockfile.lock(configDir, { ...options, lockfilePath: path.join(configDir, '.oauth_refresh.lock') });
  const legacy = `${realpathSync(configDir)}.lock`;
  const releaseLegacy = await lockfile.lock(legacy, { ...options, lockfilePath: legacy });
  try {
    const doc = JSON.parse(await fs.readFile(claudePaths.credentialsFile, 'utf8')) as { claudeAiOauth: { refreshToken: string } };
    const owner = simulator.ownerOfRefreshToken(doc.claudeAiOauth.refreshToken);
    const refreshed = simulator.refresh(doc.claudeAiOauth.refreshToken);
    if (!refreshed.ok) {
      figures.reuses++;
      return;
    }
    figures.claudeRefreshes++;
    if (owner) await writeClaudeTokensOnly(owner);
  } finally {
    await releaseLegacy();
    await releaseDir();
  }
}

async function writeClaudeTokensOnly(id: string): Promise<void> {
  const doc = JSON.parse(await fs.readFile(claudePaths.credentialsFile, 'utf8')) as Record<string, unknown>;
  const tmp = `${claudePaths.credentialsFile}.chaos-${process.pid}`;
  await fs.writeFile(tmp, JSON.stringify({ ...doc, claudeAiOauth: stored(id) }), { mode: 0o600 });
  await fs.rename(tmp, claudePaths.credentialsFile);
}

interface Monitor {
  readonly child: ChildProcess;
  readonly url: Promise<string | null>;
  readonly exited: Promise<number | null>;
}

function startServe(): Monitor {
  const child = spawn(process.execPath, [BIN, 'serve', '--data-dir', dataDir, '--port', '0', '--vault', 'file', '--log-level', 'error'], {
    env: {
      PATH: process.env.PATH,
      HOME: root,
      CLAUDE_CONFIG_DIR: claudePaths.configDir,
      CCMAX_API_BASE_URL: standIn.url,
      CCMAX_OAUTH_TOKEN_URL: standIn.tokenUrl,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = new Promise<string | null>((resolve) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    void exited.then(() => resolve(null));
  });
  child.stderr?.resume();
  return { child, url, exited };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

const FAULTS: readonly { fault: StandInFault; path?: string }[] = [
  { fault: { kind: 'status', status: 500 } },
  { fault: { kind: 'status', status: 503 } },
  { fault: { kind: 'rate-limited', retryAfter: '30' } },
  { fault: { kind: 'destroy' } },
  { fault: { kind: 'garbage' }, path: '/api/oauth/usage' },
  { fault: { kind: 'truncated' }, path: '/api/oauth/usage' },
  { fault: { kind: 'delay', ms: 300 }, path: '/api/oauth/usage' },
];

/** Every account's live refresh token is in the vault, Claude Code's file or a fallback file. */
async function checkNothingLost(iteration: number): Promise<void> {
  const vault = JSON.parse(await fs.readFile(path.join(dataDir, 'vault.json'), 'utf8')) as { entries: Record<string, string> };
  const places = [
    ...Object.values(vault.entries),
    await fs.readFile(claudePaths.credentialsFile, 'utf8'),
    ...(await Promise.all(
      (await fs.readdir(path.join(dataDir, 'pending-logins')).catch(() => [] as string[])).map((n) =>
        fs.readFile(path.join(dataDir, 'pending-logins', n), 'utf8').catch(() => ''),
      ),
    )),
  ].join('\n');
  for (const id of ids) {
    const live = simulator.credentials(id).refreshToken;
    if (!places.includes(live)) throw new Error(`iteration ${iteration}: the live refresh token of account ${ids.indexOf(id)} is nowhere`);
  }
}

async function clearDeadLocks(): Promise<void> {
  // A SIGKILLed monitor leaves Claude Code's lock folders (stale only after 10 s); it is provably gone.
  await fs.rm(path.join(claudePaths.configDir, '.oauth_refresh.lock'), { recursive: true, force: true });
  await fs.rm(`${realpathSync(claudePaths.configDir)}.lock`, { recursive: true, force: true });
}

async function oneIteration(iteration: number): Promise<void> {
  const monitor = startServe();
  const url = await monitor.url;
  if (url === null) throw new Error(`iteration ${iteration}: serve did not start`);
  const killAtMs = Date.now() + 50 + Math.random() * 700;
  while (Date.now() < killAtMs) {
    const roll = Math.random();
    if (roll < 0.35) {
      figures.switchesAsked++;
      void fetch(`${url}/api/switch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ accountId: pick(ids) }),
      }).catch(() => undefined);
    } else if (roll < 0.6) {
      await claudeCodeRefresh().catch(() => undefined);
    } else if (roll < 0.75) {
      void fetch(`${url}/api/refresh`, { method: 'POST' }).catch(() => undefined);
    } else if (roll < 0.85) {
      const { fault, path: faultPath } = pick(FAULTS);
      standIn.faults.inject(fault, { times: 1, ...(faultPath ? { path: faultPath } : {}) });
      figures.faults++;
    }
    await sleep(Math.random() * 40);
  }
  monitor.child.kill('SIGKILL');
  await monitor.exited;
  figures.kills++;
  standIn.faults.clear();
  await clearDeadLocks();
  await checkNothingLost(iteration);
}

async function twoAtOnce(iteration: number): Promise<void> {
  figures.pairsStarted++;
  const pair = [startServe(), startServe()];
  const urls = await Promise.all(pair.map((m) => m.url));
  const losers = pair.filter((_, i) => urls[i] === null);
  const loserCodes = await Promise.all(losers.map((m) => m.exited));
  for (const m of pair) m.child.kill('SIGKILL');
  await Promise.all(pair.map((m) => m.exited));
  figures.kills += 2 - losers.length;
  await clearDeadLocks();
  if (losers.length !== 1) throw new Error(`iteration ${iteration}: ${2 - losers.length} of two monitors started together ran`);
  expect(loserCodes[0]).not.toBe(0);
  await checkNothingLost(iteration);
}

describe('chaos', () => {
  it(
    `survives ${ITERATIONS} SIGKILLs during switch/refresh/harvest with no refresh token lost or reused`,
    async () => {
      for (let i = 1; i <= ITERATIONS; i++) {
        if (i % 10 === 0) await twoAtOnce(i);
        else await oneIteration(i);
      }
      const tokenCalls = standIn.requests.filter((r) => r.path === TOKEN_PATH);
      figures.monitorTokenCalls = tokenCalls.length;
      figures.reuses += tokenCalls.filter((r) => r.status === 400).length;
      const events = await fs.readFile(path.join(dataDir, 'events.jsonl'), 'utf8').catch(() => '');
      const count = (kind: string) => events.split('\n').filter((line) => line.includes(`"kind":"${kind}"`)).length;
      console.info(`chaos: ${JSON.stringify({ ...figures, switched: count('account-switched'), harvested: count('token-harvested') })}`);
      expect(figures.reuses).toBe(0);
      expect(figures.kills).toBeGreaterThanOrEqual(ITERATIONS);
    },
    60_000 + ITERATIONS * 8_000,
  );
});

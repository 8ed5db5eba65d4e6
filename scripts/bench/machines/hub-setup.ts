/**
 * The hub machine for `npm run bench:machines`: a stand-in Anthropic API on loopback (in the bench's
 * process, so the hub's RSS is the monitor's own, not the simulator's) and a data dir with the
 * fleet's accounts imported into a file vault, Claude Code's store on the hub holding the first
 * one. The bench then starts an ordinary `serve --data-dir … --vault file --token …` with `env`.
 * The same setup as test/machines/hub-refresh-processes.test.ts; every token is fresh for 8 h.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createDemoFleet, createFleetSimulator } from '../../../src-main/demo/fleet-simulator.js';
import { startStandInApi } from '../../../src-main/demo/stand-in-api.js';
import { resolveClaudePaths } from '../../../src-main/engine/claude-code/claude-store.js';
import { toClaudeAiOauth } from '../../../src-main/engine/claude-code/credential-targets/credentials-json.js';
import { silentLogger } from '../../../src-main/engine/ports.js';
import { openEngine } from '../../../src-main/host/open-engine.js';

export interface BenchHub {
  readonly dataDir: string;
  /** The environment `serve` runs in: the hub's HOME and Claude Code dir, the stand-in's URLs. */
  readonly env: Readonly<Record<string, string>>;
  readonly accounts: number;
  /** Calls the stand-in's token endpoint answered (the hub refreshes nothing in a short bench). */
  tokenCalls(): number;
  close(): Promise<void>;
}

export async function prepareHub(home: string, accounts: number): Promise<BenchHub> {
  const dataDir = join(home, 'data');
  const claudeDir = join(home, '.claude');
  await mkdir(claudeDir, { recursive: true });
  const claudePaths = resolveClaudePaths({ CLAUDE_CONFIG_DIR: claudeDir }, home, 'linux');
  const nowMs = Date.now();
  const fleet = createDemoFleet({ count: accounts, nowMs, seed: 13 });
  const specs = fleet.accounts.map(({ accessTokenExpiresAtMs: _fresh, ...spec }) => spec);
  const activeId = specs[0]!.accountUuid;
  const simulator = createFleetSimulator({ now: () => Date.now(), seed: 13, accounts: specs, activeAccountId: activeId });
  const standIn = await startStandInApi({ simulator, maxRecorded: 10_000 });
  const opened = await openEngine({
    dataDir,
    env: {},
    platform: 'linux',
    homeDir: home,
    vaultKind: 'file',
    logger: silentLogger,
    claudePaths,
    endpoints: { apiBaseUrl: standIn.url, tokenUrl: standIn.tokenUrl },
  });
  for (const spec of specs) {
    const added = await opened.engine.accounts.addFromCredentialsJson(
      JSON.stringify({ claudeAiOauth: toClaudeAiOauth(simulator.credentials(spec.accountUuid)) }),
    );
    if (!added.ok) throw new Error(`import failed: ${added.error.message}`);
  }
  await opened.close();
  await writeFile(claudePaths.credentialsFile, JSON.stringify({ claudeAiOauth: toClaudeAiOauth(simulator.credentials(activeId)) }), {
    mode: 0o600,
  });
  await writeFile(claudePaths.claudeJson, JSON.stringify({ oauthAccount: { accountUuid: activeId, emailAddress: 'a@example.com' } }));
  return {
    dataDir,
    env: {
      HOME: home,
      CLAUDE_CONFIG_DIR: claudeDir,
      CCMAX_API_BASE_URL: standIn.url,
      CCMAX_OAUTH_TOKEN_URL: standIn.tokenUrl,
    },
    accounts,
    tokenCalls: () => standIn.requests.filter((r) => r.path === '/v1/oauth/token').length,
    close: () => standIn.close(),
  };
}

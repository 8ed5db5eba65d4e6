/**
 * Demo mode: a simulated fleet behind an in-process loopback stand-in for the Anthropic API, a
 * sandboxed data dir and Claude Code config dir (removed on exit), and the file vault inside the
 * sandbox. Nothing of the user's — accounts, keychain, Claude Code login — is read or written.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDemoFleet, createFleetSimulator, type FleetSimulator } from '../demo/fleet-simulator.js';
import { startStandInApi, type StandInApi } from '../demo/stand-in-api.js';
import {
  type ClaudePaths,
  type Clock,
  createFileSecretStore,
  createStateStore,
  createUsageCacheStore,
  createVault,
  type Logger,
  planFromProfile,
  resolveClaudePaths,
  toClaudeAiOauth,
} from '../engine/index.js';

export interface DemoSandbox {
  readonly dataDir: string;
  readonly claudePaths: ClaudePaths;
  readonly endpoints: { readonly apiBaseUrl: string; readonly tokenUrl: string };
  readonly simulator: FleetSimulator;
  readonly standIn: StandInApi;
  /** Stops the stand-in and deletes the sandbox. */
  close(): Promise<void>;
}

/** Starts the stand-in and seeds the sandbox with the demo accounts; Claude Code "uses" the first active one. */
export async function startDemoSandbox(options: {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly count?: number;
  readonly seed?: number;
}): Promise<DemoSandbox> {
  const root = await mkdtemp(join(tmpdir(), 'ccmax-monitor-demo-'));
  const dataDir = join(root, 'data');
  const claudeDir = join(root, 'claude');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await mkdir(claudeDir, { recursive: true, mode: 0o700 });
  const nowMs = options.clock.now();
  const fleet = createDemoFleet({ count: options.count ?? 5, nowMs, seed: options.seed ?? 1 });
  const simulator = createFleetSimulator({
    now: () => options.clock.now(),
    seed: options.seed ?? 1,
    accounts: fleet.accounts,
    activeAccountId: fleet.activeAccountId,
  });
  const standIn = await startStandInApi({ simulator, logger: options.logger });
  const claudePaths = resolveClaudePaths({ CLAUDE_CONFIG_DIR: claudeDir }, root, process.platform);

  // Seed accounts and logins directly: the demo knows its identities, and one of them holds an
  // already-expired token (which a real import would refuse) to show the "expired" health.
  const vault = createVault(createFileSecretStore({ dataDir, logger: options.logger }));
  const store = createStateStore({ dataDir, logger: options.logger });
  const state = store.read();
  const accounts = [];
  for (const spec of fleet.accounts) {
    const credentials = simulator.credentials(spec.accountUuid);
    const written = await vault.write(spec.accountUuid, {
      version: 1,
      credentials,
      refreshedAtMs: nowMs,
      refreshPath: 'login',
      needsLogin: false,
    });
    if (!written.ok) throw new Error(`demo: could not seed the sandbox vault: ${written.error.message}`);
    accounts.push({
      id: spec.accountUuid,
      email: spec.email,
      displayName: spec.displayName,
      organizationUuid: spec.organizationUuid,
      organizationName: spec.organizationName,
      plan: planFromProfile(spec.rateLimitTier, spec.subscriptionType),
      rateLimitTier: spec.rateLimitTier,
      label: null,
      enabled: true,
      addedAtMs: nowMs,
    });
  }
  // Demo polling runs at the fastest cadences the settings allow, so the figures visibly move.
  store.write({ ...state, accounts, settings: { ...state.settings, activePollIntervalMs: 60_000, parkedPollIntervalMs: 180_000 } });
  // The demo is full at once: every account starts with the figures the simulator holds now (as
  // the stand-in would answer them), instead of "waiting for first poll" until the poller's
  // staggered catch-up reaches it. Real polls take over at each account's own cadence.
  createUsageCacheStore({ dataDir, logger: options.logger }).write({
    version: 1,
    entries: Object.fromEntries(
      simulator.accounts().map((a) => [
        a.accountUuid,
        {
          fiveHour: { utilizationPct: Math.floor(a.windows.fiveHourPct), resetsAtMs: a.windows.fiveHourResetsAtMs },
          sevenDay: { utilizationPct: Math.floor(a.windows.sevenDayPct), resetsAtMs: a.windows.sevenDayResetsAtMs },
          extra: {},
          // The active account's reading is one interval old, so the poller reads it at once.
          readAtMs: a.active ? nowMs - 60_000 : nowMs,
          source: 'demo' as const,
        },
      ]),
    ),
  });

  const active = fleet.activeAccountId;
  if (active) {
    const spec = fleet.accounts.find((a) => a.accountUuid === active);
    await writeFile(claudePaths.credentialsFile, JSON.stringify({ claudeAiOauth: toClaudeAiOauth(simulator.credentials(active)) }), {
      mode: 0o600,
    });
    await writeFile(
      claudePaths.claudeJson,
      JSON.stringify({ oauthAccount: { accountUuid: active, emailAddress: spec?.email, organizationUuid: spec?.organizationUuid } }),
    );
  }
  return {
    dataDir,
    claudePaths,
    endpoints: { apiBaseUrl: standIn.url, tokenUrl: standIn.tokenUrl },
    simulator,
    standIn,
    async close() {
      await standIn.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/**
 * Part 2 of the bench: the real engine (`openEngine`: poller, token keeper, rotation, switcher) in
 * this process on a simulated clock, against the loopback stand-in, for a simulated day with ten
 * accounts and a Claude Code user working all day on whichever one rotation gives them. Counts the
 * usage-endpoint calls the stand-in received, per account and by the role the account had.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEngine, type OpenedEngine } from '../../../src-main/host/open-engine.js';
import { createRng } from '../../../src-main/demo/seeded-random.js';
import { USAGE_PATH } from '../../../src-main/engine/anthropic/endpoints.js';
import { resolveClaudePaths } from '../../../src-main/engine/claude-code/claude-store.js';
import type { Logger } from '../../../src-main/engine/ports.js';
import { toRoleTallies, type ActiveChange } from './active-timeline.js';
import { startBenchFleet, toCredentialsJson, usageCallTimes, writeClaudeLogin, type BenchFleet } from './bench-fleet.js';
import { startClaudeCodeSim, type ClaudeCodeSim } from './claude-code-sim.js';
import { withDeadline, type RegisterCleanup } from './cleanup.js';
import { createSettler, createSteppedClock } from './stepped-clock.js';

const HOUR_MS = 3_600_000;

export interface AccountRate {
  readonly email: string;
  readonly activeHours: number;
  readonly parkedHours: number;
  readonly activeCalls: number;
  readonly parkedCalls: number;
}

export interface UsageRateResult {
  readonly simulatedHours: number;
  readonly wallSeconds: number;
  readonly accounts: readonly AccountRate[];
  /** How often the active account changed (rotation switches). */
  readonly switches: number;
  readonly tokenRefreshCalls: number;
  /** Warnings/errors the engine logged and anything the simulated Claude Code ran into. */
  readonly problems: readonly string[];
}

/** Runs the simulated day; always cleans up its temp dir, engine and stand-in. */
export async function measureUsageRate(options: {
  readonly simulatedHours: number;
  readonly log: (line: string) => void;
  readonly registerCleanup: RegisterCleanup;
}): Promise<UsageRateResult> {
  const wallStartMs = performance.now();
  const settler = createSettler(globalThis.fetch);
  const clock = createSteppedClock({ startMs: Date.UTC(2026, 10, 24, 9, 0, 0), settle: () => settler.settle() });
  const problems: string[] = [];
  const root = await mkdtemp(join(tmpdir(), 'ccmax-bench-rate-'));
  let fleet: BenchFleet | null = null;
  let opened: OpenedEngine | null = null;
  let claudeCode: ClaudeCodeSim | null = null;
  let closed = false;
  const close = async (): Promise<void> => {
    closed = true;
    unregister();
    claudeCode?.stop();
    // Stopping may wait on work only simulated time would finish: bounded, so the dir always goes.
    await withDeadline(opened?.close() ?? Promise.resolve(), 5_000).catch(() => {});
    await fleet?.close().catch(() => {});
    await rm(root, { recursive: true, force: true });
  };
  const unregister = options.registerCleanup(close);
  try {
    fleet = await startBenchFleet(() => clock.now());
    const { simulator, standIn } = fleet;
    const claudeDir = join(root, 'claude');
    await writeClaudeLogin(claudeDir, simulator, fleet.activeAccountId);
    opened = await openEngine({
      dataDir: join(root, 'data'),
      env: {},
      platform: process.platform,
      homeDir: root,
      vaultKind: 'file',
      logger: problemLogger(problems),
      endpoints: { apiBaseUrl: standIn.url, tokenUrl: standIn.tokenUrl },
      claudePaths: resolveClaudePaths({ CLAUDE_CONFIG_DIR: claudeDir }, root, process.platform),
      clock,
      fetch: settler.fetch,
      random: createRng(11),
    });
    const { engine } = opened;
    for (const spec of fleet.accounts) {
      const added = await engine.accounts.addFromCredentialsJson(toCredentialsJson(simulator.credentials(spec.accountUuid)));
      if (!added.ok) throw new Error(`could not add ${spec.email}: ${added.error.message}`);
    }
    await settler.settle();

    const startMs = clock.now();
    const endMs = startMs + options.simulatedHours * HOUR_MS;
    const changes: ActiveChange[] = [];
    const noteActive = (accountId: string | null) => {
      if (changes.length === 0 || changes.at(-1)?.accountId !== accountId) changes.push({ atMs: clock.now(), accountId });
    };
    engine.subscribe((s) => noteActive(s.activeAccountId));
    await engine.start();
    noteActive(engine.snapshot().activeAccountId);
    claudeCode = startClaudeCodeSim({ clock, simulator, configDir: claudeDir, problem: (p) => problems.push(p) });
    for (let h = 1; h <= options.simulatedHours && !closed; h++) {
      await clock.runUntil(startMs + h * HOUR_MS);
      if (h % 6 === 0)
        options.log(`  simulated ${h} h of ${options.simulatedHours} (${Math.round((performance.now() - wallStartMs) / 1000)} s)`);
    }

    if (closed) throw new Error('interrupted');
    const ids = fleet.accounts.map((a) => a.accountUuid);
    const tallies = toRoleTallies(ids, changes, usageCallTimes(standIn, USAGE_PATH, startMs, endMs), startMs, endMs);
    const tokenRefreshCalls = standIn.requests.filter(
      (r) => r.method === 'POST' && r.path === '/v1/oauth/token' && r.atMs >= startMs && r.atMs < endMs,
    ).length;
    return {
      simulatedHours: options.simulatedHours,
      wallSeconds: (performance.now() - wallStartMs) / 1000,
      accounts: fleet.accounts.map((spec) => {
        const t = tallies.get(spec.accountUuid) ?? { activeMs: 0, parkedMs: 0, activeCalls: 0, parkedCalls: 0 };
        return {
          email: spec.email,
          activeHours: t.activeMs / HOUR_MS,
          parkedHours: t.parkedMs / HOUR_MS,
          activeCalls: t.activeCalls,
          parkedCalls: t.parkedCalls,
        };
      }),
      switches: changes.filter((c, i) => i > 0 && c.accountId !== null).length,
      tokenRefreshCalls,
      problems,
    };
  } finally {
    await close();
  }
}

/** Keeps the engine's warnings and errors as problems (they would make the figures suspect). */
function problemLogger(problems: string[]): Logger {
  const keep = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    problems.push(`${level}: ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
  };
  return { debug() {}, info() {}, warn: keep('warn'), error: keep('error') };
}

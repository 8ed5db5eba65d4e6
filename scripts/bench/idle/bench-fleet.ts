/**
 * The fleet both bench parts use: the demo fleet's ten accounts behind the loopback stand-in, every
 * one with a full-lifetime login (the demo's deliberately expired token would be refused by
 * `accounts add`, and a login that cannot be polled would flatter the per-account figures).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createDemoFleet, createFleetSimulator, type FleetSimulator, type SimAccountSpec } from '../../../src-main/demo/fleet-simulator.js';
import { startStandInApi, type StandInApi } from '../../../src-main/demo/stand-in-api.js';
import type { OAuthCredentials } from '../../../src-main/engine/vault/credentials.js';

export const BENCH_ACCOUNT_COUNT = 10;
const BENCH_SEED = 7;

export interface BenchFleet {
  readonly simulator: FleetSimulator;
  readonly standIn: StandInApi;
  readonly accounts: readonly SimAccountSpec[];
  /** The account Claude Code "uses" (its login is in the Claude config dir). */
  readonly activeAccountId: string;
  close(): Promise<void>;
}

/** Starts a simulator on `now` and a stand-in for it on 127.0.0.1 (any free port). */
export async function startBenchFleet(now: () => number): Promise<BenchFleet> {
  const fleet = createDemoFleet({ count: BENCH_ACCOUNT_COUNT, nowMs: now(), seed: BENCH_SEED });
  const accounts = fleet.accounts.map(({ accessTokenExpiresAtMs: _dropped, ...spec }) => spec);
  const activeAccountId = fleet.activeAccountId ?? accounts[0]?.accountUuid;
  if (!activeAccountId) throw new Error('the bench fleet has no accounts');
  const simulator = createFleetSimulator({ now, seed: BENCH_SEED, accounts, activeAccountId });
  // Keep every request of a simulated day (≈ 1 500 usage calls plus profiles and refreshes).
  const standIn = await startStandInApi({ simulator, host: '127.0.0.1', port: 0, maxRecorded: 200_000 });
  return { simulator, standIn, accounts, activeAccountId, close: () => standIn.close() };
}

/** Claude Code's credentials file body (`{"claudeAiOauth": …}`), the form `accounts add` reads. */
export function toCredentialsJson(c: OAuthCredentials): string {
  return JSON.stringify({
    claudeAiOauth: {
      accessToken: c.accessToken,
      refreshToken: c.refreshToken,
      expiresAt: c.expiresAtMs,
      scopes: c.scopes,
      subscriptionType: c.subscriptionType,
      rateLimitTier: c.rateLimitTier,
    },
  });
}

/**
 * Writes the account's current login into a Claude config dir as Claude Code would after
 * `/login` (`.credentials.json`, 0600, and the `oauthAccount` block of `.claude.json`).
 */
export async function writeClaudeLogin(configDir: string, simulator: FleetSimulator, accountId: string): Promise<void> {
  await mkdir(configDir, { recursive: true, mode: 0o700 });
  await writeFile(join(configDir, '.credentials.json'), toCredentialsJson(simulator.credentials(accountId)), { mode: 0o600 });
  const account = simulator.account(accountId);
  await writeFile(
    join(configDir, '.claude.json'),
    JSON.stringify({ oauthAccount: { accountUuid: accountId, emailAddress: account?.email, organizationUuid: account?.organizationUuid } }),
  );
}

/** When the stand-in saw each usage-endpoint request in [fromMs, toMs) of its own clock, per account id. */
export function usageCallTimes(standIn: StandInApi, usagePath: string, fromMs: number, toMs: number): Map<string, number[]> {
  const times = new Map<string, number[]>();
  for (const r of standIn.requests) {
    if (r.path !== usagePath || r.atMs < fromMs || r.atMs >= toMs || r.accountId === null) continue;
    times.set(r.accountId, [...(times.get(r.accountId) ?? []), r.atMs]);
  }
  return times;
}

/**
 * A sandbox for running the real Claude Code CLI against loopback: its own HOME and
 * CLAUDE_CONFIG_DIR, a login taken from the fleet simulator, onboarding and folder trust already
 * done, and the stand-in API (with the scripted /v1/messages) as ANTHROPIC_BASE_URL.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDemoFleet, createFleetSimulator, type FleetSimulator } from '../../src-main/demo/fleet-simulator.js';
import { startStandInApi, type StandInApi } from '../../src-main/demo/stand-in-api.js';
import { createMessagesEndpoint, type MessagesEndpoint, type UnifiedRateLimits } from '../stand-in/messages-endpoint.js';

/**
 * The CLI package under test: `CCMAX_CLAUDE_PACKAGE_DIR` (set by `npm run test:claude -- <version>`
 * to a copy installed under .tmp/), else the devDependency pinned in package.json.
 */
const PACKAGE_DIR =
  process.env.CCMAX_CLAUDE_PACKAGE_DIR ?? join(import.meta.dirname, '..', '..', 'node_modules', '@anthropic-ai', 'claude-code');
export const CLAUDE_CLI = join(PACKAGE_DIR, 'cli-wrapper.cjs');
export const CLAUDE_VERSION = packageVersion() ?? '2.1.331';

function packageVersion(): string | null {
  try {
    const version = (JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' ? version : null;
  } catch {
    return null;
  }
}

/**
 * True when the real CLI (and its native binary) is installed. With `CCMAX_CLAUDE_REQUIRED=1`
 * (`npm run test:claude`) a missing CLI fails the run instead of skipping it.
 */
export function claudeCliPresent(): boolean {
  const present = existsSync(CLAUDE_CLI) && existsSync(join(PACKAGE_DIR, 'bin', 'claude.exe'));
  if (!present && process.env.CCMAX_CLAUDE_REQUIRED === '1') throw new Error(`the Claude Code CLI is not installed at ${PACKAGE_DIR}`);
  return present;
}

export interface ClaudeSandbox {
  readonly home: string;
  readonly configDir: string;
  readonly project: string;
  readonly standIn: StandInApi;
  readonly simulator: FleetSimulator;
  readonly messages: MessagesEndpoint;
  readonly accountId: string;
  readonly limits: UnifiedRateLimits;
  /** Environment for the CLI (HOME, CLAUDE_CONFIG_DIR, ANTHROPIC_BASE_URL, traffic switches). */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  dispose(): Promise<void>;
}

/** Creates the sandbox; the stand-in answers with `limits`. */
export async function createClaudeSandbox(
  limits: UnifiedRateLimits,
  messagesOptions: { readonly bashCommand?: string } = {},
): Promise<ClaudeSandbox> {
  const home = await mkdtemp(join(tmpdir(), 'ccmax-e2e-'));
  const configDir = join(home, '.claude');
  const project = join(home, 'project');
  await mkdir(configDir, { recursive: true });
  await mkdir(project, { recursive: true });
  const nowMs = Date.now();
  const fleet = createDemoFleet({ nowMs, count: 2 });
  const simulator = createFleetSimulator({
    now: () => Date.now(),
    seed: 7,
    accounts: fleet.accounts,
    activeAccountId: fleet.activeAccountId,
  });
  const accountId = fleet.activeAccountId as string;
  const standIn = await startStandInApi({ simulator });
  const messages = createMessagesEndpoint({ rateLimits: () => limits, ...messagesOptions });
  standIn.addRoute('POST', '/v1/messages', messages.handler);
  standIn.addRoute('POST', '/v1/messages/count_tokens', messages.countTokens);

  const credentials = simulator.credentials(accountId);
  await writeFile(
    join(configDir, '.credentials.json'),
    JSON.stringify({
      claudeAiOauth: {
        accessToken: credentials.accessToken,
        refreshToken: credentials.refreshToken,
        expiresAt: credentials.expiresAtMs,
        scopes: credentials.scopes,
        subscriptionType: credentials.subscriptionType ?? 'max',
        rateLimitTier: credentials.rateLimitTier,
      },
    }),
    { mode: 0o600 },
  );
  const account = simulator.account(accountId);
  const globalConfig = {
    hasCompletedOnboarding: true,
    lastOnboardingVersion: CLAUDE_VERSION,
    numStartups: 5,
    theme: 'dark',
    bypassPermissionsModeAccepted: true,
    hasAcknowledgedCostThreshold: true,
    autoUpdates: false,
    oauthAccount: {
      accountUuid: accountId,
      emailAddress: account?.email,
      organizationUuid: account?.organizationUuid,
      displayName: account?.displayName,
      billingType: 'stripe_subscription',
    },
    projects: {
      [project]: { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true, allowedTools: [], projectOnboardingSeenCount: 1 },
    },
  };
  // With CLAUDE_CONFIG_DIR set the CLI reads <configDir>/.claude.json; write ~/.claude.json too.
  await writeFile(join(configDir, '.claude.json'), JSON.stringify(globalConfig, null, 2));
  await writeFile(join(home, '.claude.json'), JSON.stringify(globalConfig, null, 2));

  return {
    home,
    configDir,
    project,
    standIn,
    simulator,
    messages,
    accountId,
    limits,
    env: (extra = {}) => ({
      PATH: process.env.PATH,
      HOME: home,
      USER: process.env.USER ?? 'dev',
      TERM: 'xterm-256color',
      LANG: 'C.UTF-8',
      CLAUDE_CONFIG_DIR: configDir,
      ANTHROPIC_BASE_URL: standIn.url,
      DISABLE_TELEMETRY: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_ERROR_REPORTING: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      ...extra,
    }),
    async dispose() {
      await standIn.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

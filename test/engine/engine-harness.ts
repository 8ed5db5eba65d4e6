/** An engine wired to the real stand-in API over loopback, real temp dirs, a file vault and the FakeClock. */
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEngine, type OpenedEngine } from '../../src-main/host/open-engine.js';
import { toClaudeAiOauth } from '../../src-main/engine/claude-code/credential-targets/credentials-json.js';
import { resolveClaudePaths, type ClaudePaths } from '../../src-main/engine/claude-code/claude-store.js';
import type { Logger } from '../../src-main/engine/ports.js';
import type { CredentialTarget } from '../../src-main/engine/claude-code/credential-targets/credential-target.js';
import type { SessionSource } from '../../src-main/engine/create-engine.js';
import type { OAuthCredentials } from '../../src-main/engine/vault/credentials.js';
import { flushMicrotasks, type FakeClock } from '../fakes/fake-clock.js';
import { startStandInHarness, type StandInHarness } from '../stand-in/index.js';

export interface EngineHarness extends StandInHarness {
  readonly root: string;
  readonly dataDir: string;
  readonly claudePaths: ClaudePaths;
  readonly opened: OpenedEngine;
  /** Every line any logger wrote. */
  readonly logLines: string[];
  /** Writes `credentials` as Claude Code's current login (and its oauthAccount block). */
  loginClaudeCode(accountId: string, credentials?: OAuthCredentials): Promise<void>;
  /** Re-opens the engine on the same dirs (a restart). */
  reopen(): Promise<OpenedEngine>;
  close(): Promise<void>;
}

/**
 * Lets real file and socket I/O finish between fake-clock steps: a few short real waits, each
 * followed by a microtask flush.
 */
export async function settleIo(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 5));
    await flushMicrotasks();
  }
}

export function captureLogger(lines: string[]): Logger {
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push(`${level} ${message} ${fields ? JSON.stringify(fields) : ''}`);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

export interface EngineHarnessOptions {
  readonly count?: number;
  readonly sessions?: SessionSource;
  /** A hub: the engine refreshes the active account too (`EngineDeps.refreshActive`). */
  readonly refreshActive?: { readonly onLoginWritten: (accountId: string) => void };
  /** The clock (default a FakeClock at 24 Nov 2026 12:00 UTC). */
  readonly clock?: FakeClock;
  /** Where the engine writes Claude Code's login; default the credentials file under `claudePaths`. */
  readonly credentialsTarget?: (claudePaths: ClaudePaths) => CredentialTarget;
}

export async function startEngineHarness(options: EngineHarnessOptions = {}): Promise<EngineHarness> {
  const stand = await startStandInHarness({ count: options.count ?? 3, ...(options.clock ? { clock: options.clock } : {}) });
  const root = await mkdtemp(join(tmpdir(), 'ccmax-engine-'));
  const dataDir = join(root, 'data');
  const claudeDir = join(root, 'claude');
  await mkdir(claudeDir, { recursive: true });
  const claudePaths = resolveClaudePaths({ CLAUDE_CONFIG_DIR: claudeDir }, root, 'linux');
  const logLines: string[] = [];
  const open = () =>
    openEngine({
      dataDir,
      env: {},
      platform: 'linux',
      homeDir: root,
      vaultKind: 'file',
      logger: captureLogger(logLines),
      endpoints: { apiBaseUrl: stand.standIn.url, tokenUrl: stand.standIn.tokenUrl },
      claudePaths,
      clock: stand.clock,
      random: () => 0.5,
      ...(options.sessions ? { sessions: options.sessions } : {}),
      ...(options.refreshActive ? { refreshActive: options.refreshActive } : {}),
      ...(options.credentialsTarget ? { credentialsTarget: options.credentialsTarget(claudePaths) } : {}),
    });
  let opened = await open();
  return {
    ...stand,
    root,
    dataDir,
    claudePaths,
    get opened() {
      return opened;
    },
    logLines,
    async loginClaudeCode(accountId, credentials) {
      const c = credentials ?? stand.simulator.credentials(accountId);
      const existing = await readFile(claudePaths.credentialsFile, 'utf8').then(
        (t) => JSON.parse(t) as Record<string, unknown>,
        () => ({}),
      );
      const claudeAiOauth = {
        accessToken: c.accessToken,
        refreshToken: c.refreshToken,
        expiresAt: c.expiresAtMs,
        scopes: c.scopes,
        subscriptionType: c.subscriptionType,
        rateLimitTier: c.rateLimitTier,
      };
      await writeFile(claudePaths.credentialsFile, JSON.stringify({ ...existing, claudeAiOauth }), { mode: 0o600 });
      const email = stand.simulator.account(accountId)?.email;
      await writeFile(
        claudePaths.claudeJson,
        JSON.stringify({ numStartups: 3, oauthAccount: { accountUuid: accountId, emailAddress: email } }),
      );
    },
    async reopen() {
      await opened.close();
      opened = await open();
      return opened;
    },
    async close() {
      await opened.close();
      await stand.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Imports every demo account's login into the harness's engine; returns their ids. */
export async function importAll(h: EngineHarness): Promise<string[]> {
  const ids = h.fleet.accounts.map((a) => a.accountUuid);
  for (const id of ids) {
    const added = await h.opened.engine.accounts.addFromCredentialsJson(
      JSON.stringify({ claudeAiOauth: toClaudeAiOauth(h.simulator.credentials(id)) }),
    );
    if (!added.ok) throw new Error(`import of ${id} failed: ${added.error.message}`);
  }
  return ids;
}

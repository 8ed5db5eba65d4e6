/**
 * The monitor composed as `ccmax-monitor serve` composes it, but in-process so a test can watch it:
 * the engine (file vault in a temp data dir, Claude Code's paths from `CLAUDE_CONFIG_DIR`), the HTTP
 * server, the heartbeat endpoint (whose tool-ended ack waits for the rotation) and the discovery
 * file the hook client reads. Real clock, loopback only.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeDiscovery, writeDiscovery } from '../../../src-main/host/discovery.js';
import { openEngine, type OpenedEngine } from '../../../src-main/host/open-engine.js';
import type { Engine } from '../../../src-main/engine/engine-types.js';
import { systemClock, type Logger } from '../../../src-main/engine/ports.js';
import type { SessionRegistry } from '../../../src-main/engine/sessions/session-registry.js';
import type { OAuthCredentials } from '../../../src-main/engine/vault/credentials.js';
import { PRODUCT_VERSION } from '../../../src-main/engine/version.js';
import { createHttpServer } from '../../../src-main/server/http-server.js';
import { mountHeartbeat } from '../../../src-main/server/mount-heartbeat.js';

export interface RotationMonitorOptions {
  /** The sandbox's `CLAUDE_CONFIG_DIR`; its `.credentials.json` holds the login to import first. */
  readonly claudeConfigDir: string;
  readonly homeDir: string;
  /** The stand-in Anthropic API the engine polls and refreshes against. */
  readonly apiBaseUrl: string;
  readonly tokenUrl: string;
  /** Further logins to add after importing Claude Code's own (simulated secrets; never logged). */
  readonly moreLogins: readonly OAuthCredentials[];
}

export interface RotationMonitor {
  readonly dataDir: string;
  readonly url: string;
  readonly engine: Engine;
  readonly registry: SessionRegistry;
  readonly claudePaths: OpenedEngine['claudePaths'];
  /** Every log line, prefixed with its epoch ms (for diagnosing a failure; the engine logs no secrets). */
  readonly logLines: string[];
  stop(): Promise<void>;
}

function timestampedLogger(lines: string[]): Logger {
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push(`${Date.now()} ${level} ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** Starts the monitor with both logins imported, polled once and the first rotation decision made. */
export async function startRotationMonitor(options: RotationMonitorOptions): Promise<RotationMonitor> {
  const root = await mkdtemp(join(tmpdir(), 'ccmax-e2e-monitor-'));
  const dataDir = join(root, 'data');
  const rendererDir = join(root, 'renderer');
  await mkdir(rendererDir, { recursive: true });
  const logLines: string[] = [];
  const logger = timestampedLogger(logLines);
  const stops: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    while (stops.length)
      await stops
        .pop()?.()
        .catch((e: unknown) => logger.error('monitor stop step failed', { reason: String(e) }));
    await rm(root, { recursive: true, force: true });
  };
  try {
    const opened = await openEngine({
      dataDir,
      env: { CLAUDE_CONFIG_DIR: options.claudeConfigDir },
      // The credentials-file target: what the real CLI reads on Linux (the CI platform).
      platform: 'linux',
      homeDir: options.homeDir,
      vaultKind: 'file',
      logger,
      endpoints: { apiBaseUrl: options.apiBaseUrl, tokenUrl: options.tokenUrl },
    });
    stops.push(() => opened.close());
    const { engine, registry } = opened;
    if (!registry) throw new Error('openEngine made no session registry; the heartbeat server needs one');
    const imported = await engine.accounts.importFromClaudeCode();
    if (!imported.ok) throw new Error(`importing Claude Code's login failed: ${imported.error.message}`);
    for (const c of options.moreLogins) {
      const json = JSON.stringify({
        claudeAiOauth: { accessToken: c.accessToken, refreshToken: c.refreshToken, expiresAt: c.expiresAtMs, scopes: c.scopes },
      });
      const added = await engine.accounts.addFromCredentialsJson(json);
      if (!added.ok) throw new Error(`adding a login failed: ${added.error.message}`);
    }
    await engine.start();
    await engine.refreshNow();
    await engine.settleRotation();

    const server = await createHttpServer({
      engine,
      host: '127.0.0.1',
      port: 0,
      rendererDir,
      demo: false,
      version: PRODUCT_VERSION,
      logger,
      vault: { kind: opened.vault.kind, location: opened.vault.location },
      closeGraceMs: 500,
    });
    stops.push(() => server.close());
    const heartbeat = mountHeartbeat({ server, engine, registry, clock: systemClock, logger, token: null });
    stops.push(() => heartbeat.dispose());
    await writeDiscovery(dataDir, {
      version: 1,
      url: server.url,
      pid: process.pid,
      startedAtMs: Date.now(),
      demo: false,
      productVersion: PRODUCT_VERSION,
    });
    stops.push(() => removeDiscovery(dataDir, process.pid));
    return { dataDir, url: server.url, engine, registry, claudePaths: opened.claudePaths, logLines, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Runs a busy scenario — imports, polls, refreshes, a harvest, a revoked login, faults, the HTTP API
 * and its WebSocket — and scans everything produced for the tokens used: log lines, events, every
 * file in the data dir except the vault, API responses and pushed snapshots.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createHttpServer, type HttpServerHandle } from '../../src-main/server/http-server.js';
import { captureLogger, settleIo as settle, startEngineHarness, type EngineHarness } from '../engine/engine-harness.js';

const M = 60_000;
const H = 60 * M;

let h: EngineHarness | null = null;
let server: HttpServerHandle | null = null;
afterEach(async () => {
  await server?.close();
  await h?.close();
  server = null;
  h = null;
});

describe('secrets', () => {
  it('never lets a token reach a log line, an event, a state file, an API response or a snapshot', async () => {
    h = await startEngineHarness({ count: 4 });
    const harness = h;
    const tokens = new Set<string>();
    const remember = (id: string) => {
      const c = harness.simulator.credentials(id);
      tokens.add(c.accessToken);
      tokens.add(c.refreshToken);
    };
    const ids = harness.fleet.accounts.map((a) => a.accountUuid);
    ids.forEach(remember);
    const produced: string[] = [];
    const serverLogs: string[] = [];

    for (const id of ids) {
      const c = harness.simulator.credentials(id);
      await harness.opened.engine.accounts.addFromCredentialsJson(
        JSON.stringify({
          claudeAiOauth: { accessToken: c.accessToken, refreshToken: c.refreshToken, expiresAt: c.expiresAtMs, scopes: c.scopes },
        }),
      );
    }
    await harness.loginClaudeCode(ids[1]!);
    const engine = harness.opened.engine;
    engine.subscribe((s) => produced.push(JSON.stringify(s)));
    server = await createHttpServer({
      engine,
      rendererDir: join(harness.root, 'no-renderer'),
      demo: false,
      version: 'test',
      logger: captureLogger(serverLogs),
      vault: { kind: 'file', location: 'x' },
    });
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/ws`);
    ws.on('message', (data: Buffer) => produced.push(data.toString('utf8')));
    await engine.start();

    // Faults, a revoked login, refreshes ahead of expiry, and Claude Code refreshing on its own.
    harness.standIn.faults.inject({ kind: 'rate-limited', retryAfter: '600' }, { accountId: ids[2]!, times: 1 });
    harness.standIn.faults.inject({ kind: 'garbage' }, { accountId: ids[3]!, times: 1 });
    harness.simulator.revokeLogin(ids[3]!);
    for (let t = 0; t < 8 * H; t += 10 * M) {
      await harness.clock.advance(10 * M);
      await settle();
      ids.forEach(remember);
      if (t === 4 * H) {
        const active = harness.simulator.credentials(ids[1]!);
        const refreshed = harness.simulator.refresh(active.refreshToken);
        expect(refreshed.ok).toBe(true);
        remember(ids[1]!);
        await harness.loginClaudeCode(ids[1]!);
      }
    }
    expect(engine.events({ kinds: ['token-harvested'] }).length).toBeGreaterThan(0);
    expect(engine.events({ kinds: ['token-refreshed'] }).length).toBeGreaterThan(0);

    // Every API response, including errors that might echo input.
    const leaky = harness.simulator.credentials(ids[0]!);
    const api = async (path: string, init?: RequestInit) => {
      const res = await fetch(`${server!.url}${path}`, init);
      produced.push(`${res.status} ${JSON.stringify([...res.headers])} ${await res.text()}`);
    };
    for (const path of ['/api/health', '/api/state', '/api/events?limit=1000', '/api/accounts', '/api/settings', '/openapi.json', '/docs'])
      await api(path);
    const post = (body: string) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await api(
      '/api/accounts',
      post(JSON.stringify({ credentials: { claudeAiOauth: { accessToken: leaky.accessToken, refreshToken: leaky.refreshToken } } })),
    );
    await api('/api/accounts', post(`{"credentials": {"claudeAiOauth": {"accessToken": "${leaky.accessToken}", `));
    await api(
      '/api/accounts',
      post(
        JSON.stringify({
          credentials: { claudeAiOauth: { accessToken: leaky.accessToken, refreshToken: leaky.refreshToken, expiresAt: 'soon' } },
        }),
      ),
    );
    await api('/api/refresh', post('{}'));
    await settle();
    ws.close();
    await engine.stop();
    await harness.opened.eventLog.close();

    for (const name of await readdir(harness.dataDir)) {
      if (name === 'vault.json' || name.startsWith('vault.json')) continue;
      produced.push(`${name}: ${await readFile(join(harness.dataDir, name), 'utf8')}`);
    }
    const everything = [...produced, ...harness.logLines, ...serverLogs];
    expect(everything.length).toBeGreaterThan(50);
    expect(tokens.size).toBeGreaterThan(8);
    // A hit is reported by position and kind only, so a failing run does not print the secret.
    const tokenShaped = /sk-ant-[a-z]{3}\d{2}-[A-Za-z0-9_-]{8,}/;
    const hits = everything.flatMap((text, index) => [
      ...(tokenShaped.test(text) ? [`item ${index}: token-shaped text (${text.slice(0, 40).replace(/sk-ant-.*/, '…')})`] : []),
      ...[...tokens].filter((t) => text.includes(t)).map(() => `item ${index}: a known token`),
    ]);
    expect(hits).toEqual([]);
  }, 60_000);
});

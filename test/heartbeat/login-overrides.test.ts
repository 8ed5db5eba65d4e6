/**
 * The hook client says, as booleans only, which login sources override Claude Code's stored login
 * (issue 9 item 3): unit tests of the detection, and real runs of the bundled client with a secret in
 * its environment (or only in the Claude Code process's), asserting the raw frames carry no value.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { detectLoginOverrides, settingsFiles } from '../../src-main/cli/heartbeat/login-overrides.js';
import { silentLogger, systemClock } from '../../src-main/engine/ports.js';
import { createHeartbeatCore, type HeartbeatCore } from '../../src-main/engine/sessions/heartbeat-core.js';
import { createSessionRegistry } from '../../src-main/engine/sessions/session-registry.js';
import { createHeartbeatListener } from '../../src-main/server/heartbeat-socket.js';
import { RecordingSink } from '../sessions/message-builders.js';
import { waitFor } from './monitor-harness.js';

const SECRET = 'sk-ant-oat01-DO-NOT-LEAK-4f9c2e';
const HELPER = '/opt/vault/print-key --profile DO-NOT-LEAK-helper';

describe('detectLoginOverrides', () => {
  const base = { platform: 'linux' as const, homeDir: '/home/dev', cwd: '/home/dev/proj', claudePid: null };
  const files = (map: Record<string, string>) => (path: string) => map[path] ?? null;

  it('says nothing is set in a plain environment', () => {
    expect(detectLoginOverrides({ ...base, env: {}, readText: files({}) })).toEqual({
      ANTHROPIC_AUTH_TOKEN: false,
      CLAUDE_CODE_OAUTH_TOKEN: false,
      ANTHROPIC_API_KEY: false,
      apiKeyHelper: false,
    });
  });

  it('sees each variable that is set and not empty', () => {
    const env = { CLAUDE_CODE_OAUTH_TOKEN: SECRET, ANTHROPIC_AUTH_TOKEN: '', ANTHROPIC_API_KEY: 'sk-ant-api' };
    expect(detectLoginOverrides({ ...base, env, readText: files({}) })).toMatchObject({
      ANTHROPIC_AUTH_TOKEN: false,
      CLAUDE_CODE_OAUTH_TOKEN: true,
      ANTHROPIC_API_KEY: true,
    });
  });

  it('sees a variable the Claude Code process has even when its hooks do not inherit it (Linux /proc)', () => {
    const environ = `PATH=/usr/bin\0ANTHROPIC_AUTH_TOKEN=${SECRET}\0CLAUDE_CODE_OAUTH_TOKEN=\0`;
    const r = detectLoginOverrides({ ...base, claudePid: 4321, env: {}, readText: files({ '/proc/4321/environ': environ }) });
    expect(r.ANTHROPIC_AUTH_TOKEN).toBe(true);
    expect(r.CLAUDE_CODE_OAUTH_TOKEN).toBe(false);
  });

  it('finds an apiKeyHelper in the user, project, local or managed settings', () => {
    for (const file of settingsFiles({ ...base, env: {} })) {
      const r = detectLoginOverrides({ ...base, env: {}, readText: files({ [file]: JSON.stringify({ apiKeyHelper: HELPER }) }) });
      expect(r.apiKeyHelper, file).toBe(true);
    }
    const broken = detectLoginOverrides({ ...base, env: {}, readText: files({ '/home/dev/.claude/settings.json': '{"apiKeyHelper": ' }) });
    expect(broken.apiKeyHelper).toBe(false);
  });

  it('reads the settings of CLAUDE_CONFIG_DIR and CLAUDE_PROJECT_DIR when set', () => {
    expect(settingsFiles({ ...base, env: { CLAUDE_CONFIG_DIR: '/cfg', CLAUDE_PROJECT_DIR: '/repo' } }).slice(0, 3)).toEqual([
      '/cfg/settings.json',
      '/repo/.claude/settings.json',
      '/repo/.claude/settings.local.json',
    ]);
  });
});

describe('bundled hook client with an overriding login', () => {
  const ROOT = join(import.meta.dirname, '..', '..');
  const FIXTURE = join(import.meta.dirname, 'fixtures', 'claude-code-2.1.197', 'hook-SessionStart.json');
  let outDir = '';
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'ccmax-hb-overrides-'));
    const built = spawnSync(process.execPath, [join(ROOT, 'scripts/build-heartbeat.mjs'), '--outdir', outDir], { encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
  });
  afterAll(() => rm(outDir, { recursive: true, force: true }));
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()?.();
  });

  /** A real monitor that also keeps every raw frame as it arrived. */
  async function startRecordingMonitor() {
    const registry = createSessionRegistry({
      clock: systemClock,
      logger: silentLogger,
      events: new RecordingSink(),
      activeAccount: { accountId: () => 'a' },
    });
    const core = createHeartbeatCore({ registry, clock: systemClock, logger: silentLogger });
    const frames: string[] = [];
    const recording: HeartbeatCore = {
      ...core,
      opened: (socket, context) =>
        core.opened(
          {
            send: (d) => socket.send(d),
            close: (c, r) => socket.close(c, r),
            onMessage: (h) => socket.onMessage((d) => (frames.push(d), h(d))),
          },
          context,
        ),
    };
    const listener = createHeartbeatListener({ core: recording, logger: silentLogger, token: null });
    const { url } = await listener.listen();
    cleanups.push(async () => {
      await listener.dispose();
      registry.dispose();
    });
    return { url, registry, frames };
  }

  async function runSessionStart(sessionId: string, hookEnv: NodeJS.ProcessEnv, claudeEnv: NodeJS.ProcessEnv, helper = true) {
    const monitor = await startRecordingMonitor();
    const home = await mkdtemp(join(tmpdir(), 'ccmax-hb-home-'));
    await mkdir(join(home, '.claude'));
    await writeFile(join(home, '.claude', 'settings.json'), JSON.stringify(helper ? { apiKeyHelper: HELPER } : { model: 'opus' }));
    // The stand-in for the Claude Code process (its environment is what /proc shows); killing it ends the pulser.
    const claude: ChildProcess = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      stdio: 'ignore',
      env: { ...process.env, ...claudeEnv },
    });
    cleanups.push(() => rm(home, { recursive: true, force: true }));
    cleanups.push(() => void claude.kill('SIGKILL'));
    const payload = { ...(JSON.parse(readFileSync(FIXTURE, 'utf8')) as object), session_id: sessionId, cwd: home };
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home,
      CCMAX_URL: monitor.url,
      CCMAX_DATA_DIR: home,
      CLAUDE_PID: String(claude.pid),
      CCMAX_PULSE_INTERVAL_MS: '100',
      ...hookEnv,
    };
    const status = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [join(outDir, 'heartbeat.js'), 'hook'], { env, stdio: ['pipe', 'ignore', 'ignore'] });
      child.on('close', resolve);
      child.stdin.end(JSON.stringify(payload));
    });
    expect(status).toBe(0);
    await waitFor(() => monitor.registry.sessions().some((s) => s.id === sessionId));
    return monitor;
  }

  it('reports CLAUDE_CODE_OAUTH_TOKEN and an apiKeyHelper as booleans: the session is marked, no value is sent', async () => {
    const monitor = await runSessionStart('sess-oauth', { CLAUDE_CODE_OAUTH_TOKEN: SECRET }, {});
    const [session] = monitor.registry.sessions();
    expect(session?.loginOverrides).toEqual(['CLAUDE_CODE_OAUTH_TOKEN', 'apiKeyHelper']);
    expect(monitor.registry.rotatableAliveCount()).toBe(0);
    const started = monitor.frames
      .map((f) => JSON.parse(f) as { type: string; loginOverrides?: unknown })
      .find((m) => m.type === 'session-started');
    expect(started?.loginOverrides).toEqual({
      ANTHROPIC_AUTH_TOKEN: false,
      CLAUDE_CODE_OAUTH_TOKEN: true,
      ANTHROPIC_API_KEY: false,
      apiKeyHelper: true,
    });
    const raw = monitor.frames.join('\n');
    expect(raw).not.toContain('DO-NOT-LEAK');
    expect(raw).not.toContain(SECRET.slice(0, 12));
  });

  it.runIf(process.platform === 'linux')('reads a variable only the Claude Code process has (scrubbed from hooks)', async () => {
    const monitor = await runSessionStart('sess-scrubbed', {}, { ANTHROPIC_AUTH_TOKEN: SECRET });
    expect(monitor.registry.sessions()[0]?.loginOverrides).toEqual(['ANTHROPIC_AUTH_TOKEN', 'apiKeyHelper']);
    expect(monitor.frames.join('\n')).not.toContain('DO-NOT-LEAK');
  });

  it('marks nothing for a plain session', async () => {
    const monitor = await runSessionStart('sess-plain', {}, {}, false);
    expect(monitor.registry.sessions()[0]?.loginOverrides).toEqual([]);
    expect(monitor.registry.rotatableAliveCount()).toBe(1);
  });
});

/**
 * 50 agents connecting to a hub at once. The hub is a real `serve --demo --token` process; the 50
 * agents are what `ccmax-monitor agent` runs (`startAgentRunner`: the hub connection and the local
 * hook listener), in this process so the test stays fast on a loaded CI machine, each with its own
 * HOME, Claude Code config dir and data dir. All are accepted (the hub has no bound on agent
 * connections below 50: none is refused), every one writes and acknowledges the active login at the
 * hub's current generation for that account, the hub lists 50 machines, nothing logs an error or
 * raises an error event, no machine is reported lagging; then all disconnect and the hub reports
 * each of them lost.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../src-main/engine/ports.js';
import { startAgentRunner, type AgentRunner } from '../../src-main/host/agent-runner.js';
import type { EngineEvent } from '../../src-main/shared/event-types.js';
import type { MachineView } from '../../src-main/shared/machines-view.js';
import type { FleetSnapshot } from '../../src-main/shared/view-model.js';
import { ensureBuilt, startHub, stopAll, until, type HubProcess } from './processes.js';

const AGENTS = 50;
const TOKEN = 'fifty-agents-token-0123456789';

let dir: string;
let hub: HubProcess;
const runners: AgentRunner[] = [];
/** What the agents logged at warn or error (none expected). */
const complaints: string[] = [];
const fatal: string[] = [];

const logger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (message, fields) => complaints.push(`warn: ${message} ${JSON.stringify(fields ?? {})}`),
  error: (message, fields) => complaints.push(`error: ${message} ${JSON.stringify(fields ?? {})}`),
};
const fp = (secret: string) => createHash('sha256').update(secret).digest('hex').slice(0, 8);
const api = async <T>(path: string): Promise<T> => {
  const res = await fetch(new URL(path, hub.url), { headers: { authorization: `Bearer ${TOKEN}` } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
  return (await res.json()) as T;
};
const machines = async () => (await api<{ machines: MachineView[] }>('/api/machines')).machines;
const events = async () => (await api<{ events: EngineEvent[] }>('/api/events?limit=1000')).events;
const heldFingerprint = async (configDir: string): Promise<string | null> => {
  try {
    const parsed = JSON.parse(await readFile(join(configDir, '.credentials.json'), 'utf8')) as { claudeAiOauth?: { accessToken?: string } };
    return parsed.claudeAiOauth?.accessToken ? fp(parsed.claudeAiOauth.accessToken) : null;
  } catch {
    return null;
  }
};

beforeAll(async () => {
  ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'ccmax-fifty-agents-'));
  hub = await startHub({ home: join(dir, 'hub'), args: ['--demo', '--token', TOKEN], cleanEnv: true });
}, 60_000);

afterAll(async () => {
  await Promise.all(runners.map((r) => r.stop()));
  await stopAll();
  await rm(dir, { recursive: true, force: true });
});

describe('50 agents connecting to a hub at once', () => {
  it('are all accepted and hold the active login at its current generation; the hub lists 50 machines, then reports each lost', async () => {
    // Pin the active account so the demo's own rotation cannot move it while the agents connect.
    const active = await until(
      'an active account',
      async () => (await api<FleetSnapshot>('/api/state')).accounts.find((a) => a.active && a.token) ?? null,
      15_000,
    );
    const pinned = await fetch(new URL('/api/switch', hub.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ accountId: active.id }),
    });
    expect(pinned.status).toBe(202);
    const startedMs = Date.now();

    // All at once: every runner is started before any has connected.
    const started = await Promise.all(
      Array.from({ length: AGENTS }, (_, i) => {
        const home = join(dir, `machine-${i}`);
        return startAgentRunner({
          hubUrl: hub.url,
          token: TOKEN,
          dataDir: join(home, 'data'),
          env: { CLAUDE_CONFIG_DIR: join(home, '.claude') },
          homeDir: home,
          platform: 'linux',
          logger,
          onFatal: (code, reason) => fatal.push(`${i}: ${code} ${reason}`),
        });
      }),
    );
    runners.push(...started);
    expect(new Set(runners.map((r) => r.machineId)).size).toBe(AGENTS);

    const list = await until(
      'all 50 machines to acknowledge the active login',
      async () => {
        const all = await machines();
        return all.filter((m) => m.connected && m.held?.accountId === active.id).length === AGENTS ? all : null;
      },
      20_000,
      100,
    );
    const tookMs = Date.now() - startedMs;
    expect(fatal).toEqual([]);
    expect(runners.every((r) => r.agent.connected())).toBe(true);

    // The hub lists exactly these 50, each holding the active login at the account's current generation.
    expect(list).toHaveLength(AGENTS);
    expect(new Set(list.map((m) => m.id))).toEqual(new Set(runners.map((r) => r.machineId)));
    const dataDir = /data (\S+) \(sandbox/.exec(hub.output())?.[1];
    expect(dataDir).toBeDefined();
    const registry = JSON.parse(await readFile(join(dataDir!, 'machines.json'), 'utf8')) as {
      generations: Record<string, { generation: number; fingerprint: string }>;
    };
    const current = registry.generations[active.id]!;
    expect(current.fingerprint).toBe(active.token!.fingerprint);
    const expected = {
      accountId: active.id,
      generation: current.generation,
      fingerprint: active.token!.fingerprint,
      expiresAtMs: active.token!.expiresAtMs,
    };
    for (const m of list) {
      const { expiresAtMs, ...held } = expected;
      expect(m.held).toEqual(held);
      expect(m.heldExpiresAtMs).toBe(expiresAtMs);
      expect(m.lagging).toBe(false);
    }
    // What each machine acknowledged is what its Claude Code reads.
    for (const r of runners) {
      expect(await heldFingerprint(r.configDir)).toBe(active.token!.fingerprint);
      expect(r.held()).toEqual(expected);
    }
    const during = await events();
    expect(during.filter((e) => e.level === 'error')).toEqual([]);
    expect(during.filter((e) => e.kind === 'machine-lagging' || e.kind === 'machine-lost')).toEqual([]);
    expect(during.filter((e) => e.kind === 'machine-connected')).toHaveLength(AGENTS);
    expect(complaints).toEqual([]);
    expect(tookMs).toBeLessThan(20_000);

    // All disconnect: the hub reports each machine lost, once.
    await Promise.all(runners.map((r) => r.stop()));
    const lost = await until(
      'the hub to report all 50 machines lost',
      async () => {
        const found = (await events()).filter((e) => e.kind === 'machine-lost');
        return found.length >= AGENTS ? found : null;
      },
      10_000,
      100,
    );
    expect(new Set(lost.map((e) => e.data?.['machineId']))).toEqual(new Set(runners.map((r) => r.machineId)));
    expect(lost).toHaveLength(AGENTS);
    const after = await machines();
    expect(after).toHaveLength(AGENTS);
    expect(after.filter((m) => m.connected)).toEqual([]);
    expect((await events()).filter((e) => e.level === 'error')).toEqual([]);
    expect(complaints).toEqual([]);
  }, 60_000);
});

/**
 * A switch back to an account whose login did not change (A → B → A) reaches the machines: the hub
 * assigns it the next generation, so a real agent (the agent client writing a real credentials
 * file) accepts it instead of refusing it as a replay of the generation it saw before, and the hub
 * sends it although that connection was sent the account's earlier generation. Found by
 * `npm run bench:machines`: its second switch to an account never reached any agent.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent, type Agent } from '../../src-main/agent/agent-client.js';
import { openAgentState } from '../../src-main/agent/agent-state.js';
import { createCredentialsFileTarget } from '../../src-main/engine/claude-code/credential-targets/credentials-file-target.js';
import { silentLogger, systemClock } from '../../src-main/engine/ports.js';
import type { Assignment } from '../../src-main/server/assignment-source.js';
import { createMachineRegistry } from '../../src-main/server/machine-registry.js';
import { createMachinesHub, type MachinesHub } from '../../src-main/server/machines-hub.js';
import type { EngineEvent } from '../../src-main/shared/event-types.js';

const fp = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 8);
const loginOf = (accountId: string): Assignment => {
  const accessToken = `sk-ant-oat01-${accountId}-access`;
  return {
    accountId,
    login: {
      accessToken,
      expiresAtMs: 1_900_000_000_000,
      scopes: ['user:inference'],
      subscriptionType: 'max',
      rateLimitTier: null,
    },
    identity: null,
    fingerprint: fp(accessToken),
  };
};

let dir: string;
let server: Server;
let hub: MachinesHub;
let agent: Agent;
let assignment: Assignment;
const events: EngineEvent[] = [];

async function until(fn: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
const fileToken = async (): Promise<string | null> => {
  try {
    const parsed = JSON.parse(await readFile(join(dir, 'claude', '.credentials.json'), 'utf8')) as {
      claudeAiOauth: { accessToken: string };
    };
    return parsed.claudeAiOauth.accessToken;
  } catch {
    return null;
  }
};
const held = () => hub.list().find((m) => m.connected)?.held ?? null;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ccmax-switch-back-'));
  await mkdir(join(dir, 'hub'));
  events.length = 0;
  assignment = loginOf('acct-a');
  hub = createMachinesHub({
    registry: createMachineRegistry(join(dir, 'hub'), silentLogger),
    source: { current: async () => assignment, harvest: async () => 'stored' },
    clock: systemClock,
    logger: silentLogger,
    events: { append: (e) => events.push(e) },
    hubVersion: 'test',
    ackTimeoutMs: 2_000,
  });
  server = createServer();
  server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head, { ok: true, tokenSource: 'header' }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const credentialsFile = join(dir, 'claude', '.credentials.json');
  agent = createAgent({
    hubUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    token: 'tok',
    state: await openAgentState(join(dir, 'agent')),
    credentialsTarget: createCredentialsFileTarget({ paths: { configDir: join(dir, 'claude'), credentialsFile } }),
    identityTarget: null,
    logger: silentLogger,
    agentVersion: 'test',
  });
  agent.start();
});

afterEach(async () => {
  await agent.stop();
  await hub.dispose();
  await new Promise<void>((r) => server.close(() => r()));
  await rm(dir, { recursive: true, force: true });
});

describe('a switch back to an account whose login did not change', () => {
  it('reaches the agent (A → B → A), each switch a new generation the agent acknowledges', async () => {
    await until(async () => (await fileToken()) === loginOf('acct-a').login.accessToken && held()?.generation === 1);
    expect(held()).toMatchObject({ accountId: 'acct-a', generation: 1 });

    assignment = loginOf('acct-b');
    await hub.settle();
    expect(await fileToken()).toBe(loginOf('acct-b').login.accessToken);
    expect(held()).toMatchObject({ accountId: 'acct-b', generation: 1 });

    assignment = loginOf('acct-a'); // the same login as before: not refreshed meanwhile
    await hub.settle();
    expect(await fileToken()).toBe(loginOf('acct-a').login.accessToken);
    expect(held()).toMatchObject({ accountId: 'acct-a', generation: 2, fingerprint: loginOf('acct-a').fingerprint });
    expect(events.filter((e) => e.kind === 'machine-lagging')).toEqual([]);
  });

  it('the last assignment survives a hub restart: the same login keeps its generation, a switch back gets the next', async () => {
    await until(() => held()?.generation === 1);
    assignment = loginOf('acct-b');
    await hub.settle();
    await hub.dispose();
    const again = createMachineRegistry(join(dir, 'hub'), silentLogger);
    expect(again.generationFor('acct-b', loginOf('acct-b').fingerprint)).toBe(1);
    expect(again.generationFor('acct-a', loginOf('acct-a').fingerprint)).toBe(2);
    expect(again.generationFor('acct-a', loginOf('acct-a').fingerprint)).toBe(2);
  });
});

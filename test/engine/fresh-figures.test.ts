/**
 * Fresh figures win in the engine (issue 9 item 1): a statusline payload that still carries the
 * figures of the session's previous response must not undo a breach read by a poll, nor cancel the
 * switch deferred on it. Demo fleet of three; blake is active, casey is next.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeSessionStates } from '../fakes/fake-session-states.js';
import { settleIo, startEngineHarness, type EngineHarness } from './engine-harness.js';

let h: EngineHarness;
let sessions: FakeSessionStates;
afterEach(async () => {
  await h?.close();
});

async function settle(): Promise<void> {
  await settleIo();
  await h.opened.engine.settleRotation();
}

async function claudeAccessToken(): Promise<string> {
  const json = JSON.parse(await readFile(h.claudePaths.credentialsFile, 'utf8')) as { claudeAiOauth: { accessToken: string } };
  return json.claudeAiOauth.accessToken;
}

async function setup(): Promise<{ blake: string; casey: string }> {
  sessions = new FakeSessionStates();
  h = await startEngineHarness({ count: 3, sessions });
  for (let i = 0; i < 3; i++) {
    const c = h.simulator.credentials(h.accountId(i));
    await h.opened.engine.accounts.addFromCredentialsJson(
      JSON.stringify({
        claudeAiOauth: { accessToken: c.accessToken, refreshToken: c.refreshToken, expiresAt: c.expiresAtMs, scopes: c.scopes },
      }),
    );
  }
  const [blake, casey] = [h.accountId(1), h.accountId(2)];
  await h.loginClaudeCode(blake);
  await h.opened.engine.start();
  await h.opened.engine.refreshNow();
  await settle();
  expect(h.opened.engine.snapshot().activeAccountId).toBe(blake);
  return { blake, casey };
}

const row = (id: string) => h.opened.engine.snapshot().accounts.find((a) => a.id === id)!;

/** What a statusline run after the poll sends: the same window, the figure of the previous response. */
function staleStatusline(blake: string, fiveHourPct: number): void {
  const r = row(blake);
  sessions.statusline({
    sessionId: 'session-1',
    host: 'devbox',
    atMs: h.clock.now(),
    fiveHour: { utilizationPct: fiveHourPct, resetsAtMs: Math.floor(r.fiveHour.resetsAtMs! / 1000) * 1000 },
    sevenDay: { utilizationPct: r.sevenDay.utilizationPct!, resetsAtMs: Math.floor(r.sevenDay.resetsAtMs! / 1000) * 1000 },
    model: null,
  });
}

describe('fresh figures win', () => {
  it('keeps a deferred switch pending when a stale statusline reading arrives, and carries it out when the tool call ends', async () => {
    const { blake, casey } = await setup();
    sessions.set('session-1', { kind: 'tool', toolName: 'Bash', sinceMs: h.clock.now() }, h.clock.now());
    h.simulator.setWindows(blake, { fiveHourPct: 90 });
    await h.opened.engine.refreshNow(blake);
    await settle();
    expect(h.opened.engine.snapshot().rotation?.pendingSwitch).toMatchObject({ toId: casey });

    await h.clock.advance(1_000);
    staleStatusline(blake, 10);
    await settle();
    expect(row(blake).fiveHour.utilizationPct).toBe(90);
    expect(row(blake).usageSource).toBe('poll');
    expect(h.opened.engine.snapshot().rotation?.pendingSwitch).toMatchObject({ toId: casey });

    sessions.set('session-1', { kind: 'in-turn', sinceMs: h.clock.now() }, h.clock.now());
    await settle();
    expect(await claudeAccessToken()).toBe(h.simulator.credentials(casey).accessToken);
    expect(h.opened.engine.events({ kinds: ['account-switched'] })).toHaveLength(1);
  });

  it('still takes a statusline reading that rises within the window', async () => {
    const { blake } = await setup();
    const polled = row(blake).fiveHour.utilizationPct!;
    h.opened.engine.pause();
    await h.clock.advance(1_000);
    staleStatusline(blake, polled + 1);
    await settle();
    expect(row(blake).usageSource).toBe('statusline');
    expect(row(blake).fiveHour.utilizationPct).toBe(polled + 1);
  });
});

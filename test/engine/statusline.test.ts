/** Statusline readings from live sessions feed the active account's figures (PRODUCT §5, §6). */
import { afterEach, describe, expect, it } from 'vitest';
import { flushMicrotasks } from '../fakes/fake-clock.js';
import { FakeSessionStates } from '../fakes/fake-session-states.js';
import { startEngineHarness, type EngineHarness } from './engine-harness.js';

let h: EngineHarness;
let sessions: FakeSessionStates;
afterEach(async () => {
  await h?.close();
});

async function setup(): Promise<{ blake: string }> {
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
  const blake = h.accountId(1);
  await h.loginClaudeCode(blake);
  h.opened.engine.pause();
  await h.opened.engine.start();
  await h.opened.engine.refreshNow(blake);
  await flushMicrotasks();
  return { blake };
}

const row = (id: string) => h.opened.engine.snapshot().accounts.find((a) => a.id === id)!;

describe('statusline readings', () => {
  it('replace a poll of the active account, marked as source statusline', async () => {
    const { blake } = await setup();
    const polled = row(blake);
    const callsBefore = h.standIn.requests.filter((r) => r.path === '/api/oauth/usage').length;
    sessions.statusline({
      sessionId: 'session-1',
      host: 'devbox',
      atMs: h.clock.now(),
      fiveHour: { utilizationPct: 63, resetsAtMs: polled.fiveHour.resetsAtMs },
      sevenDay: { utilizationPct: 95, resetsAtMs: polled.sevenDay.resetsAtMs },
      model: 'claude-opus',
    });
    await flushMicrotasks();
    const r = row(blake);
    expect(r.usageSource).toBe('statusline');
    expect(r.fiveHour.utilizationPct).toBe(63);
    expect(r.sevenDay.utilizationPct).toBe(95);
    // The next poll of the active account moved a full interval past the reading.
    expect(r.nextPollAtMs! - h.clock.now()).toBeGreaterThan(4 * 60_000);
    expect(h.standIn.requests.filter((r2) => r2.path === '/api/oauth/usage').length).toBe(callsBefore);
  });

  it('reports a session whose figures belong to another account instead of recording them', async () => {
    const { blake } = await setup();
    const before = row(blake);
    sessions.statusline({
      sessionId: 'session-2',
      host: 'devbox',
      atMs: h.clock.now(),
      fiveHour: { utilizationPct: 5, resetsAtMs: null },
      sevenDay: { utilizationPct: 7, resetsAtMs: before.sevenDay.resetsAtMs! + 2 * 24 * 3_600_000 },
      model: null,
    });
    await flushMicrotasks();
    expect(row(blake).sevenDay.utilizationPct).toBe(before.sevenDay.utilizationPct);
    const [mismatch] = h.opened.engine.events({ kinds: ['session-account-mismatch'] });
    expect(mismatch?.data).toMatchObject({ sessionId: 'session-2' });
  });
});

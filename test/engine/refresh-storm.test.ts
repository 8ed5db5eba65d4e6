/**
 * Issue 14 item 5: a token endpoint that omits `expires_in` (the fallback lifetime equals the 1 h
 * refresh-ahead) must not make the keeper refresh one account in a tight loop. The stand-in answers
 * without `expires_in`; a day on the fake clock is counted in token calls.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tokenResponse } from '../../src-main/demo/stand-in-oauth.js';
import { MIN_REFRESH_INTERVAL_MS } from '../../src-main/engine/tokens/refresh-plan.js';
import { settleIo, startEngineHarness, type EngineHarness } from './engine-harness.js';

let h: EngineHarness;
afterEach(async () => {
  await h?.close();
});

const M = 60_000;
const H = 60 * M;

describe('refresh storm', () => {
  it('refreshes a parked account at most every 30 min when the endpoint omits expires_in, and says so once', async () => {
    h = await startEngineHarness({ count: 2 });
    h.standIn.addRoute('POST', '/v1/oauth/token', (request) => {
      const answer = tokenResponse(h.simulator, request.json);
      if (answer.status !== 200 || typeof answer.json !== 'object' || answer.json === null) return answer;
      const { expires_in: _omitted, ...rest } = answer.json as Record<string, unknown>;
      return { ...answer, json: rest };
    });
    const id = h.accountId(0);
    const c = h.simulator.credentials(id);
    const added = await h.opened.engine.accounts.addFromCredentialsJson(
      JSON.stringify({
        claudeAiOauth: { accessToken: c.accessToken, refreshToken: c.refreshToken, expiresAt: c.expiresAtMs, scopes: c.scopes },
      }),
    );
    expect(added.ok).toBe(true);
    await h.opened.engine.start();
    await settleIo();
    const tokenCalls = () => h.standIn.requests.filter((r) => r.path === '/v1/oauth/token').length;
    // 24 h in 5-min steps; a loop would make hundreds of calls per step.
    for (let i = 0; i < 24 * 12; i++) {
      await h.clock.advance(5 * M);
      await settleIo();
      if (tokenCalls() > 200) break;
    }
    expect(tokenCalls()).toBeGreaterThan(1);
    expect(tokenCalls()).toBeLessThanOrEqual(2 + (24 * H) / MIN_REFRESH_INTERVAL_MS);
    const events = h.opened.engine.events({ kinds: ['token-lifetime-implausible'] });
    expect(events).toHaveLength(1);
    expect(events[0]?.accountId).toBe(id);
    // The pair the last refresh produced is the one stored: nothing was lost along the way.
    const vault = JSON.parse(await readFile(join(h.dataDir, 'vault.json'), 'utf8')) as { entries: Record<string, string> };
    expect((JSON.parse(vault.entries[id]!) as { credentials: { refreshToken: string } }).credentials.refreshToken).toBe(
      h.simulator.credentials(id).refreshToken,
    );
  }, 60_000);
});

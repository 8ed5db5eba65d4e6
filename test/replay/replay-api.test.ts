/** `GET /api/replay` over a real history database and server on loopback: shape, figures, refusals. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHistoryStore } from '../../src-main/engine/history/history-store.js';
import type { HistoryStore } from '../../src-main/engine/history/history-types.js';
import { openHistoryDb } from '../../src-main/engine/history/open-history-db.js';
import { buildOpenApiDocument } from '../../src-main/server/openapi.js';
import type { ReplayView } from '../../src-main/shared/replay-view.js';
import { checkSchema } from '../server/json-schema-check.js';
import { send, startServer, type Harness } from '../server/server-harness.js';

const M = 60_000;
const H = 60 * M;
const D = 24 * H;
/** The fake engine's clock. */
const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const START = NOW - 3 * D;
const doc = buildOpenApiDocument('9.9.9-test');

let dir: string;
let store: HistoryStore;
let h: Harness;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ccmax-replay-api-'));
  store = createHistoryStore(openHistoryDb(join(dir, 'history.db'), START).db);
  store.noteAccount({ id: 'acct-a', email: 'a@example.com', label: null, plan: 'Max 20x' }, START);
  store.noteAccount({ id: 'acct-b', email: 'b@example.com', label: null, plan: 'Max 5x' }, START);
  store.setActive('acct-a', START);
  // a rises 2 points an hour for a day, then b 4 points an hour for 12 hours (b is a Max 5x: 1 Max 20x point an hour).
  for (let t = 0; t <= 24; t++)
    store.recordReading('acct-a', {
      atMs: START + t * H,
      source: 'poll',
      sevenDay: { pct: 20 + 2 * t, resetsAtMs: NOW + 2 * D },
      fiveHour: null,
    });
  store.recordSwitch({ atMs: START + 24 * H, fromId: 'acct-a', toId: 'acct-b', trigger: 'breach', deferralWaitMs: 0 });
  store.setActive('acct-b', START + 24 * H);
  for (let t = 0; t <= 12; t++)
    store.recordReading('acct-b', {
      atMs: START + (24 + t) * H,
      source: 'statusline',
      sevenDay: { pct: 10 + 4 * t, resetsAtMs: NOW + 3 * D },
      fiveHour: null,
    });
  h = await startServer({ history: store });
});
afterAll(async () => {
  await h.stop();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /api/replay', () => {
  it('answers the three columns in the documented shape, with the work rebuilt from the readings', async () => {
    const res = await send(h.server.port, { path: '/api/replay?fiveHourThresholdPct=90&accountsDelta=1&addPlan=Max%205x' });
    expect(res.status).toBe(200);
    const view = res.json<ReplayView>();
    expect(checkSchema(doc, { $ref: '#/components/schemas/Replay' }, view)).toEqual([]);
    // The whole history (less than the default 28 days): from its first reading to now.
    expect(view.fromMs).toBe(START);
    expect(view.toMs).toBe(NOW);
    // 48 points of a + 48 of b / 4 = 60 load-hours = 0.6 Max 20x weeks.
    expect(view.demand.max20xWeeks).toBeCloseTo(0.6, 5);
    expect(view.demand.readings).toBe(38);
    expect(view.recorded.switches).toBe(1);
    expect(view.whatIf.settings.fiveHourThresholdPct).toBe(90);
    expect(view.whatIf.fleet.map((a) => [a.accountId, a.plan, a.added])).toEqual([
      ['acct-a', 'Max 20x', false],
      ['acct-b', 'Max 5x', false],
      ['added-1', 'Max 5x', true],
    ]);
    expect(view.replayedAsIs.demandServedPct).toBe(100);
    expect(view.replayedAsIs.limitHitMinutes).toBe(0);
  });

  it('refuses an unknown parameter, a malformed number and an out-of-range change with 400', async () => {
    for (const query of ['bogus=1', 'accountsDelta=abc', 'accountsDelta=9', 'addPlan=Team', 'fiveHourThresholdPct=0']) {
      const res = await send(h.server.port, { path: `/api/replay?${query}` });
      expect(res.status, query).toBe(400);
      expect(checkSchema(doc, { $ref: '#/components/schemas/Error' }, res.json())).toEqual([]);
    }
  });

  it('answers 400 for an empty period', async () => {
    const res = await send(h.server.port, { path: `/api/replay?from=${NOW}&to=${NOW - D}` });
    expect(res.status).toBe(400);
  });

  it('answers 503 unavailable on a monitor that keeps no history', async () => {
    const bare = await startServer();
    try {
      const res = await send(bare.server.port, { path: '/api/replay' });
      expect(res.status).toBe(503);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('unavailable');
    } finally {
      await bare.stop();
    }
  });
});

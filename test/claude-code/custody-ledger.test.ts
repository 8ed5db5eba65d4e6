import { describe, expect, it } from 'vitest';
import { createCustodyLedger, toLoginPrint, type CustodyStore } from '../../src-main/engine/claude-code/custody-ledger.js';
import type { CustodyObservation } from '../../src-main/engine/claude-code/custody.js';
import { createEngineEvents } from '../../src-main/engine/engine-events.js';
import { createMemoryEventLog } from '../../src-main/engine/events/memory-event-log.js';
import { CustodyStateSchema, type CustodyState } from '../../src-main/engine/storage/state-schema.js';
import type { OAuthCredentials } from '../../src-main/engine/vault/credentials.js';
import { FakeClock } from '../fakes/fake-clock.js';

const M = 60_000;
const H = 60 * M;

function setup(saved?: CustodyState) {
  const clock = new FakeClock();
  const log = createMemoryEventLog();
  let state: CustodyState = saved ?? CustodyStateSchema.parse({});
  const store: CustodyStore = {
    read: () => state,
    write: (next) => {
      state = next;
    },
  };
  const emails: Record<string, string> = { alex: 'alex@example.com', blake: 'blake@example.com' };
  const ledger = createCustodyLedger({ clock, events: createEngineEvents({ clock, sink: log }), emailOf: (id) => emails[id] ?? id, store });
  const creds = (gen: string, expiresAtMs = clock.now() + 8 * H): OAuthCredentials => ({
    accessToken: `sk-ant-oat01-${gen}`,
    refreshToken: `sk-ant-ort01-${gen}`,
    expiresAtMs,
    scopes: [],
    subscriptionType: 'max',
    rateLimitTier: null,
  });
  const look = (c: OAuthCredentials | null, accountId: string | null, identityUuid: string | null = accountId): CustodyObservation => ({
    login: c ? toLoginPrint(c) : null,
    accountId,
    identityUuid,
    seenAtMs: clock.now(),
  });
  return { clock, log, ledger, creds, look, saved: () => state };
}

describe('custody ledger', async () => {
  it('the first look only sets the baseline', async () => {
    const { ledger, creds, look, log } = setup();
    expect(ledger.observe(look(creds('a1'), 'alex'))).toBeNull();
    expect(log.query({})).toHaveLength(0);
  });

  it('records our switch as ours, with the fingerprints on the row and in the event, never a token', async () => {
    const { ledger, creds, look, log, clock } = setup();
    const a1 = creds('a1');
    const b1 = creds('b1');
    ledger.noteVault('alex', a1);
    ledger.noteVault('blake', b1);
    ledger.observe(look(a1, 'alex'));
    await clock.advance(M);
    ledger.wrote('blake', b1);
    await clock.advance(5_000);
    expect(ledger.observe(look(b1, 'blake'))).toEqual({ kind: 'ours', accountId: 'blake', writtenAtMs: clock.now() - 5_000 });
    const view = ledger.viewOf('blake');
    expect(view).toMatchObject({ kind: 'ours', text: 'switched in by ccmax-monitor', accessFp: toLoginPrint(b1).accessFp, foreign: false });
    const [event] = log.query({ kinds: ['login-changed'] });
    expect(event).toMatchObject({ level: 'info', accountId: 'blake', data: { by: 'ours', token: toLoginPrint(b1).accessFp } });
    expect(JSON.stringify(log.query({}))).not.toContain('sk-ant');
  });

  it('forgets our writes after ten minutes: the same login written later by someone else is theirs', async () => {
    const { ledger, creds, look, clock } = setup();
    const a1 = creds('a1');
    const b1 = creds('b1');
    ledger.noteVault('blake', b1);
    ledger.observe(look(a1, 'alex'));
    ledger.wrote('blake', b1);
    await clock.advance(11 * M);
    expect(ledger.observe(look(b1, 'blake'))).toEqual({ kind: 'unknown-writer', accountId: 'blake', reason: 'stored-copy' });
  });

  it('a replaced refresh token becomes an older generation that survives a restart', async () => {
    const first = setup();
    const a1 = first.creds('a1');
    const a2 = first.creds('a2');
    first.ledger.noteVault('alex', a1);
    first.ledger.noteVault('alex', a2);
    expect(first.ledger.retiredOwner(a1.refreshToken)).toBe('alex');
    expect(first.ledger.retiredOwner(a2.refreshToken)).toBeNull();
    const second = setup(first.saved());
    expect(second.ledger.retiredOwner(a1.refreshToken)).toBe('alex');
    expect(JSON.stringify(first.saved())).not.toContain('sk-ant');
  });

  it('a new access token with the same refresh token is no new generation', async () => {
    const { ledger, creds } = setup();
    const a1 = creds('a1');
    ledger.noteVault('alex', a1);
    ledger.noteVault('alex', { ...a1, accessToken: 'sk-ant-oat01-a1b' });
    expect(ledger.retiredOwner(a1.refreshToken)).toBeNull();
  });

  it('three foreign writes within ten minutes raise one warning naming what was seen; a fourth does not repeat it', async () => {
    const { ledger, creds, look, clock, log } = setup();
    const a1 = creds('a1');
    const a2 = creds('a2');
    ledger.noteVault('alex', a1);
    ledger.noteVault('alex', a2); // a1 is now an older generation
    ledger.observe(look(a2, 'alex'));
    for (let i = 0; i < 2; i++) {
      await clock.advance(M);
      expect(ledger.observe(look(a1, 'alex'))?.kind).toBe('unknown-writer');
      await clock.advance(M);
      ledger.wrote('alex', a2);
      expect(ledger.observe(look(a2, 'alex'))?.kind).toBe('ours');
    }
    expect(log.query({ kinds: ['foreign-writer-detected'] })).toHaveLength(0);
    await clock.advance(M);
    ledger.observe(look(a1, 'alex'));
    const warnings = log.query({ kinds: ['foreign-writer-detected'] });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.level).toBe('warn');
    expect(warnings[0]?.message).toContain('Another tool is writing Claude Code');
    expect(warnings[0]?.message).toContain('Close other switchers');
    expect(warnings[0]?.message).toContain(`refresh ${toLoginPrint(a1).refreshFp}`);
    expect(warnings[0]?.message).toContain('alex@example.com');
    await clock.advance(M);
    ledger.wrote('alex', a2);
    ledger.observe(look(a2, 'alex'));
    await clock.advance(M);
    ledger.observe(look(a1, 'alex'));
    expect(log.query({ kinds: ['foreign-writer-detected'] })).toHaveLength(1);
    expect(ledger.viewOf('alex')).toMatchObject({ kind: 'unknown-writer', text: 'older login put back by another tool', foreign: true });
  });

  it('a /login of an account that is not ours is logged but shown on no row', async () => {
    const { ledger, creds, look, log } = setup();
    ledger.noteVault('alex', creds('a1'));
    ledger.observe(look(creds('a1'), 'alex'));
    expect(ledger.observe(look(creds('z1'), 'zoe'))).toMatchObject({ kind: 'new-login', known: false });
    expect(ledger.viewOf('zoe')).toBeNull();
    const [event] = log.query({ kinds: ['login-changed'] });
    expect(event?.accountId).toBeUndefined();
    expect(event?.message).toContain('an account that is not one of these');
  });
});

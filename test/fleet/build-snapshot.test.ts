import { describe, expect, it } from 'vitest';
import { toFleetSnapshot, type SnapshotAccountInput, type SnapshotInput } from '../../src-main/engine/fleet/build-snapshot.js';
import { SettingsSchema, type AccountMeta, type UsageCacheEntry } from '../../src-main/engine/storage/state-schema.js';
import { fingerprint } from '../../src-main/engine/vault/credentials.js';
import type { ApiError } from '../../src-main/engine/anthropic/api-types.js';
import type { CustodyView } from '../../src-main/shared/view-model.js';
import { vaultRecord } from '../fakes/memory-vault.js';

const NOW = Date.UTC(2026, 10, 24, 12);
const M = 60_000;
const H = 60 * M;
const settings = SettingsSchema.parse({});

function meta(id: string, over: Partial<AccountMeta> = {}): AccountMeta {
  return {
    id,
    email: `${id}@example.com`,
    displayName: null,
    organizationUuid: null,
    organizationName: null,
    plan: 'Max 20x',
    rateLimitTier: null,
    label: null,
    enabled: true,
    addedAtMs: NOW - 100 * H,
    ...over,
  };
}

function usage(sevenDayPct: number, over: Partial<UsageCacheEntry> = {}): UsageCacheEntry {
  return {
    sevenDay: { utilizationPct: sevenDayPct, resetsAtMs: NOW + 81 * H },
    fiveHour: { utilizationPct: 42, resetsAtMs: NOW + 4 * H + 26 * M },
    extra: {},
    readAtMs: NOW - M,
    source: 'poll',
    ...over,
  };
}

const CUSTODY: CustodyView = {
  kind: 'claude-refresh',
  atMs: NOW - 2 * M,
  text: 'refreshed by Claude Code',
  accessFp: 'a1b2c3d4',
  refreshFp: 'e5f6a7b8',
  foreign: false,
};

function account(id: string, over: Partial<SnapshotAccountInput> = {}): SnapshotAccountInput {
  return {
    meta: meta(id),
    record: vaultRecord(
      { accessToken: `secret-access-${id}`, refreshToken: `secret-refresh-${id}`, expiresAtMs: NOW + 6 * H },
      { refreshedAtMs: NOW - H, refreshPath: 'auto' },
    ),
    usage: usage(50),
    lastFailure: null,
    rateLimitedUntilMs: null,
    custody: null,
    lastPollAtMs: NOW - M,
    nextPollAtMs: NOW + 11 * M,
    refreshInFlight: false,
    ...over,
  };
}

function snapshot(accounts: SnapshotAccountInput[], over: Partial<SnapshotInput> = {}) {
  return toFleetSnapshot({
    version: '0.1.0',
    demo: false,
    nowMs: NOW,
    vault: { kind: 'keychain', location: 'ccmax-monitor' },
    accounts,
    activeAccountId: null,
    activeMatchedBy: null,
    nextRefreshAtMs: NOW + 2 * M,
    nextTokenRefreshAtMs: NOW + 5 * H,
    lastSwitch: null,
    paused: false,
    sessions: [],
    settings,
    ...over,
  });
}

const failure = (error: ApiError, atMs = NOW - 30_000) => ({ error, atMs });
const row = (a: SnapshotAccountInput, over: Partial<SnapshotInput> = {}) => snapshot([a], over).accounts[0]!;

describe('toFleetSnapshot', () => {
  it('publishes the next in line from the rows in rotation order, the pending switch and the 5-hour threshold', () => {
    const hot = account('hot', { usage: usage(20, { fiveHour: { utilizationPct: 90, resetsAtMs: NOW + H } }) });
    const accounts = [account('act', { usage: usage(10) }), hot, account('cool', { usage: usage(60) })];
    expect(snapshot(accounts, { activeAccountId: 'act' }).nextInLine).toEqual({ accountId: 'cool', reason: 'rotation-order' });
    const rotation = {
      pinnedAccountId: null,
      pendingSwitch: { toId: 'hot', trigger: 'breach', sinceMs: NOW, blockedBySessionId: null, blockedByTool: null },
      allExhausted: null,
      lastDecision: null,
      guardHold: null,
    };
    expect(snapshot(accounts, { activeAccountId: 'act', rotation }).nextInLine).toEqual({ accountId: 'hot', reason: 'pending-switch' });
    expect(snapshot([account('act')], { activeAccountId: 'act' }).nextInLine).toBeNull();
  });

  it('fills every column of a healthy account', () => {
    const a = account('a', {
      meta: meta('a', { label: 'work', displayName: 'Ada' }),
      usage: usage(68, { extra: { seven_day_sonnet: { utilizationPct: 1, resetsAtMs: NOW + H } } }),
      custody: CUSTODY,
    });
    expect(snapshot([a], { activeAccountId: 'a', activeMatchedBy: 'access-token' }).accounts[0]).toEqual({
      id: 'a',
      email: 'a@example.com',
      label: 'work',
      displayName: 'Ada',
      plan: 'Max 20x',
      enabled: true,
      active: true,
      order: 0,
      orderGroup: 'usable',
      sevenDay: { utilizationPct: 68, resetsAtMs: NOW + 81 * H },
      fiveHour: { utilizationPct: 42, resetsAtMs: NOW + 4 * H + 26 * M },
      extraWindows: [{ name: 'seven_day_sonnet', utilizationPct: 1, resetsAtMs: NOW + H }],
      usageSource: 'poll',
      usageReadAtMs: NOW - M,
      stale: false,
      token: {
        fingerprint: fingerprint('secret-access-a'),
        health: 'healthy',
        expiresAtMs: NOW + 6 * H,
        refreshedAtMs: NOW - H,
        refreshPath: 'auto',
      },
      status: { kind: 'ok' },
      statusText: 'ok',
      lastPollAtMs: NOW - M,
      nextPollAtMs: NOW + 11 * M,
      custody: CUSTODY,
    });
  });

  it('fills the fleet-level fields', () => {
    const s = snapshot(
      [account('a', { lastPollAtMs: NOW - 5 * M }), account('b', { lastPollAtMs: NOW - 2 * M }), account('c', { lastPollAtMs: null })],
      {
        activeAccountId: 'b',
        activeMatchedBy: 'refresh-token',
        demo: true,
        paused: true,
        sessions: [{ id: 's1', host: 'h', cwd: '/p', state: { kind: 'idle' }, lastPulseAtMs: NOW, accountId: 'b', loginOverrides: [] }],
        lastSwitch: { atMs: NOW - H, trigger: 'manual', fromId: 'a', toId: 'b' },
      },
    );
    expect(s).toMatchObject({
      product: 'ccmax-monitor',
      version: '0.1.0',
      demo: true,
      generatedAtMs: NOW,
      vault: { kind: 'keychain', location: 'ccmax-monitor' },
      activeAccountId: 'b',
      activeMatchedBy: 'refresh-token',
      lastPollAtMs: NOW - 2 * M,
      nextRefreshAtMs: NOW + 2 * M,
      nextTokenRefreshAtMs: NOW + 5 * H,
      lastSwitch: { atMs: NOW - H, trigger: 'manual', fromId: 'a', toId: 'b' },
      paused: true,
      activeSessionCount: 1,
      settings: {
        fiveHourThresholdPct: 80,
        hysteresisPct: 10,
        activePollIntervalMs: 5 * M,
        parkedPollIntervalMs: 12 * M,
        minDwellMs: 5 * M,
        deferralMode: 'tool',
        notifications: true,
      },
    });
  });

  it('lists accounts in rotation order with their positions', () => {
    const s = snapshot([
      account('off', { meta: meta('off', { enabled: false }) }),
      account('full', { usage: usage(100) }),
      account('late', { usage: usage(10, { sevenDay: { utilizationPct: 10, resetsAtMs: NOW + 90 * H } }) }),
      account('soon', { usage: usage(10, { sevenDay: { utilizationPct: 10, resetsAtMs: NOW + 2 * H } }) }),
    ]);
    expect(s.accounts.map((r) => [r.id, r.order, r.orderGroup])).toEqual([
      ['soon', 0, 'usable'],
      ['late', 1, 'usable'],
      ['full', 2, 'exhausted'],
      ['off', 3, 'unusable'],
    ]);
  });

  it.each([
    ['ok', {}, 'ok'],
    [
      'rate-limited with the poller backoff',
      { lastFailure: failure({ kind: 'rate-limited', retryAfterMs: null }), rateLimitedUntilMs: NOW + 12 * M },
      'rate-limited, retry in 12m',
    ],
    [
      'rate-limited with the server retry-after',
      { lastFailure: failure({ kind: 'rate-limited', retryAfterMs: H }, NOW) },
      'rate-limited, retry in 1h 0m',
    ],
    ['rate-limited past its retry time', { lastFailure: failure({ kind: 'rate-limited', retryAfterMs: null }) }, 'rate-limited, retrying'],
    ['network error', { lastFailure: failure({ kind: 'network', message: 'ECONNRESET' }) }, 'network error'],
    ['timeout', { lastFailure: failure({ kind: 'timeout', afterMs: 30_000 }) }, 'network error'],
    ['unauthorized', { lastFailure: failure({ kind: 'unauthorized', status: 401 }) }, 'unauthorized'],
    ['bad response', { lastFailure: failure({ kind: 'bad-response', status: 502, message: 'bad gateway' }) }, 'bad response'],
    [
      'needs login',
      { record: vaultRecord({ accessToken: 'x', refreshToken: 'y', expiresAtMs: NOW }, { needsLogin: true }) },
      'needs login',
    ],
    ['no login stored', { record: null }, 'needs login'],
    ['disabled', { meta: meta('a', { enabled: false }) }, 'disabled'],
    ['waiting for first poll', { usage: null, lastPollAtMs: null }, 'waiting for first poll'],
    ['ok after a failure followed by a good reading', { lastFailure: failure({ kind: 'network', message: 'x' }, NOW - 2 * M) }, 'ok'],
  ] as const)('says %s in words', (_name, over, text) => {
    expect(row(account('a', over as Partial<SnapshotAccountInput>)).statusText).toBe(text);
  });

  it('carries the status as a value next to its words', () => {
    const r = row(account('a', { lastFailure: failure({ kind: 'timeout', afterMs: 30_000 }) }));
    expect(r.status).toEqual({ kind: 'network-error', message: 'timed out after 30s' });
  });

  it('marks a parked account stale after two parked intervals, not before', () => {
    expect(row(account('a', { usage: usage(5, { readAtMs: NOW - 24 * M }) })).stale).toBe(false);
    expect(row(account('a', { usage: usage(5, { readAtMs: NOW - 24 * M - 1 }) })).stale).toBe(true);
  });

  it('marks the active account stale after two active intervals', () => {
    const a = account('a', { usage: usage(5, { readAtMs: NOW - 11 * M }) });
    expect(row(a, { activeAccountId: 'a', activeMatchedBy: 'oauth-account' }).stale).toBe(true);
    expect(row(a).stale).toBe(false);
  });

  it('never marks an account without a reading stale', () => {
    expect(row(account('a', { usage: null })).stale).toBe(false);
  });

  it('shows figures past their reset as reset rather than stale values', () => {
    const r = row(
      account('a', {
        usage: usage(100, { sevenDay: { utilizationPct: 100, resetsAtMs: NOW - 1 }, fiveHour: { utilizationPct: 90, resetsAtMs: NOW } }),
      }),
    );
    expect([r.sevenDay, r.fiveHour, r.orderGroup]).toEqual([
      { utilizationPct: 0, resetsAtMs: null },
      { utilizationPct: 0, resetsAtMs: null },
      'usable',
    ]);
  });

  it('shows 0 % and 100 % as they are', () => {
    expect(row(account('a', { usage: usage(0) })).sevenDay.utilizationPct).toBe(0);
    const full = row(account('a', { usage: usage(100) }));
    expect([full.sevenDay.utilizationPct, full.orderGroup]).toEqual([100, 'exhausted']);
  });

  it('shows an unreported window as null', () => {
    const r = row(account('a', { usage: usage(5, { fiveHour: null }) }));
    expect(r.fiveHour).toEqual({ utilizationPct: null, resetsAtMs: null });
  });

  it('shows an expired token of an exhausted account as deferred', () => {
    const record = vaultRecord({ accessToken: 'x', refreshToken: 'y', expiresAtMs: NOW - H });
    expect(row(account('a', { record, usage: usage(100) })).token.health).toBe('expired-exhausted');
  });

  it('shows a token being refreshed as refreshing', () => {
    expect(row(account('a', { refreshInFlight: true })).token.health).toBe('refreshing');
  });

  it('shows a dash for the fingerprint when no login is stored', () => {
    const r = row(account('a', { record: null }));
    expect(r.token).toEqual({ fingerprint: '—', health: 'needs-login', expiresAtMs: null, refreshedAtMs: null, refreshPath: null });
  });

  it('drops activeMatchedBy when no account is active', () => {
    expect(snapshot([account('a')], { activeMatchedBy: 'access-token' }).activeMatchedBy).toBeNull();
  });

  it('never contains a token', () => {
    const text = JSON.stringify(
      snapshot([account('a'), account('b', { refreshInFlight: true })], { activeAccountId: 'a', activeMatchedBy: 'access-token' }),
    );
    expect(text).not.toContain('secret-');
  });
});

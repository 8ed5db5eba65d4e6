import { beforeEach, describe, expect, test } from 'vitest';
import { createEngineEvents } from '../../src-main/engine/engine-events.js';
import { createMemoryEventLog } from '../../src-main/engine/events/memory-event-log.js';
import type { EventLog } from '../../src-main/engine/events/event-types.js';
import { createFleetState, type FleetState } from '../../src-main/engine/fleet/fleet-state.js';
import { silentLogger } from '../../src-main/engine/ports.js';
import type { StatuslineReading } from '../../src-main/engine/sessions/session-registry.js';
import type { AccountMeta, UsageCacheEntry } from '../../src-main/engine/storage/state-schema.js';
import { err, type Result } from '../../src-main/shared/result.js';
import type { VaultRecord } from '../../src-main/engine/vault/credentials.js';
import type { VaultError } from '../../src-main/engine/vault/vault-types.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { MemoryUsageCacheStore } from '../fakes/memory-stores.js';
import { MemoryVault, vaultRecord } from '../fakes/memory-vault.js';

const HOUR_MS = 3_600_000;

function meta(id: string): AccountMeta {
  return {
    id,
    email: `${id}@example.com`,
    displayName: null,
    organizationUuid: null,
    organizationName: null,
    plan: null,
    rateLimitTier: null,
    label: null,
    enabled: true,
    addedAtMs: 0,
  };
}

let clock: FakeClock;
let log: EventLog;
let vault: MemoryVault;
let usageCache: MemoryUsageCacheStore;
let metas: AccountMeta[];
let fleet: FleetState;
let changes: string[];

function create(): FleetState {
  return createFleetState({
    clock,
    logger: silentLogger,
    vault,
    events: createEngineEvents({ clock, sink: log }),
    usageCache,
    metas: () => metas,
    changed: () => void changes.push('changed'),
  });
}

const kinds = () =>
  log
    .query()
    .map((e) => e.kind)
    .reverse();

beforeEach(() => {
  clock = new FakeClock();
  log = createMemoryEventLog();
  vault = new MemoryVault({ one: vaultRecord({ accessToken: 'at-one', refreshToken: 'rt-one', expiresAtMs: clock.now() + HOUR_MS }) });
  usageCache = new MemoryUsageCacheStore();
  metas = [meta('one'), meta('two')];
  changes = [];
  fleet = create();
});

describe('fleet state', () => {
  test('starts from the usage cache and reads the 7-day window as it stands now', async () => {
    const resetsAtMs = clock.now() + HOUR_MS;
    const entry: UsageCacheEntry = {
      fiveHour: null,
      sevenDay: { utilizationPct: 80, resetsAtMs },
      extra: {},
      readAtMs: clock.now(),
      source: 'poll',
    };
    usageCache = new MemoryUsageCacheStore({ version: 1, entries: { one: entry } });
    fleet = create();
    expect(fleet.usage('one')).toEqual(entry);
    expect(fleet.sevenDay('one')).toEqual({ utilizationPct: 80, resetsAtMs });
    await clock.advance(HOUR_MS);
    expect(fleet.sevenDay('one')).toEqual({ utilizationPct: 0, resetsAtMs: null });
  });

  test('loads a stored login; an unreadable one counts as missing and is reported', async () => {
    await fleet.loadRecord('one');
    expect(fleet.storedRecord('one')?.credentials.accessToken).toBe('at-one');
    vault.read = async (): Promise<Result<VaultRecord | null, VaultError>> => err({ kind: 'unavailable', message: 'locked' });
    await fleet.loadRecord('one');
    expect(fleet.storedRecord('one')).toBeNull();
    expect(log.query()[0]).toMatchObject({
      kind: 'vault-error',
      accountId: 'one',
      message: 'Could not read the stored login of one@example.com: locked',
    });
  });

  test('forgets the logins of removed accounts', async () => {
    await fleet.loadRecord('one');
    metas = [meta('two')];
    fleet.forgetRemoved();
    expect(fleet.storedRecord('one')).toBeNull();
  });

  test('a good poll is saved to the usage cache, clears the failure and tells the reading listeners', () => {
    const seen: string[] = [];
    fleet.onReading((id, entry) => seen.push(`${id}:${entry.source}:${entry.sevenDay?.utilizationPct}`));
    fleet.pollFailed('one', { kind: 'network', message: 'down' }, clock.now());
    fleet.pollSucceeded('one', { fiveHour: null, sevenDay: { utilizationPct: 12, resetsAtMs: null }, extra: {} }, clock.now());
    expect(fleet.failure('one')).toBeUndefined();
    expect(usageCache.read().entries['one']?.sevenDay?.utilizationPct).toBe(12);
    expect(seen).toEqual(['one:poll:12']);
    expect(kinds()).toEqual(['poll-failed', 'usage-polled']);
  });

  test('a failure is reported once per kind, and a rate limit as a warning with its retry time', () => {
    fleet.pollFailed('one', { kind: 'network', message: 'down' }, clock.now());
    fleet.pollFailed('one', { kind: 'network', message: 'still down' }, clock.now());
    fleet.pollFailed('one', { kind: 'rate-limited', retryAfterMs: 60_000 }, clock.now());
    expect(kinds()).toEqual(['poll-failed', 'poll-failed']);
    expect(log.query()[0]).toMatchObject({ level: 'warn', data: { reason: 'rate-limited', retryAfterMs: 60_000 } });
    expect(fleet.failure('one')?.error.kind).toBe('rate-limited');
  });

  test('a statusline reading keeps the extra figures of the last poll', () => {
    const opus = { utilizationPct: 5, resetsAtMs: null };
    fleet.pollSucceeded('one', { fiveHour: null, sevenDay: null, extra: { opus } }, clock.now());
    const reading: StatuslineReading = {
      sessionId: 'session-1234567890',
      host: 'laptop',
      atMs: clock.now() + 1,
      fiveHour: { utilizationPct: 30, resetsAtMs: null },
      sevenDay: { utilizationPct: 40, resetsAtMs: null },
      model: null,
    };
    fleet.statuslineRead('one', reading);
    expect(fleet.usage('one')).toEqual({
      fiveHour: reading.fiveHour,
      sevenDay: reading.sevenDay,
      extra: { opus },
      readAtMs: reading.atMs,
      source: 'statusline',
    });
    fleet.reportMismatch('one', reading);
    expect(log.query()[0]).toMatchObject({ kind: 'session-account-mismatch', data: { sessionId: reading.sessionId } });
    expect(log.query()[0]?.message).toContain('Session session- on laptop');
  });

  test('a refreshed or harvested login becomes the current one; only the refresh is reported', () => {
    const refreshed = vaultRecord({ accessToken: 'at-new', refreshToken: 'rt-new', expiresAtMs: clock.now() + 8 * HOUR_MS });
    fleet.tokenRefreshed('two', refreshed);
    expect(fleet.storedRecord('two')).toBe(refreshed);
    const harvested = vaultRecord({ accessToken: 'at-cc', refreshToken: 'rt-cc', expiresAtMs: clock.now() + 8 * HOUR_MS });
    fleet.harvested('two', harvested);
    expect(fleet.storedRecord('two')).toBe(harvested);
    expect(kinds()).toEqual(['token-refreshed']);
  });

  test('a rejected refresh token asks for a new login; other refresh failures are retried', () => {
    expect(fleet.tokenRefreshFailed('one', { kind: 'network', message: 'down' })).toBe(false);
    expect(fleet.tokenRefreshFailed('one', { kind: 'invalid-grant', message: 'revoked' })).toBe(true);
    expect(kinds()).toEqual(['token-refresh-failed', 'login-needed']);
    expect(log.query()[0]?.message).toContain('Run `claude /login` with one@example.com');
  });

  test('a usage cache that cannot be written is logged, not thrown', () => {
    usageCache.write = () => {
      throw new Error('disk full');
    };
    expect(() => fleet.pollSucceeded('one', { fiveHour: null, sevenDay: null, extra: {} }, clock.now())).not.toThrow();
    expect(fleet.usage('one')?.readAtMs).toBe(clock.now());
  });

  test('a stale reading (lower figures for the same window) is dropped, but still clears the failure and publishes', () => {
    const seen: string[] = [];
    fleet.onReading((id) => seen.push(id));
    const resetsAtMs = clock.now() + HOUR_MS;
    fleet.pollSucceeded('one', { fiveHour: { utilizationPct: 50, resetsAtMs }, sevenDay: null, extra: {} }, clock.now());
    fleet.pollFailed('one', { kind: 'network', message: 'down' }, clock.now());
    fleet.statuslineRead('one', {
      sessionId: 'session-1',
      host: 'laptop',
      atMs: clock.now() + 1,
      fiveHour: { utilizationPct: 40, resetsAtMs },
      sevenDay: null,
      model: null,
    });
    expect(fleet.usage('one')?.fiveHour?.utilizationPct).toBe(50);
    expect(fleet.failure('one')).toBeUndefined();
    expect(seen).toEqual(['one']);
    expect(changes).toEqual(['changed']);
  });

  test('an implausible token lifetime is reported with the minimum refresh spacing', () => {
    fleet.implausibleLifetime('two', 5 * 60_000);
    expect(log.query()[0]).toMatchObject({
      kind: 'token-lifetime-implausible',
      level: 'warn',
      accountId: 'two',
      data: { lifetimeMs: 300_000 },
    });
    expect(log.query()[0]?.message).toContain('The token endpoint gave the login of two@example.com a lifetime of 5 min');
  });
});

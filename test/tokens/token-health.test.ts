import { describe, expect, it } from 'vitest';
import { toTokenHealth } from '../../src-main/engine/tokens/token-health.js';
import type { TokenHealth } from '../../src-main/shared/view-model.js';
import { vaultRecord } from '../fakes/memory-vault.js';

const NOW = Date.UTC(2026, 10, 24, 12);
const H = 3_600_000;
const record = (expiresInMs: number, needsLogin = false) =>
  vaultRecord({ accessToken: 'a', refreshToken: 'r', expiresAtMs: NOW + expiresInMs }, { needsLogin });

describe('toTokenHealth', () => {
  const cases: [string, Parameters<typeof toTokenHealth>[0], TokenHealth][] = [
    [
      'healthy when it expires in more than the ahead window',
      { record: record(5 * H), nowMs: NOW, aheadMs: H, sevenDayPct: 20, refreshInFlight: false },
      'healthy',
    ],
    [
      'expiring when it expires within the ahead window',
      { record: record(H), nowMs: NOW, aheadMs: H, sevenDayPct: 20, refreshInFlight: false },
      'expiring',
    ],
    [
      'expiring one millisecond before expiry',
      { record: record(1), nowMs: NOW, aheadMs: H, sevenDayPct: null, refreshInFlight: false },
      'expiring',
    ],
    [
      'refreshing once expired with quota left',
      { record: record(0), nowMs: NOW, aheadMs: H, sevenDayPct: 99.9, refreshInFlight: false },
      'refreshing',
    ],
    [
      'refreshing once expired with unknown quota',
      { record: record(-H), nowMs: NOW, aheadMs: H, sevenDayPct: null, refreshInFlight: false },
      'refreshing',
    ],
    [
      'refreshing while a refresh runs, even when healthy',
      { record: record(5 * H), nowMs: NOW, aheadMs: H, sevenDayPct: 20, refreshInFlight: true },
      'refreshing',
    ],
    [
      'expired-exhausted when expired at 100 % of 7d',
      { record: record(-H), nowMs: NOW, aheadMs: H, sevenDayPct: 100, refreshInFlight: false },
      'expired-exhausted',
    ],
    [
      'expired-exhausted above 100 % of 7d',
      { record: record(-1), nowMs: NOW, aheadMs: H, sevenDayPct: 104, refreshInFlight: false },
      'expired-exhausted',
    ],
    [
      'refreshing when an exhausted account is being refreshed anyway',
      { record: record(-H), nowMs: NOW, aheadMs: H, sevenDayPct: 100, refreshInFlight: true },
      'refreshing',
    ],
    [
      'expiring (not exhausted) at 100 % of 7d before expiry',
      { record: record(H / 2), nowMs: NOW, aheadMs: H, sevenDayPct: 100, refreshInFlight: false },
      'expiring',
    ],
    [
      'needs-login only when the refresh was rejected',
      { record: record(5 * H, true), nowMs: NOW, aheadMs: H, sevenDayPct: 20, refreshInFlight: false },
      'needs-login',
    ],
    [
      'needs-login when rejected, whatever else holds',
      { record: record(-H, true), nowMs: NOW, aheadMs: H, sevenDayPct: 100, refreshInFlight: true },
      'needs-login',
    ],
    [
      'needs-login when no login is stored',
      { record: null, nowMs: NOW, aheadMs: H, sevenDayPct: null, refreshInFlight: false },
      'needs-login',
    ],
  ];
  it.each(cases)('is %s', (_name, input, expected) => {
    expect(toTokenHealth(input)).toBe(expected);
  });
});

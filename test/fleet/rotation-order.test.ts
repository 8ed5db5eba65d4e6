import { describe, expect, it } from 'vitest';
import { toOrderGroup, toRotationOrder, type RotationCandidate } from '../../src-main/engine/fleet/rotation-order.js';

const NOW = Date.UTC(2026, 10, 24, 12);
const H = 3_600_000;

function acct(id: string, over: Partial<RotationCandidate> & { pct?: number | null; resetInMs?: number | null } = {}): RotationCandidate {
  const { pct = 50, resetInMs = 24 * H, ...rest } = over;
  return {
    id,
    email: `${id}@example.com`,
    enabled: true,
    tokenUsable: true,
    sevenDay: pct === null && resetInMs === null ? null : { utilizationPct: pct, resetsAtMs: resetInMs === null ? null : NOW + resetInMs },
    hasReading: true,
    lastErrorKind: null,
    ...rest,
  };
}

const order = (accounts: RotationCandidate[]) => toRotationOrder(accounts, NOW).map((p) => `${p.account.id}:${p.group}`);

describe('toRotationOrder', () => {
  it('sorts usable accounts by 7-day reset, soonest first', () => {
    expect(order([acct('a', { resetInMs: 3 * H }), acct('b', { resetInMs: H }), acct('c', { resetInMs: 2 * H })])).toEqual([
      'b:usable',
      'c:usable',
      'a:usable',
    ]);
  });

  it('puts usable accounts with an unknown reset after those with a known one', () => {
    expect(order([acct('a', { resetInMs: null }), acct('b', { resetInMs: 5 * H })])).toEqual(['b:usable', 'a:usable']);
  });

  it('counts an account never read as usable, after the known ones', () => {
    const fresh = acct('a', { pct: null, resetInMs: null, hasReading: false });
    expect(order([fresh, acct('b')])).toEqual(['b:usable', 'a:usable']);
  });

  it('breaks reset ties by email, then id', () => {
    const x = acct('x', { email: 'Same@example.com' });
    const y = acct('y', { email: 'same@example.com' });
    const a = acct('a', { email: 'zed@example.com' });
    expect(order([a, y, x])).toEqual(['x:usable', 'y:usable', 'a:usable']);
  });

  it('puts exhausted accounts after usable ones, ordered by when they come back', () => {
    const accounts = [
      acct('late', { pct: 100, resetInMs: 50 * H }),
      acct('soon', { pct: 120, resetInMs: 2 * H }),
      acct('ok', { pct: 99.9, resetInMs: 90 * H }),
    ];
    expect(order(accounts)).toEqual(['ok:usable', 'soon:exhausted', 'late:exhausted']);
  });

  it('counts a 7-day window whose reset has passed as reset, not exhausted', () => {
    const stale = acct('stale', { pct: 100, resetInMs: -1 });
    const other = acct('other', { pct: 10, resetInMs: H });
    expect(order([stale, other])).toEqual(['other:usable', 'stale:usable']);
  });

  it('puts disabled and needs-login accounts last, by email', () => {
    const accounts = [
      acct('d', { enabled: false, resetInMs: H }),
      acct('c', { tokenUsable: false, resetInMs: H }),
      acct('e', { pct: 100 }),
      acct('f'),
    ];
    expect(order(accounts)).toEqual(['f:usable', 'e:exhausted', 'c:unusable', 'd:unusable']);
  });

  it('returns an empty order for no accounts', () => {
    expect(toRotationOrder([], NOW)).toEqual([]);
  });

  it('does not mutate its input', () => {
    const input = [acct('b', { resetInMs: 2 * H }), acct('a', { resetInMs: H })];
    toRotationOrder(input, NOW);
    expect(input.map((a) => a.id)).toEqual(['b', 'a']);
  });
});

describe('toOrderGroup', () => {
  it.each([
    [
      'an unauthorized account never read is unusable',
      { hasReading: false, pct: null, resetInMs: null, lastErrorKind: 'unauthorized' as const },
      'unusable',
    ],
    ['an unauthorized account with good figures keeps its place', { lastErrorKind: 'unauthorized' as const }, 'usable'],
    ['a network error does not demote an account with good figures', { lastErrorKind: 'network' as const }, 'usable'],
    [
      'a network error on an account never read leaves it usable',
      { hasReading: false, pct: null, resetInMs: null, lastErrorKind: 'network' as const },
      'usable',
    ],
    ['a rate limit does not demote an exhausted account further', { pct: 100, lastErrorKind: 'rate-limited' as const }, 'exhausted'],
    ['a disabled exhausted account is unusable', { pct: 100, enabled: false }, 'unusable'],
    ['0 % is usable', { pct: 0 }, 'usable'],
    ['exactly 100 % is exhausted', { pct: 100 }, 'exhausted'],
  ])('%s', (_name, over, group) => {
    expect(toOrderGroup(acct('a', over), NOW)).toBe(group);
  });
});

import { describe, expect, it } from 'vitest';
import {
  classify,
  NO_FOREIGN_WRITES,
  recordForeignWrite,
  type AccountGenerations,
  type Attribution,
  type CustodyObservation,
  type ForeignWriteMemory,
  type LoginPrint,
  type OurWrite,
} from '../../src-main/engine/claude-code/custody.js';
import { CLAUDE_CODE_REFRESH_THRESHOLD_MS } from '../../src-main/engine/claude-code/claude-refresh-threshold.js';

const NOW = Date.UTC(2026, 11, 5, 15);
const M = 60_000;
const H = 60 * M;

const print = (gen: string, expiresAtMs: number): LoginPrint => ({ accessFp: `at-${gen}`, refreshFp: `rt-${gen}`, expiresAtMs });
const seen = (
  login: LoginPrint | null,
  accountId: string | null,
  identityUuid: string | null = accountId,
  seenAtMs = NOW,
): CustodyObservation => ({ login, accountId, identityUuid, seenAtMs });

// Alex's vault holds generation a3 and replaced a1 and a2; Blake's holds b1.
const A3 = print('a3', NOW + 8 * H);
const B1 = print('b1', NOW + 6 * H);
const vault: AccountGenerations[] = [
  { accountId: 'alex', current: A3, currentSinceMs: NOW - H, retiredRefreshFps: ['rt-a1', 'rt-a2'] },
  { accountId: 'blake', current: B1, currentSinceMs: NOW - H, retiredRefreshFps: [] },
];
const ourWrite = (accountId: string, p: LoginPrint, atMs = NOW - 2_000): OurWrite => ({
  accountId,
  accessFp: p.accessFp,
  refreshFp: p.refreshFp,
  atMs,
});

describe('classify: who changed Claude Code’s stored login', () => {
  const cases: readonly (readonly [string, CustodyObservation, CustodyObservation, readonly OurWrite[], Attribution | null])[] = [
    ['nothing when the tokens did not change', seen(A3, 'alex'), seen({ ...A3 }, 'alex'), [], null],
    ['nothing when there was no login and still is none', seen(null, null, null), seen(null, null, null), [], null],
    [
      'ours when the tokens are what our switcher wrote',
      seen(A3, 'alex'),
      seen(B1, 'blake'),
      [ourWrite('blake', B1)],
      { kind: 'ours', accountId: 'blake', writtenAtMs: NOW - 2_000 },
    ],
    [
      'ours even when the identity block was not updated yet',
      seen(A3, 'alex'),
      seen(B1, 'blake', 'alex'),
      [ourWrite('blake', B1)],
      { kind: 'ours', accountId: 'blake', writtenAtMs: NOW - 2_000 },
    ],
    [
      'the latest of our writes when we wrote the same login twice',
      seen(A3, 'alex'),
      seen(B1, 'blake'),
      [ourWrite('blake', B1, NOW - 9 * M), ourWrite('alex', A3, NOW - 5 * M), ourWrite('blake', B1, NOW - M)],
      { kind: 'ours', accountId: 'blake', writtenAtMs: NOW - M },
    ],
    [
      'not ours when only the access token matches one of our writes',
      seen(A3, 'alex'),
      seen({ ...B1, refreshFp: 'rt-other' }, 'blake', 'alex'),
      [ourWrite('blake', B1)],
      { kind: 'unknown-writer', accountId: 'blake', reason: 'stored-copy' },
    ],
    [
      'Claude Code’s refresh: same account, new pair, the old token within 5 minutes of expiry',
      seen(print('a3', NOW + 4 * M), 'alex'),
      seen(print('a4', NOW + 8 * H), 'alex'),
      [],
      { kind: 'claude-refresh', accountId: 'alex' },
    ],
    [
      'Claude Code’s refresh: the old token had already expired',
      seen(print('a3', NOW - H), 'alex'),
      seen(print('a4', NOW + 8 * H), 'alex'),
      [],
      { kind: 'claude-refresh', accountId: 'alex' },
    ],
    [
      'Claude Code’s refresh: exactly at the threshold',
      seen(print('a3', NOW + CLAUDE_CODE_REFRESH_THRESHOLD_MS), 'alex'),
      seen(print('a4', NOW + 8 * H), 'alex'),
      [],
      { kind: 'claude-refresh', accountId: 'alex' },
    ],
    [
      'Claude Code’s refresh: a new access token with the refresh token kept',
      seen(A3, 'alex'),
      seen({ accessFp: 'at-a3b', refreshFp: 'rt-a3', expiresAtMs: NOW + 9 * H }, 'alex'),
      [],
      { kind: 'claude-refresh', accountId: 'alex' },
    ],
    [
      'a fresh login of the same account when its token was far from expiry',
      seen(print('a3', NOW + 2 * H), 'alex'),
      seen(print('a9', NOW + 8 * H), 'alex'),
      [],
      { kind: 'new-login', accountId: 'alex', known: true, reason: 'fresh-login' },
    ],
    [
      'a fresh login just outside the threshold is not a refresh',
      seen(print('a3', NOW + CLAUDE_CODE_REFRESH_THRESHOLD_MS + 1), 'alex'),
      seen(print('a9', NOW + 8 * H), 'alex'),
      [],
      { kind: 'new-login', accountId: 'alex', known: true, reason: 'fresh-login' },
    ],
    [
      '/login with another of our accounts: tokens and identity block move together',
      seen(A3, 'alex'),
      seen(print('b2', NOW + 8 * H), 'blake'),
      [],
      { kind: 'new-login', accountId: 'blake', known: true, reason: 'another-account' },
    ],
    [
      '/login with an account that is not ours',
      seen(A3, 'alex'),
      seen(print('z1', NOW + 8 * H), 'zoe'),
      [],
      { kind: 'new-login', accountId: 'zoe', known: false, reason: 'another-account' },
    ],
    [
      '/login after there was no login',
      seen(null, null, null),
      seen(print('z1', NOW + 8 * H), 'zoe'),
      [],
      { kind: 'new-login', accountId: 'zoe', known: false, reason: 'another-account' },
    ],
    [
      '/login whose token cannot be identified is named by its identity block',
      seen(A3, 'alex'),
      seen(print('q1', NOW + 8 * H), null, 'quinn'),
      [],
      { kind: 'new-login', accountId: 'quinn', known: false, reason: 'another-account' },
    ],
    [
      'an unknown writer put back an older generation of one of our logins',
      seen(A3, 'alex'),
      seen(print('a2', NOW + 9 * H), 'alex'),
      [],
      { kind: 'unknown-writer', accountId: 'alex', reason: 'older-generation' },
    ],
    [
      'an older generation is caught even when its identity block and expiry look new',
      seen(B1, 'blake'),
      seen(print('a1', NOW + 20 * H), 'alex', 'alex'),
      [],
      { kind: 'unknown-writer', accountId: 'alex', reason: 'older-generation' },
    ],
    [
      'an older generation is caught before our writes of other logins',
      seen(A3, 'alex'),
      seen(print('a1', NOW + 8 * H), 'alex'),
      [ourWrite('alex', A3)],
      { kind: 'unknown-writer', accountId: 'alex', reason: 'older-generation' },
    ],
    [
      'an unknown writer wrote the very login our vault holds',
      seen(A3, 'alex'),
      seen(B1, 'blake'),
      [],
      { kind: 'unknown-writer', accountId: 'blake', reason: 'stored-copy' },
    ],
    [
      'an older copy of the same account (expires earlier) that we never held',
      seen(print('a4', NOW + 8 * H), 'alex'),
      seen(print('a0', NOW + 2 * M), 'alex'),
      [],
      { kind: 'unknown-writer', accountId: 'alex', reason: 'expires-earlier' },
    ],
    [
      'another account’s tokens under an identity block that still names the old one',
      seen(A3, 'alex'),
      seen(print('z1', NOW + 8 * H), 'zoe', 'alex'),
      [],
      { kind: 'unknown-writer', accountId: 'zoe', reason: 'identity-not-updated' },
    ],
    [
      'unidentifiable tokens with no identity change',
      seen(A3, 'alex'),
      seen(print('x1', NOW + 8 * H), null, 'alex'),
      [],
      { kind: 'unknown-writer', accountId: null, reason: 'identity-not-updated' },
    ],
    [
      'removed: Claude Code holds no login any more',
      seen(A3, 'alex'),
      seen(null, null, 'alex'),
      [],
      { kind: 'removed', accountId: 'alex' },
    ],
  ];

  it.each(cases)('%s', (_name, previous, next, writes, expected) => {
    expect(classify(previous, next, writes, vault)).toEqual(expected);
  });

  it('a refresh is judged by when the change was seen: the same change seen an hour earlier is a fresh login', () => {
    const before = seen(print('a3', NOW + 4 * M), 'alex');
    const late = seen(print('a4', NOW + 8 * H), 'alex', 'alex', NOW);
    const early = seen(print('a4', NOW + 8 * H), 'alex', 'alex', NOW - H);
    expect(classify(before, late, [], vault)?.kind).toBe('claude-refresh');
    expect(classify(before, early, [], vault)?.kind).toBe('new-login');
  });

  it('a login the vault took from Claude Code’s store after the previous look is no copy: a `/login` imported at once', () => {
    const zoe = print('z1', NOW + 8 * H);
    const imported: AccountGenerations[] = [
      ...vault,
      { accountId: 'zoe', current: zoe, currentSinceMs: NOW - 5_000, retiredRefreshFps: [] },
    ];
    const before = seen(A3, 'alex', 'alex', NOW - 10_000);
    expect(classify(before, seen(zoe, 'zoe'), [], imported)).toEqual({
      kind: 'new-login',
      accountId: 'zoe',
      known: true,
      reason: 'another-account',
    });
    // Held since before the previous look: another tool wrote our copy.
    const heldLong: AccountGenerations[] = [...vault, { ...imported[2]!, currentSinceMs: NOW - 20_000 }];
    expect(classify(before, seen(zoe, 'zoe'), [], heldLong)).toEqual({ kind: 'unknown-writer', accountId: 'zoe', reason: 'stored-copy' });
  });

  it('the vault’s current refresh token is never taken for a retired one', () => {
    // Alex's retired list wrongly still holds the current refresh token: the current one wins.
    const odd: AccountGenerations[] = [{ accountId: 'alex', current: A3, currentSinceMs: NOW - H, retiredRefreshFps: ['rt-a3'] }];
    expect(classify(seen(B1, 'blake'), seen(A3, 'alex'), [], odd)).toEqual({
      kind: 'unknown-writer',
      accountId: 'alex',
      reason: 'stored-copy',
    });
  });
});

describe('recordForeignWrite: one warning per burst of foreign writes', () => {
  const run = (timesMs: readonly number[]): boolean[] => {
    let memory: ForeignWriteMemory = NO_FOREIGN_WRITES;
    return timesMs.map((t) => {
      const step = recordForeignWrite(memory, t);
      memory = step.memory;
      return step.warn;
    });
  };

  it.each([
    ['warns on the third write within 10 minutes', [0, 2 * M, 4 * M], [false, false, true]],
    ['warns only once while the writes go on', [0, M, 2 * M, 3 * M, 9 * M, 15 * M], [false, false, true, false, false, false]],
    ['does not warn for three writes spread over more than 10 minutes', [0, 6 * M, 12 * M], [false, false, false]],
    ['does not warn for two writes', [0, M], [false, false]],
    [
      'warns again for a new burst after a quiet 10 minutes',
      [0, M, 2 * M, 13 * M, 14 * M, 15 * M],
      [false, false, true, false, false, true],
    ],
    ['a write exactly 10 minutes after the first no longer counts it', [0, 5 * M, 10 * M], [false, false, false]],
  ] as const)('%s', (_name, timesMs, expected) => {
    expect(run(timesMs.map((t) => NOW + t))).toEqual(expected);
  });

  it('keeps only the writes inside the window', () => {
    const first = recordForeignWrite(NO_FOREIGN_WRITES, NOW);
    const second = recordForeignWrite(first.memory, NOW + 11 * M);
    expect(second.memory.recentMs).toEqual([NOW + 11 * M]);
  });
});

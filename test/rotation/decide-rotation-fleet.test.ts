import { describe, expect, it } from 'vitest';
import { decideRotation } from '../../src-main/engine/rotation/decide-rotation.js';
import type { RotationInput } from '../../src-main/engine/rotation/rotation-types.js';
import { account, DAY, input, MIN, NOW, SEC } from './policy-builders.js';

interface Case {
  readonly name: string;
  readonly input: RotationInput;
  readonly expected: Record<string, unknown>;
}

const soon = { sevenDayResetInMs: 1 * DAY };
const later = { sevenDayResetInMs: 3 * DAY };
const latest = { sevenDayResetInMs: 5 * DAY };
const justSwitched = { atMs: NOW - 1 * MIN, trigger: 'perishable' as const, fromId: 'x', toId: 'a' };

const manual: Case[] = [
  {
    name: 'switches to the pinned account with trigger manual',
    input: input([account('a', soon), account('b', later)], 'a', { pin: { accountId: 'b' } }),
    expected: { kind: 'switch', to: 'b', trigger: 'manual', releasePin: false },
  },
  {
    name: 'switches to a pinned account even over the 5h threshold and within the dwell time',
    input: input([account('a', soon), account('b', { ...later, fiveHourPct: 90 })], 'a', {
      pin: { accountId: 'b' },
      lastSwitch: justSwitched,
    }),
    expected: { kind: 'switch', to: 'b', trigger: 'manual' },
  },
  {
    name: 'stays on the pinned account even when its 5h breaches the threshold',
    input: input([account('a', soon), account('b', { ...later, fiveHourPct: 95 })], 'b', { pin: { accountId: 'b' } }),
    expected: { kind: 'stay', reason: 'pinned', releasePin: false },
  },
  {
    name: 'releases a pin on an account whose token died and rotates automatically',
    input: input([account('a', soon), account('b', { ...later, tokenUsable: false })], 'b', { pin: { accountId: 'b' } }),
    expected: { kind: 'switch', to: 'a', trigger: 'token', releasePin: true },
  },
  {
    name: 'releases a pin on an account that became exhausted',
    input: input([account('a', soon), account('b', { ...later, sevenDayPct: 100 })], 'b', { pin: { accountId: 'b' } }),
    expected: { kind: 'switch', to: 'a', trigger: 'exhaustion', releasePin: true },
  },
  {
    name: 'releases a pin on an account that no longer exists',
    input: input([account('a', soon)], 'a', { pin: { accountId: 'gone' } }),
    expected: { kind: 'stay', reason: 'best', releasePin: true },
  },
  {
    name: 'switches to the pinned account when Claude Code holds no known login',
    input: input([account('a', soon)], null, { pin: { accountId: 'a' } }),
    expected: { kind: 'switch', to: 'a', from: null, trigger: 'manual' },
  },
];

const unusable: Case[] = [
  {
    name: 'never chooses a disabled account',
    input: input([account('a', { ...soon, fiveHourPct: 90 }), account('b', { ...later, enabled: false }), account('c', latest)], 'a'),
    expected: { kind: 'switch', to: 'c', trigger: 'breach' },
  },
  {
    name: 'never chooses an account whose token is dead',
    input: input([account('a', { ...soon, fiveHourPct: 90 }), account('b', { ...later, tokenUsable: false }), account('c', latest)], 'a'),
    expected: { kind: 'switch', to: 'c', trigger: 'breach' },
  },
  {
    name: 'never yields to a disabled account that resets sooner',
    input: input([account('a', { ...soon, enabled: false }), account('b', later)], 'b'),
    expected: { kind: 'stay', reason: 'best' },
  },
  {
    name: 'leaves a disabled active account with trigger manual at once',
    input: input([account('a', { ...soon, enabled: false }), account('b', later)], 'a', { lastSwitch: justSwitched }),
    expected: { kind: 'switch', to: 'b', trigger: 'manual', figures: expect.objectContaining({ cause: 'active-disabled' }) },
  },
  {
    name: 'stays when Claude Code holds a login that is not one of ours',
    input: input([account('a', soon), account('b', later)], 'someone-else'),
    expected: { kind: 'stay', reason: 'no-active-account' },
  },
  {
    name: 'stays when there are no accounts',
    input: input([], null),
    expected: { kind: 'stay', reason: 'no-accounts' },
  },
  {
    name: 'stays with no-usable-account when every account is disabled or needs login',
    input: input([account('a', { enabled: false }), account('b', { tokenUsable: false })], 'a'),
    expected: { kind: 'stay', reason: 'no-usable-account' },
  },
];

const exhausted: Case[] = [
  {
    name: 'reports all-exhausted with the earliest return time',
    input: input(
      [
        account('a', { sevenDayPct: 100, sevenDayResetInMs: 2 * DAY }),
        account('b', { sevenDayPct: 100, sevenDayResetInMs: 6 * 3_600_000 }),
      ],
      'a',
    ),
    expected: { kind: 'all-exhausted', nextAvailableAt: NOW + 6 * 3_600_000, nextAccountId: 'b' },
  },
  {
    name: 'reports all-exhausted with no return time when no reset time is known',
    input: input([account('a', { sevenDayPct: 100, sevenDayResetInMs: null })], 'a'),
    expected: { kind: 'all-exhausted', nextAvailableAt: null, nextAccountId: null },
  },
  {
    name: 'ignores disabled accounts when naming the next to return',
    input: input(
      [
        account('a', { sevenDayPct: 100, sevenDayResetInMs: 2 * DAY }),
        account('b', { enabled: false, sevenDayPct: 100, sevenDayResetInMs: 1 * DAY }),
      ],
      'a',
    ),
    expected: { kind: 'all-exhausted', nextAccountId: 'a' },
  },
  {
    name: 'switches the moment an exhausted account’s 7d window resets',
    input: input(
      [account('a', { sevenDayPct: 100, sevenDayResetInMs: 2 * DAY }), account('b', { sevenDayPct: 100, sevenDayResetInMs: -1 * SEC })],
      'a',
      { lastSwitch: justSwitched },
    ),
    expected: { kind: 'switch', to: 'b', trigger: 'exhaustion' },
  },
  {
    name: 'moves an exhausted active account to the only other account even over the 5h threshold, as a last resort',
    input: input([account('a', { ...soon, sevenDayPct: 100 }), account('b', { ...later, fiveHourPct: 85 })], 'a'),
    expected: { kind: 'switch', to: 'b', trigger: 'exhaustion' },
  },
  {
    name: 'picks the last-resort account with the most 5h headroom',
    input: input(
      [
        account('a', { ...soon, fiveHourPct: 100 }),
        account('b', { ...later, fiveHourPct: 95 }),
        account('c', { ...later, fiveHourPct: 84 }),
      ],
      'a',
    ),
    expected: { kind: 'switch', to: 'c', trigger: 'breach' },
  },
  {
    name: 'stays on an active account over the 5h threshold but below 100 % while every other is over it too',
    input: input([account('a', { ...soon, fiveHourPct: 90 }), account('b', { ...later, fiveHourPct: 85 })], 'a'),
    expected: { kind: 'stay', reason: 'no-eligible-target' },
  },
  {
    name: 'stays on an exhausted active account when every other account is at 100 % of its 5h window',
    input: input([account('a', { ...soon, sevenDayPct: 100 }), account('b', { ...later, fiveHourPct: 100 })], 'a'),
    expected: { kind: 'stay', reason: 'no-eligible-target' },
  },
];

describe('decideRotation: manual pin', () => {
  it.each(manual)('$name', ({ input: given, expected }) => {
    expect(decideRotation(given)).toMatchObject(expected);
  });
});

describe('decideRotation: disabled, dead-token and unknown accounts', () => {
  it.each(unusable)('$name', ({ input: given, expected }) => {
    expect(decideRotation(given)).toMatchObject(expected);
  });
});

describe('decideRotation: all exhausted', () => {
  it.each(exhausted)('$name', ({ input: given, expected }) => {
    expect(decideRotation(given)).toMatchObject(expected);
  });
});

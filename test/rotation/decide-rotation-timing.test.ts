import { describe, expect, it } from 'vitest';
import { decideRotation, dwellRemainingMs } from '../../src-main/engine/rotation/decide-rotation.js';
import type { LastSwitch, RotationInput } from '../../src-main/engine/rotation/rotation-types.js';
import { account, DAY, inTool, input, MIN, NOW, rising } from './policy-builders.js';

interface Case {
  readonly name: string;
  readonly input: RotationInput;
  readonly expected: Record<string, unknown>;
}

const soon = { sevenDayResetInMs: 1 * DAY };
const later = { sevenDayResetInMs: 3 * DAY };
const switchedAgo = (ms: number): LastSwitch => ({ atMs: NOW - ms, trigger: 'breach', fromId: 'x', toId: 'b' });
/** b is active; a resets sooner, so a perishable switch to a is due. */
const perishableDue = [account('a', soon), account('b', later)];
/** a is active and breaches its 5h threshold; b takes over. */
const breachDue = (fiveHourPct = 85) => [account('a', { ...soon, fiveHourPct }), account('b', later)];

const dwell: Case[] = [
  {
    name: 'holds back an automatic switch within the minimum dwell time',
    input: input(perishableDue, 'b', { lastSwitch: switchedAgo(2 * MIN) }),
    expected: { kind: 'stay', reason: 'dwell', heldBack: { to: 'a', trigger: 'perishable', remainingMs: 3 * MIN } },
  },
  {
    name: 'carries out the switch once the dwell time has passed',
    input: input(perishableDue, 'b', { lastSwitch: switchedAgo(5 * MIN) }),
    expected: { kind: 'switch', to: 'a', trigger: 'perishable' },
  },
  {
    name: 'holds back a breach switch within the dwell time while the active 5h is below 100 %',
    input: input(breachDue(95), 'a', { lastSwitch: switchedAgo(1 * MIN) }),
    expected: { kind: 'stay', reason: 'dwell', heldBack: { to: 'b', trigger: 'breach' } },
  },
  {
    name: 'waives the dwell time when the active 5h is at 100 %',
    input: input(breachDue(100), 'a', { lastSwitch: switchedAgo(1 * MIN) }),
    expected: { kind: 'switch', to: 'b', trigger: 'breach' },
  },
  {
    name: 'holds back a velocity switch within the dwell time',
    input: input([account('a', { ...soon, fiveHourPct: 77, samples: rising('5h', 77, 1, 10) }), account('b', later)], 'a', {
      lastSwitch: switchedAgo(1 * MIN),
    }),
    expected: { kind: 'stay', reason: 'dwell', heldBack: { trigger: 'velocity' } },
  },
  {
    name: 'takes the dwell as served when the clock jumped back by more than a dwell',
    input: input(perishableDue, 'b', { lastSwitch: { ...switchedAgo(0), atMs: NOW + 2 * 3_600_000 } }),
    expected: { kind: 'switch', to: 'a' },
  },
  {
    name: 'keeps the dwell when the clock stepped back by less than a dwell',
    input: input(perishableDue, 'b', { lastSwitch: { ...switchedAgo(0), atMs: NOW + 1 * MIN } }),
    expected: { kind: 'stay', reason: 'dwell', heldBack: { remainingMs: 6 * MIN } },
  },
];

const deferral: Case[] = [
  {
    name: 'defers a switch while a session is inside a tool call, naming the session',
    input: input(breachDue(), 'a', { sessions: { blocking: [inTool('s1')] } }),
    expected: { kind: 'defer', to: 'b', trigger: 'breach', blockedBy: { sessionId: 's1' }, blockedCount: 1, sinceMs: NOW },
  },
  {
    name: 'names the longest-blocking session when several block',
    input: input(breachDue(), 'a', { sessions: { blocking: [inTool('new', NOW - 1 * MIN), inTool('old', NOW - 4 * MIN)] } }),
    expected: { kind: 'defer', blockedBy: { sessionId: 'old' }, blockedCount: 2 },
  },
  {
    name: 'keeps the start of a deferral that is already pending',
    input: input(breachDue(), 'a', {
      sessions: { blocking: [inTool('s1')] },
      pendingDeferral: { sinceMs: NOW - 3 * MIN, to: 'b', trigger: 'breach' },
    }),
    expected: { kind: 'defer', sinceMs: NOW - 3 * MIN, figures: expect.objectContaining({ deferredMs: 3 * MIN }) },
  },
  {
    name: 'defers a manual switch too',
    input: input(perishableDue, 'b', { pin: { accountId: 'a' }, sessions: { blocking: [inTool('s1')] } }),
    expected: { kind: 'defer', to: 'a', trigger: 'manual' },
  },
  {
    name: 'does not defer when the deferral mode is never',
    input: input(breachDue(), 'a', { sessions: { blocking: [inTool('s1')] }, settings: { deferralMode: 'never' } }),
    expected: { kind: 'switch', to: 'b', forced: false },
  },
  {
    name: 'never waits at 100 % of a window, however young the deferral (no forced switch is needed any more)',
    input: input([account('a', { ...soon, sevenDayPct: 100 }), account('b', later)], 'a', {
      sessions: { blocking: [inTool('s1')] },
      pendingDeferral: { sinceMs: NOW - 1 * MIN, to: 'b', trigger: 'exhaustion' },
    }),
    expected: { kind: 'switch', to: 'b', trigger: 'exhaustion', forced: false },
  },
  {
    name: 'keeps deferring a long deferral while the active account is below 100 % of both windows',
    input: input(breachDue(95), 'a', {
      sessions: { blocking: [inTool('s1')] },
      pendingDeferral: { sinceMs: NOW - 30 * MIN, to: 'b', trigger: 'breach' },
    }),
    expected: { kind: 'defer', to: 'b' },
  },
  {
    name: 'keeps a deferral whose start lies in the future after a clock jump',
    input: input(breachDue(95), 'a', {
      sessions: { blocking: [inTool('s1')] },
      pendingDeferral: { sinceMs: NOW + 60 * MIN, to: 'b', trigger: 'breach' },
    }),
    expected: { kind: 'defer' },
  },
  {
    name: 'does not defer a stay',
    input: input(perishableDue, 'a', { sessions: { blocking: [inTool('s1')] } }),
    expected: { kind: 'stay', reason: 'best' },
  },
];

describe('decideRotation: hysteresis and dwell', () => {
  it.each(dwell)('$name', ({ input: given, expected }) => {
    expect(decideRotation(given)).toMatchObject(expected);
  });
});

describe('decideRotation: mid-turn deferral', () => {
  it.each(deferral)('$name', ({ input: given, expected }) => {
    expect(decideRotation(given)).toMatchObject(expected);
  });

  it('does not update the step-aside memory until a deferred switch is carried out', () => {
    const decision = decideRotation(input(breachDue(), 'a', { sessions: { blocking: [inTool('s1')] } }));
    expect(decision).toMatchObject({ kind: 'defer', preferredId: null });
  });
});

describe('decideRotation: clock jumps', () => {
  it('ignores samples timed in the future, so a backward jump fakes no velocity', () => {
    const future = rising('5h', 77, 1, 10, NOW + 30 * MIN);
    const decision = decideRotation(input([account('a', { ...soon, fiveHourPct: 50, samples: future }), account('b', later)], 'a'));
    expect(decision).toMatchObject({ kind: 'stay', reason: 'best' });
  });

  it('reads a window whose reset time passed during a forward jump as reset', () => {
    const decision = decideRotation(
      input([account('a', { ...soon, fiveHourPct: 95, fiveHourResetInMs: -3 * 3_600_000 }), account('b', later)], 'a'),
    );
    expect(decision).toMatchObject({ kind: 'stay', reason: 'best' });
  });
});

describe('dwellRemainingMs', () => {
  it('is zero without a last switch', () => {
    expect(dwellRemainingMs(null, NOW, 5 * MIN)).toBe(0);
  });

  it('counts down from the last switch', () => {
    expect(dwellRemainingMs(switchedAgo(4 * MIN), NOW, 5 * MIN)).toBe(1 * MIN);
  });
});

/**
 * Issue 12: no deferral at a wall, switching ahead at safe moments with a horizon that adapts to the
 * observed tool-call lengths, the cost of a deferral for parallel sessions, and no account kept at
 * (or about to hit) 100 % while another could serve. One table per rule.
 */
import { describe, expect, it } from 'vitest';
import { decideRotation } from '../../src-main/engine/rotation/decide-rotation.js';
import type { RotationInput } from '../../src-main/engine/rotation/rotation-types.js';
import { account, DAY, HOUR, inTool, input, MIN, NOW, rising, SEC } from './policy-builders.js';

interface Case {
  readonly name: string;
  readonly input: RotationInput;
  readonly expected: Record<string, unknown>;
}

const soon = { sevenDayResetInMs: 1 * DAY };
const later = { sevenDayResetInMs: 3 * DAY };
const latest = { sevenDayResetInMs: 5 * DAY };
/** Sooner than b's reset but more than a day away: a spent week there is kept as a last resort. */
const spentSoon = { sevenDayResetInMs: 2 * DAY, sevenDayPct: 99 };
/** A spent week in its last day: what is left would expire unused. */
const spentLastDay = { sevenDayResetInMs: 12 * HOUR, sevenDayPct: 99 };
const calls = (lengthMs: number, count = 20) => Array.from({ length: count }, () => lengthMs);
/** a is active with its 5h at `pct`, rising 5 points a minute (at 90: 100 % in 2 min); b can take over. */
const climbing = (pct: number, perMin = 5) => [
  account('a', { ...soon, fiveHourPct: pct, samples: rising('5h', pct, perMin, 6) }),
  account('b', later),
];
const blockedBy = (sinceMs: number, recentToolCallMs: readonly number[] = []) => ({
  sessions: { blocking: [inTool('s1', sinceMs)], recentToolCallMs },
});

const noDeferralAtWall: Case[] = [
  {
    name: 'switches at once, mid-tool-call, when the active 5h is at 100 %, saying why',
    input: input([account('a', { ...soon, fiveHourPct: 100 }), account('b', later)], 'a', blockedBy(NOW - 10 * SEC)),
    expected: {
      kind: 'switch',
      to: 'b',
      trigger: 'breach',
      forced: false,
      figures: expect.objectContaining({ deferralSkipped: 'at-limit' }),
    },
  },
  {
    name: 'switches at once when the active 7d is at 100 %',
    input: input([account('a', { ...soon, sevenDayPct: 100 }), account('b', later)], 'a', blockedBy(NOW - 10 * SEC)),
    expected: { kind: 'switch', to: 'b', trigger: 'exhaustion', figures: expect.objectContaining({ deferralSkipped: 'at-limit' }) },
  },
  {
    name: 'still waits below 100 % though the wall (2 min) comes before the tool call likely ends: a switch now could break its next request',
    input: input(climbing(90), 'a', blockedBy(NOW - 10 * SEC, calls(5 * MIN))),
    expected: {
      kind: 'defer',
      to: 'b',
      trigger: 'breach',
      figures: expect.objectContaining({ wallInMs: 2 * MIN, likelyHoldMs: 290 * SEC }),
    },
  },
  {
    name: 'switches mid-tool-call once a reading shows the wall (it was waiting for that call)',
    input: input([account('a', { ...soon, fiveHourPct: 100, samples: rising('5h', 100, 5, 6) }), account('b', later)], 'a', {
      ...blockedBy(NOW - 2 * MIN, calls(5 * MIN)),
      pendingDeferral: { sinceMs: NOW - 2 * MIN, to: 'b', trigger: 'breach' },
    }),
    expected: {
      kind: 'switch',
      to: 'b',
      trigger: 'breach',
      figures: expect.objectContaining({ deferralSkipped: 'at-limit', deferredMs: 2 * MIN }),
    },
  },
  {
    name: 'defers when the tool call likely ends before the wall (observed calls run 20 s)',
    input: input(climbing(90), 'a', blockedBy(NOW - 10 * SEC, calls(20 * SEC))),
    expected: { kind: 'defer', to: 'b', trigger: 'breach', figures: expect.objectContaining({ likelyHoldMs: 10 * SEC }) },
  },
  {
    name: 'before ten calls are observed, expects a call to run as long again as it has (at least a minute)',
    input: input(climbing(90), 'a', blockedBy(NOW - 3 * MIN)),
    expected: { kind: 'defer', figures: expect.objectContaining({ likelyHoldMs: 3 * MIN }) },
  },
  {
    name: 'defers a breach with no projected wall, as before',
    input: input([account('a', { ...soon, fiveHourPct: 85 }), account('b', later)], 'a', blockedBy(NOW - 10 * SEC)),
    expected: { kind: 'defer', to: 'b', trigger: 'breach' },
  },
];

const parallelSessions: Case[] = [
  {
    name: 'waits for the longest-running of several blocking sessions, below 100 %: the others cost at most a reading at the wall',
    input: input(climbing(90), 'a', {
      sessions: { blocking: [inTool('short', NOW - 5 * SEC), inTool('long', NOW - 4 * MIN)], recentToolCallMs: calls(20 * SEC) },
    }),
    expected: {
      kind: 'defer',
      to: 'b',
      blockedBy: { sessionId: 'long' },
      figures: expect.objectContaining({ blockedCount: 2, wallInMs: 2 * MIN }),
    },
  },
  {
    name: 'switches at once, whatever the sessions, when the others have run the account to 100 %',
    input: input([account('a', { ...soon, fiveHourPct: 100 }), account('b', later)], 'a', {
      sessions: { blocking: [inTool('short', NOW - 5 * SEC), inTool('long', NOW - 4 * MIN)], recentToolCallMs: calls(20 * SEC) },
    }),
    expected: { kind: 'switch', to: 'b', figures: expect.objectContaining({ deferralSkipped: 'at-limit', blockedCount: 2 }) },
  },
  {
    name: 'defers for several short calls while the wall is further off than they likely run',
    input: input(climbing(80, 2), 'a', {
      sessions: { blocking: [inTool('s1', NOW - 5 * SEC), inTool('s2', NOW - 10 * SEC)], recentToolCallMs: calls(30 * SEC) },
    }),
    expected: { kind: 'defer', blockedCount: 2, blockedBy: { sessionId: 's2' } },
  },
];

/** a's 5h is projected to reach the threshold (80 %) in 5.5 min: just past the 5-min velocity horizon. */
const breachIn5m30 = () => [account('a', { ...soon, fiveHourPct: 52.5, samples: rising('5h', 52.5, 5, 6) }), account('b', later)];

const switchAhead: Case[] = [
  {
    name: 'switches ahead at a safe moment: horizon 5 min + 1 min margin before ten tool calls are observed',
    input: input(breachIn5m30(), 'a'),
    expected: { kind: 'switch', to: 'b', trigger: 'velocity', velocity: { window: '5h' } },
  },
  {
    name: 'waits for the first safe moment while a session is inside a tool call',
    input: input(breachIn5m30(), 'a', blockedBy(NOW - 10 * SEC)),
    expected: { kind: 'defer', to: 'b', trigger: 'velocity' },
  },
  {
    name: 'looks only 15 s further when the observed tool calls are short',
    input: input(breachIn5m30(), 'a', { sessions: { blocking: [], recentToolCallMs: calls(10 * SEC) } }),
    expected: { kind: 'stay', reason: 'best' },
  },
  {
    name: 'looks 90 s further when the observed tool calls run 90 s',
    input: input(breachIn5m30(), 'a', { sessions: { blocking: [], recentToolCallMs: calls(90 * SEC) } }),
    expected: { kind: 'switch', trigger: 'velocity' },
  },
  {
    name: 'leaves an account projected to hit 100 % within margin + a reading, even with every other over the threshold',
    input: input(
      [
        account('a', { ...soon, fiveHourPct: 95, samples: rising('5h', 95, 3, 6) }),
        account('b', { ...later, fiveHourPct: 85 }),
        account('c', { ...latest, fiveHourPct: 90 }),
      ],
      'a',
    ),
    expected: { kind: 'switch', to: 'b', trigger: 'breach' },
  },
  {
    name: 'leaves a spent account (7d ≥ 99 %) at a safe moment',
    input: input([account('a', spentSoon), account('b', later)], 'a'),
    expected: { kind: 'switch', to: 'b', trigger: 'exhaustion', figures: expect.objectContaining({ cause: 'spent' }) },
  },
  {
    name: 'waits for a safe moment to leave a spent account',
    input: input([account('a', spentSoon), account('b', later)], 'a', blockedBy(NOW - 10 * SEC)),
    expected: { kind: 'defer', to: 'b', trigger: 'exhaustion' },
  },
];

const neverHeldAtWall: Case[] = [
  {
    name: 'takes the last resort when the active account will be at 100 % within a reading though it reads 95 %',
    input: input(
      [
        account('a', { ...soon, fiveHourPct: 95, samples: rising('5h', 95, 6, 6) }),
        account('b', { ...later, fiveHourPct: 90 }),
        account('c', { ...latest, fiveHourPct: 85 }),
      ],
      'a',
    ),
    expected: { kind: 'switch', to: 'c', trigger: 'breach' },
  },
  {
    name: 'waits for the tool call to end before taking that last resort (a switch below 100 % could break a request)',
    input: input(
      [
        account('a', { ...soon, fiveHourPct: 95, samples: rising('5h', 95, 6, 6) }),
        account('b', { ...later, fiveHourPct: 90 }),
        account('c', { ...latest, fiveHourPct: 85 }),
      ],
      'a',
      blockedBy(NOW - 10 * SEC),
    ),
    expected: { kind: 'defer', to: 'c', trigger: 'breach' },
  },
  {
    name: 'takes a parked account at 98 % as the last resort: its climb from before it was left is no wall (it is not in use)',
    input: input(
      [
        account('a', { ...soon, fiveHourPct: 100 }),
        account('b', { ...later, fiveHourPct: 98, samples: rising('5h', 98, 3, 6) }),
        account('c', { ...latest, fiveHourPct: 100 }),
      ],
      'a',
    ),
    expected: { kind: 'switch', to: 'b', trigger: 'breach' },
  },
  {
    name: 'still stays when every other account is over the threshold and no wall is in sight',
    input: input(
      [
        account('a', { ...soon, fiveHourPct: 85 }),
        account('b', { ...later, fiveHourPct: 90 }),
        account('c', { ...latest, fiveHourPct: 85 }),
      ],
      'a',
    ),
    expected: { kind: 'stay', reason: 'no-eligible-target' },
  },
  {
    name: 'waives the dwell when the wall comes before the dwell ends',
    input: input(climbing(90), 'a', { lastSwitch: { atMs: NOW - 1 * MIN, trigger: 'breach', fromId: 'x', toId: 'a' } }),
    expected: { kind: 'switch', to: 'b', trigger: 'breach' },
  },
  {
    name: 'keeps the dwell when no wall is in sight',
    input: input([account('a', { ...soon, fiveHourPct: 90 }), account('b', later)], 'a', {
      lastSwitch: { atMs: NOW - 1 * MIN, trigger: 'breach', fromId: 'x', toId: 'a' },
    }),
    expected: { kind: 'stay', reason: 'dwell' },
  },
  {
    name: 'does not switch back to a spent account for its sooner reset',
    input: input([account('a', spentSoon), account('b', later)], 'b'),
    expected: { kind: 'stay', reason: 'best' },
  },
  {
    name: 'switches back to a spent account in its last day before the weekly reset: what is left would expire unused',
    input: input([account('a', spentLastDay), account('b', later)], 'b'),
    expected: { kind: 'switch', to: 'a', trigger: 'perishable' },
  },
  {
    name: 'runs a spent account in its last day to its weekly limit: neither spent nor its 7d pace makes it leave',
    input: input([account('a', { ...spentLastDay, samples: rising('7d', 99, 0.2, 6) }), account('b', later)], 'a'),
    expected: { kind: 'stay', reason: 'best' },
  },
  {
    name: 'leaves that account at once when a reading shows its week used up, mid-tool-call',
    input: input([account('a', { ...spentLastDay, sevenDayPct: 100 }), account('b', later)], 'a', blockedBy(NOW - 10 * SEC)),
    expected: { kind: 'switch', to: 'b', trigger: 'exhaustion', figures: expect.objectContaining({ deferralSkipped: 'at-limit' }) },
  },
  {
    name: 'leaves a spent account with the same 7d pace when its reset is more than a day away',
    input: input([account('a', { ...spentSoon, samples: rising('7d', 99, 0.2, 6) }), account('b', later)], 'a'),
    expected: { kind: 'switch', to: 'b' },
  },
  {
    name: 'prefers an account that is not spent as the last resort',
    input: input(
      [
        account('a', { ...soon, fiveHourPct: 100 }),
        account('b', { ...later, sevenDayPct: 99, fiveHourPct: 82 }),
        account('c', { ...latest, fiveHourPct: 90 }),
      ],
      'a',
    ),
    expected: { kind: 'switch', to: 'c', trigger: 'breach' },
  },
  {
    name: 'uses a spent account when it is the only one below 100 %',
    input: input([account('a', { ...soon, fiveHourPct: 100 }), account('b', { ...later, sevenDayPct: 99, fiveHourPct: 82 })], 'a'),
    expected: { kind: 'switch', to: 'b', trigger: 'breach' },
  },
];

describe('decideRotation: no deferral at a wall (issue 12 item 1)', () => {
  it.each(noDeferralAtWall)('$name', ({ input: given, expected }) => {
    expect(decideRotation(given)).toMatchObject(expected);
  });
});

describe('decideRotation: parallel sessions weigh the hold against the wall (item 3)', () => {
  it.each(parallelSessions)('$name', ({ input: given, expected }) => {
    expect(decideRotation(given)).toMatchObject(expected);
  });
});

describe('decideRotation: switch ahead at safe moments (item 2)', () => {
  it.each(switchAhead)('$name', ({ input: given, expected }) => {
    expect(decideRotation(given)).toMatchObject(expected);
  });
});

describe('decideRotation: never held at a wall by dwell or a missing target (item 4)', () => {
  it.each(neverHeldAtWall)('$name', ({ input: given, expected }) => {
    expect(decideRotation(given)).toMatchObject(expected);
  });
});

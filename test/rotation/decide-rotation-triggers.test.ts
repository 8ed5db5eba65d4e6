import { describe, expect, it } from 'vitest';
import { decideRotation } from '../../src-main/engine/rotation/decide-rotation.js';
import type { RotationInput } from '../../src-main/engine/rotation/rotation-types.js';
import { account, DAY, input, MIN, NOW, rising, SEC } from './policy-builders.js';

interface Case {
  readonly name: string;
  readonly input: RotationInput;
  readonly expected: Record<string, unknown>;
}

const soon = { sevenDayResetInMs: 1 * DAY };
const later = { sevenDayResetInMs: 3 * DAY };
const latest = { sevenDayResetInMs: 5 * DAY };

const orderAndChoice: Case[] = [
  {
    name: 'stays on the active account when it is first in order and below the 5h threshold',
    input: input([account('a', soon), account('b', later)], 'a'),
    expected: { kind: 'stay', reason: 'best' },
  },
  {
    name: 'switches to an account whose 7d window resets sooner (perishable)',
    input: input([account('a', soon), account('b', later)], 'b'),
    expected: { kind: 'switch', to: 'a', from: 'b', trigger: 'perishable', forced: false },
  },
  {
    name: 'does not switch between accounts whose 7d windows reset at the same time (a tie)',
    input: input([account('a', later), account('b', later)], 'b'),
    expected: { kind: 'stay', reason: 'best' },
  },
  {
    name: 'does not switch for a 7d reset less than a minute sooner',
    input: input([account('a', { sevenDayResetInMs: 3 * DAY - 30 * SEC }), account('b', later)], 'b'),
    expected: { kind: 'stay', reason: 'best' },
  },
  {
    name: 'moves off an account whose 7d window has just reset, since the others perish sooner',
    input: input([account('a', { sevenDayPct: 97, sevenDayResetInMs: -1 * SEC }), account('b', later)], 'a'),
    expected: { kind: 'switch', to: 'b', trigger: 'perishable' },
  },
  {
    name: 'does not yield to an account whose 7d reset is unknown',
    input: input([account('a', { sevenDayResetInMs: null }), account('b', later)], 'b'),
    expected: { kind: 'stay', reason: 'best' },
  },
  {
    name: 'does not yield to an earlier account whose 5h is inside the hysteresis band',
    input: input([account('a', { ...soon, fiveHourPct: 75 }), account('b', later)], 'b'),
    expected: { kind: 'stay', reason: 'best' },
  },
];

const triggers: Case[] = [
  {
    name: 'switches with trigger token when the active token is dead',
    input: input([account('a', { ...soon, tokenUsable: false }), account('b', later)], 'a'),
    expected: { kind: 'switch', to: 'b', trigger: 'token' },
  },
  {
    name: 'switches with trigger exhaustion when the active account reaches 100 % of 7d',
    input: input([account('a', { ...soon, sevenDayPct: 100 }), account('b', later)], 'a'),
    expected: { kind: 'switch', to: 'b', trigger: 'exhaustion' },
  },
  {
    name: 'switches with trigger breach when the active 5h reaches the threshold',
    input: input([account('a', { ...soon, fiveHourPct: 80 }), account('b', later)], 'a'),
    expected: { kind: 'switch', to: 'b', trigger: 'breach' },
  },
  {
    name: 'stays just below the threshold',
    input: input([account('a', { ...soon, fiveHourPct: 79.9 }), account('b', later)], 'a'),
    expected: { kind: 'stay', reason: 'best' },
  },
  {
    name: 'switches with trigger velocity when 7d will hit 100 % within 10 minutes',
    input: input([account('a', { ...soon, sevenDayPct: 95, samples: rising('7d', 95, 1, 10) }), account('b', later)], 'a'),
    expected: { kind: 'switch', to: 'b', trigger: 'velocity', velocity: { window: '7d', projectedMs: 5 * MIN } },
  },
  {
    name: 'switches with trigger velocity when 5h will hit the threshold within 5 minutes',
    input: input([account('a', { ...soon, fiveHourPct: 76, samples: rising('5h', 76, 1, 10) }), account('b', later)], 'a'),
    expected: { kind: 'switch', to: 'b', trigger: 'velocity', velocity: { window: '5h', projectedMs: 4 * MIN } },
  },
  {
    name: 'does not switch for a projected 5h breach beyond its 5 minute horizon',
    input: input([account('a', { ...soon, fiveHourPct: 70, samples: rising('5h', 70, 1, 10) }), account('b', later)], 'a'),
    expected: { kind: 'stay', reason: 'best' },
  },
  {
    name: 'does not switch for a projected breach when the window resets first',
    input: input(
      [account('a', { ...soon, fiveHourPct: 77, fiveHourResetInMs: 1 * MIN, samples: rising('5h', 77, 1, 10) }), account('b', later)],
      'a',
    ),
    expected: { kind: 'stay', reason: 'best' },
  },
  {
    name: 'switches back with trigger recovered when the preferred account’s 5h window has reset',
    input: input([account('a', { ...soon, fiveHourPct: 95, fiveHourResetInMs: -1 * SEC }), account('b', later)], 'b', {
      preferredId: 'a',
    }),
    expected: { kind: 'switch', to: 'a', trigger: 'recovered', preferredId: null },
  },
  {
    name: 'switches back with trigger recovered when the preferred 5h falls below threshold minus hysteresis',
    input: input([account('a', { ...soon, fiveHourPct: 69 }), account('b', later)], 'b', { preferredId: 'a' }),
    expected: { kind: 'switch', to: 'a', trigger: 'recovered' },
  },
  {
    name: 'does not switch back while the preferred 5h is between threshold minus hysteresis and the threshold',
    input: input([account('a', { ...soon, fiveHourPct: 71 }), account('b', later)], 'b', { preferredId: 'a' }),
    expected: { kind: 'stay', reason: 'best', preferredId: 'a' },
  },
];

const precedence: Case[] = [
  {
    name: 'records token rather than exhaustion when the active account has both',
    input: input([account('a', { ...soon, tokenUsable: false, sevenDayPct: 100 }), account('b', later)], 'a'),
    expected: { trigger: 'token' },
  },
  {
    name: 'records exhaustion rather than breach when 7d and 5h are both over',
    input: input([account('a', { ...soon, sevenDayPct: 100, fiveHourPct: 100 }), account('b', later)], 'a'),
    expected: { trigger: 'exhaustion' },
  },
  {
    name: 'records breach rather than velocity when the threshold is already reached',
    input: input([account('a', { ...soon, fiveHourPct: 81, samples: rising('5h', 81, 2, 10) }), account('b', later)], 'a'),
    expected: { trigger: 'breach' },
  },
  {
    name: 'records manual rather than token when a pin points elsewhere',
    input: input([account('a', { ...soon, tokenUsable: false }), account('b', later), account('c', latest)], 'a', {
      pin: { accountId: 'c' },
    }),
    expected: { kind: 'switch', to: 'c', trigger: 'manual' },
  },
  {
    name: 'records recovered rather than perishable when the sooner account is the one stepped aside from',
    input: input([account('a', soon), account('b', later)], 'b', { preferredId: 'a' }),
    expected: { trigger: 'recovered' },
  },
];

describe('decideRotation: order and choice', () => {
  it.each(orderAndChoice)('$name', ({ input: given, expected }) => {
    expect(decideRotation(given)).toMatchObject(expected);
  });
});

describe('decideRotation: triggers', () => {
  it.each(triggers)('$name', ({ input: given, expected }) => {
    expect(decideRotation(given)).toMatchObject(expected);
  });
});

describe('decideRotation: one trigger per switch, by precedence', () => {
  it.each(precedence)('$name', ({ input: given, expected }) => {
    expect(decideRotation(given)).toMatchObject(expected);
  });
});

describe('decideRotation: targets', () => {
  it('skips accounts at or over the 5h threshold when choosing where to step aside', () => {
    const decision = decideRotation(
      input([account('a', { ...soon, fiveHourPct: 85 }), account('b', { ...later, fiveHourPct: 80 }), account('c', latest)], 'a'),
    );
    expect(decision).toMatchObject({ kind: 'switch', to: 'c', trigger: 'breach' });
  });

  it('never switches to an account over the threshold even when the active one breaches', () => {
    const decision = decideRotation(input([account('a', { ...soon, fiveHourPct: 90 }), account('b', { ...later, fiveHourPct: 85 })], 'a'));
    expect(decision).toMatchObject({ kind: 'stay', reason: 'no-eligible-target', heldBack: { to: null, trigger: 'breach' } });
  });

  it('breaks a tie in 7d reset time by email when choosing a target', () => {
    const accounts = [
      account('a', { ...soon, fiveHourPct: 90 }),
      account('z', { ...later, email: 'zed@x.test' }),
      account('m', { ...later, email: 'amy@x.test' }),
    ];
    expect(decideRotation(input(accounts, 'a'))).toMatchObject({ kind: 'switch', to: 'm' });
  });

  it('prefers a target whose own samples project no breach', () => {
    const hot = account('b', { ...later, fiveHourPct: 70, samples: rising('5h', 70, 3, 10) });
    const decision = decideRotation(input([account('a', { ...soon, fiveHourPct: 85 }), hot, account('c', latest)], 'a'));
    expect(decision).toMatchObject({ kind: 'switch', to: 'c' });
  });

  it('reports the figures that caused the switch', () => {
    const decision = decideRotation(input([account('a', { ...soon, fiveHourPct: 82 }), account('b', { ...later, fiveHourPct: 5 })], 'a'));
    expect(decision.figures).toMatchObject({
      trigger: 'breach',
      fromId: 'a',
      toId: 'b',
      fromFiveHourPct: 82,
      toFiveHourPct: 5,
      fiveHourThresholdPct: 80,
      toSevenDayResetsAtMs: NOW + 3 * DAY,
    });
  });

  it('reports the velocity window, projected time and slope', () => {
    const decision = decideRotation(
      input([account('a', { ...soon, sevenDayPct: 95, samples: rising('7d', 95, 1, 10) }), account('b', later)], 'a'),
    );
    expect(decision.figures).toMatchObject({ velocityWindow: '7d', projectedMs: 5 * MIN, slopePctPerHour: 60, sampleCount: 10 });
  });

  it('honours a custom 5h threshold', () => {
    const decision = decideRotation(
      input([account('a', { ...soon, fiveHourPct: 60 }), account('b', later)], 'a', { settings: { fiveHourThresholdPct: 60 } }),
    );
    expect(decision).toMatchObject({ kind: 'switch', trigger: 'breach' });
  });

  it('ignores velocity samples from before a 5h reset that has passed', () => {
    const stale = rising('5h', 79, 1, 10, NOW - 2 * MIN);
    const decision = decideRotation(
      input([account('a', { ...soon, fiveHourPct: 79, fiveHourResetInMs: -1 * MIN, samples: stale }), account('b', later)], 'a'),
    );
    expect(decision).toMatchObject({ kind: 'stay', reason: 'best' });
  });
});

describe('decideRotation: step-aside memory', () => {
  it('remembers the account it stepped aside from for its 5h window', () => {
    const decision = decideRotation(input([account('a', { ...soon, fiveHourPct: 80 }), account('b', later)], 'a'));
    expect(decision).toMatchObject({ kind: 'switch', trigger: 'breach', preferredId: 'a' });
  });

  it('keeps the first remembered account through a second step-aside', () => {
    const accounts = [account('a', { ...soon, fiveHourPct: 90 }), account('b', { ...later, fiveHourPct: 80 }), account('c', latest)];
    expect(decideRotation(input(accounts, 'b', { preferredId: 'a' }))).toMatchObject({ kind: 'switch', to: 'c', preferredId: 'a' });
  });

  it('does not remember an account left for 7d exhaustion', () => {
    const decision = decideRotation(input([account('a', { ...soon, sevenDayPct: 100 }), account('b', later)], 'a'));
    expect(decision).toMatchObject({ kind: 'switch', trigger: 'exhaustion', preferredId: null });
  });

  it('forgets the remembered account once it is no longer usable', () => {
    const decision = decideRotation(input([account('a', { ...soon, sevenDayPct: 100 }), account('b', later)], 'b', { preferredId: 'a' }));
    expect(decision).toMatchObject({ kind: 'stay', preferredId: null });
  });

  it('records a later switch to the sooner account as perishable when nothing was remembered', () => {
    const decision = decideRotation(input([account('a', { ...soon, fiveHourPct: 10 }), account('b', later)], 'b', { preferredId: null }));
    expect(decision).toMatchObject({ trigger: 'perishable' });
  });

  it('counts a 5h window with no utilization reported as 0 %', () => {
    const decision = decideRotation(
      input([account('a', { ...soon, fiveHourPct: null, fiveHourResetInMs: null }), account('b', later)], 'b'),
    );
    expect(decision).toMatchObject({ kind: 'switch', to: 'a', trigger: 'perishable' });
  });
});

import { describe, expect, test } from 'vitest';
import { explainActive, explainNext, explainRotationState, toNextInLine, toSteppedAside } from '../../src-renderer/lib/rotation-story.js';
import { makeRow, makeSnapshot, T0 } from './fixtures.js';

const HOUR = 3_600_000;

describe('rotation story', () => {
  test('the next in line is the first other account under the 5-hour threshold', () => {
    const accounts = [
      makeRow({ id: 'hot', email: 'hot@example.com', fiveHour: { utilizationPct: 86, resetsAtMs: T0 + HOUR } }),
      makeRow({ id: 'act', email: 'act@example.com', active: true, order: 1 }),
      makeRow({
        id: 'ex',
        email: 'ex@example.com',
        order: 2,
        orderGroup: 'exhausted',
        sevenDay: { utilizationPct: 100, resetsAtMs: T0 + 5 * HOUR },
      }),
      makeRow({ id: 'ok', email: 'ok@example.com', order: 3, orderGroup: 'usable' }),
    ];
    const snapshot = makeSnapshot({ accounts });
    expect(toNextInLine(snapshot)?.id).toBe('ok');
    expect(toSteppedAside(snapshot).map((r) => r.id)).toEqual(['hot']);
  });

  test('a deferred switch makes its target the next in line', () => {
    const snapshot = makeSnapshot({
      rotation: {
        pinnedAccountId: null,
        pendingSwitch: {
          toId: 'acct-a',
          trigger: 'breach',
          sinceMs: T0 - 90_000,
          blockedBySessionId: 'sess-123456789',
          blockedByTool: 'Bash',
        },
        allExhausted: null,
        lastDecision: 'waiting: tool call',
        guardHold: null,
      },
    });
    expect(toNextInLine(snapshot)?.id).toBe('acct-a');
    expect(explainRotationState(snapshot, T0)).toEqual([
      'A switch to alex@example.com (breach) has waited 1m for session sess-123 (Bash) to finish.',
      'Last decision: waiting: tool call.',
    ]);
  });

  test('explains who is next with the live figures', () => {
    const text = explainNext(makeSnapshot(), T0);
    expect(text).toBe(
      'casey@example.com is next: among the accounts that can take over, its 7-day window resets soonest (in 4d 0h, at 20%), and its 5-hour usage (10%) is under the 80% threshold.',
    );
  });

  test('says when nobody can take over and when the first exhausted account returns', () => {
    const accounts = [
      makeRow({ id: 'act', active: true }),
      makeRow({ id: 'ex', order: 1, orderGroup: 'exhausted', sevenDay: { utilizationPct: 100, resetsAtMs: T0 + 5 * HOUR } }),
    ];
    expect(explainNext(makeSnapshot({ accounts }), T0)).toBe(
      'No other account can take over right now; the first exhausted account comes back in 5h 0m.',
    );
  });

  test('explains the active account with the trigger of the switch that chose it, and a pause', () => {
    expect(explainActive(makeSnapshot({ paused: true }))).toBe(
      "blake@example.com is active (7d 93%, 5h 10%). It took over because another account's 7-day window resets sooner, so its quota would be lost first. Rotation is paused, so it stays until you resume.",
    );
  });
});

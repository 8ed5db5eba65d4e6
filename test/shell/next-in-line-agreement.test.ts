/**
 * The tray and the dashboard name the same "next in line" for the same snapshot (issue 8 item 6).
 * The dashboard's fleet table and rotation explainer mark `toNextInLine(snapshot)` (see
 * test/renderer/fleet-table.test.ts for the marking itself).
 */
import { describe, expect, test } from 'vitest';
import { toNextInLine } from '../../src-renderer/lib/rotation-story.js';
import { toTrayModel } from '../../src-main/shell/tray/tray-model.js';
import type { AccountRow, FleetSnapshot } from '../../src-main/shared/view-model.js';
import { makeAccountRow, makeSnapshot } from '../fakes/fake-engine.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);

function makeRow(over: Partial<AccountRow>): AccountRow {
  return makeAccountRow({ active: false, order: 0, orderGroup: 'usable', ...over });
}

/** The account the tray marks `· next`, or null. */
function trayNext(snapshot: FleetSnapshot): string | null {
  const lines = toTrayModel(snapshot, 'linux', T0).menu.flatMap((i) => (i.kind === 'item' && i.id.startsWith('account:') ? [i] : []));
  const marked = lines.filter((i) => i.label.endsWith(' · next'));
  expect(marked.length).toBeLessThanOrEqual(1);
  return marked[0]?.id.slice('account:'.length) ?? null;
}

const cases: readonly (readonly [string, FleetSnapshot])[] = [
  [
    // The tray used to mark the account right after the active one, though its 5h is over the threshold.
    'an account over the 5-hour threshold right after the active one',
    makeSnapshot({
      activeAccountId: 'act',
      accounts: [
        makeRow({ id: 'act', email: 'act@example.com', active: true }),
        makeRow({ id: 'hot', email: 'hot@example.com', order: 1, fiveHour: { utilizationPct: 85, resetsAtMs: T0 + 60 * MIN } }),
        makeRow({ id: 'cool', email: 'cool@example.com', order: 2 }),
      ],
    }),
  ],
  [
    // The tray used to look only after the active account; rotation also moves to accounts before it.
    'the only usable account ahead of the active one',
    makeSnapshot({
      activeAccountId: 'act',
      accounts: [
        makeRow({ id: 'ahead', email: 'ahead@example.com' }),
        makeRow({ id: 'act', email: 'act@example.com', active: true, order: 1 }),
        makeRow({ id: 'spent', email: 'spent@example.com', order: 2, orderGroup: 'exhausted' }),
      ],
    }),
  ],
  [
    'a deferred switch to an account later in order',
    makeSnapshot({
      activeAccountId: 'act',
      accounts: [
        makeRow({ id: 'act', email: 'act@example.com', active: true }),
        makeRow({ id: 'first', email: 'first@example.com', order: 1 }),
        makeRow({ id: 'target', email: 'target@example.com', order: 2 }),
      ],
      rotation: {
        pinnedAccountId: null,
        pendingSwitch: { toId: 'target', trigger: 'breach', sinceMs: T0 - MIN, blockedBySessionId: null, blockedByTool: null },
        allExhausted: null,
        lastDecision: null,
        guardHold: null,
      },
    }),
  ],
  [
    'no account that can take over',
    makeSnapshot({
      activeAccountId: 'act',
      accounts: [
        makeRow({ id: 'act', email: 'act@example.com', active: true }),
        makeRow({ id: 'spent', email: 'spent@example.com', order: 1, orderGroup: 'exhausted' }),
      ],
    }),
  ],
];

describe('next in line', () => {
  test.each(cases)('the tray and the dashboard agree: %s', (_name, snapshot) => {
    const published = snapshot.nextInLine?.accountId ?? null;
    expect(trayNext(snapshot)).toBe(published);
    expect(toNextInLine(snapshot)?.id ?? null).toBe(published);
  });

  test('the expected accounts are next in those cases', () => {
    expect(cases.map(([, s]) => s.nextInLine?.accountId ?? null)).toEqual(['cool', 'ahead', 'target', null]);
  });
});

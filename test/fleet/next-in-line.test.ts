import { describe, expect, it } from 'vitest';
import { toNextInLine } from '../../src-main/engine/fleet/next-in-line.js';
import type { AccountRow } from '../../src-main/shared/view-model.js';

type Row = Pick<AccountRow, 'id' | 'active' | 'enabled' | 'orderGroup' | 'fiveHour'>;

function row(id: string, over: Partial<Row> = {}): Row {
  return { id, active: false, enabled: true, orderGroup: 'usable', fiveHour: { utilizationPct: 10, resetsAtMs: null }, ...over };
}

describe('toNextInLine', () => {
  it('is the first account in rotation order, other than the active one, whose 5-hour window is under the threshold', () => {
    const rows = [
      row('hot', { fiveHour: { utilizationPct: 85, resetsAtMs: null } }),
      row('act', { active: true }),
      row('cool'),
      row('later'),
    ];
    expect(toNextInLine(rows, null, 80)).toEqual({ accountId: 'cool', reason: 'rotation-order' });
  });

  it('skips exhausted, unusable and disabled accounts, and one exactly at the threshold', () => {
    const rows = [
      row('act', { active: true }),
      row('at', { fiveHour: { utilizationPct: 80, resetsAtMs: null } }),
      row('spent', { orderGroup: 'exhausted' }),
      row('dead', { orderGroup: 'unusable' }),
      row('off', { enabled: false }),
    ];
    expect(toNextInLine(rows, null, 80)).toBeNull();
    expect(toNextInLine([...rows, row('fresh', { fiveHour: { utilizationPct: null, resetsAtMs: null } })], null, 80)).toEqual({
      accountId: 'fresh',
      reason: 'rotation-order',
    });
  });

  it('is the target of a deferred switch while one waits, even when another comes first in order', () => {
    const rows = [row('act', { active: true }), row('first'), row('target', { fiveHour: { utilizationPct: 79, resetsAtMs: null } })];
    expect(toNextInLine(rows, 'target', 80)).toEqual({ accountId: 'target', reason: 'pending-switch' });
  });

  it('ignores a deferred switch to the active account or to an account that is gone', () => {
    const rows = [row('act', { active: true }), row('other')];
    expect(toNextInLine(rows, 'act', 80)).toEqual({ accountId: 'other', reason: 'rotation-order' });
    expect(toNextInLine(rows, 'gone', 80)).toEqual({ accountId: 'other', reason: 'rotation-order' });
  });
});

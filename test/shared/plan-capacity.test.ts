import { describe, expect, it } from 'vitest';
import { max20xDaysPerWeek, max20xShare } from '../../src-main/shared/plan-capacity.js';

describe('plan capacity (one table for insights, the fleet chart and the replay)', () => {
  it.each([
    ['Max 20x', 1, 7],
    ['Max 5x', 0.25, 1.75],
    ['Pro', 0.05, 0.35],
    ['Max', 1, 7],
    [null, 1, 7],
  ])('%s: share %d of a Max 20x quota, %d Max 20x days a week', (plan, share, days) => {
    expect(max20xShare(plan)).toBeCloseTo(share, 12);
    expect(max20xDaysPerWeek(plan)).toBeCloseTo(days, 12);
    expect(max20xDaysPerWeek(plan)).toBeCloseTo(7 * max20xShare(plan), 12);
  });
});

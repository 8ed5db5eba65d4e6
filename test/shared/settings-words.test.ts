import { describe, expect, test } from 'vitest';
import { describeSettingsChanges } from '../../src-main/shared/settings-words.js';

describe('settings changes in words', () => {
  test('names each changed setting with its old and new value in the user’s units', () => {
    const before = { fiveHourThresholdPct: 80, minDwellMs: 300_000, notifications: true, deferralMode: 'tool' };
    const after = { fiveHourThresholdPct: 85, minDwellMs: 600_000, notifications: false, deferralMode: 'turn' };
    expect(describeSettingsChanges(before, after)).toEqual([
      '5-hour threshold 80% → 85%',
      'minimum time between automatic switches 5m → 10m',
      'notifications on → off',
      'switch waits for a tool call to end → a turn to end',
    ]);
  });

  test('leaves out settings that did not change and keeps unknown keys by name', () => {
    expect(describeSettingsChanges({ hysteresisPct: 10, other: 1 }, { hysteresisPct: 10, other: 2 })).toEqual(['other 1 → 2']);
  });
});

import { describe, expect, test } from 'vitest';
import { createEngineEvents } from '../../src-main/engine/engine-events.js';
import { createMemoryEventLog } from '../../src-main/engine/events/memory-event-log.js';
import { SETTINGS_DEFAULTS } from '../../src-main/engine/storage/state-schema.js';
import { updateSettings } from '../../src-main/engine/update-settings.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { MemoryStateStore } from '../fakes/memory-stores.js';

function setup() {
  const clock = new FakeClock();
  const log = createMemoryEventLog();
  const store = new MemoryStateStore();
  return { log, store, events: createEngineEvents({ clock, sink: log }) };
}

describe('updateSettings', () => {
  test('stores a valid change, keeps every other setting and reports the changed keys with their values', () => {
    const { log, store, events } = setup();
    const update = updateSettings(store, events, { fiveHourThresholdPct: 70, deferralMode: 'turn' });
    expect(update.changed).toBe(true);
    expect(update.result).toEqual({ ok: true, value: { ...store.read().settings } });
    expect(store.read().settings).toMatchObject({
      fiveHourThresholdPct: 70,
      deferralMode: 'turn',
      minDwellMs: SETTINGS_DEFAULTS.minDwellMs,
    });
    expect(log.query()[0]).toMatchObject({
      kind: 'settings-changed',
      message: `Settings changed: 5-hour threshold ${SETTINGS_DEFAULTS.fiveHourThresholdPct}% → 70%; switch waits for a tool call to end → a turn to end.`,
      data: { fiveHourThresholdPct: 70, deferralMode: 'turn' },
    });
  });

  test('a patch that changes nothing stores and reports nothing', () => {
    const { log, store, events } = setup();
    const update = updateSettings(store, events, { fiveHourThresholdPct: SETTINGS_DEFAULTS.fiveHourThresholdPct });
    expect(update.changed).toBe(false);
    expect(update.result.ok).toBe(true);
    expect(store.writes).toEqual([]);
    expect(log.query()).toEqual([]);
  });

  test('an invalid value is refused with the field named, and nothing is stored', () => {
    const { log, store, events } = setup();
    const update = updateSettings(store, events, { fiveHourThresholdPct: 250 });
    expect(update.changed).toBe(false);
    expect(update.result.ok).toBe(false);
    if (!update.result.ok) {
      expect(update.result.error.kind).toBe('invalid');
      expect(update.result.error.message).toMatch(/^fiveHourThresholdPct: /);
    }
    expect(store.writes).toEqual([]);
    expect(log.query()).toEqual([]);
  });
});

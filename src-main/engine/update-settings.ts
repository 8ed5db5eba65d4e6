/**
 * Applies a settings change: the merged settings are validated as a whole, stored only when a
 * value really changes, and the change is reported with the keys and their new values.
 */
import { err, ok, type Result } from '../shared/result.js';
import { describeSettingsChanges } from '../shared/settings-words.js';
import type { EngineEvents } from './engine-events.js';
import { SettingsSchema, type Settings } from './storage/state-schema.js';
import type { StateStore } from './storage/store-port.js';

export type SettingsUpdateError = { readonly kind: 'invalid'; readonly message: string };

/** The outcome, and whether anything was stored (the caller then publishes a new snapshot). */
export interface SettingsUpdate {
  readonly result: Result<Settings, SettingsUpdateError>;
  readonly changed: boolean;
}

/** Validates `patch` over the stored settings and stores the result when a value differs. */
export function updateSettings(store: StateStore, events: EngineEvents, patch: Partial<Settings>): SettingsUpdate {
  const current = store.read().settings;
  const parsed = SettingsSchema.safeParse({ ...current, ...patch });
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`).join('; ');
    return { result: err({ kind: 'invalid', message }), changed: false };
  }
  const changedKeys = (Object.keys(parsed.data) as (keyof Settings)[]).filter((k) => parsed.data[k] !== current[k]);
  if (changedKeys.length > 0) {
    store.write({ ...store.read(), settings: parsed.data });
    const values = Object.fromEntries(changedKeys.map((k) => [k, parsed.data[k]]));
    events.emit(
      'settings-changed',
      'info',
      `Settings changed: ${describeSettingsChanges(current, parsed.data).join('; ')}.`,
      undefined,
      values,
    );
  }
  return { result: ok(parsed.data), changed: changedKeys.length > 0 };
}

/**
 * The settings form's logic: the editable draft (durations in minutes), and its validation into a
 * patch of only the changed fields. The ranges mirror the engine's settings schema; the engine
 * still validates and its message is shown when it disagrees.
 */
import type { SettingsPatch } from '../../src-main/shared/contract.js';
import { err, ok, type Result } from '../../src-main/shared/result.js';
import type { SettingsView } from '../../src-main/shared/view-model.js';
import { msToMinutes } from './format.js';

export interface SettingsDraft {
  fiveHourThresholdPct: number | null;
  hysteresisPct: number | null;
  activePollMinutes: number | null;
  parkedPollMinutes: number | null;
  minDwellMinutes: number | null;
  deferralMode: SettingsView['deferralMode'];
  notifications: boolean;
  /** Null when the engine does not report it (then it is not sent). */
  launchAtLogin: boolean | null;
  listenHost: string;
  listenPort: number | null;
}

export type SettingsErrors = Partial<Record<keyof SettingsDraft, string>>;

/** The form's starting values from the current settings. */
export function toSettingsDraft(settings: SettingsView): SettingsDraft {
  return {
    fiveHourThresholdPct: settings.fiveHourThresholdPct,
    hysteresisPct: settings.hysteresisPct,
    activePollMinutes: msToMinutes(settings.activePollIntervalMs),
    parkedPollMinutes: msToMinutes(settings.parkedPollIntervalMs),
    minDwellMinutes: msToMinutes(settings.minDwellMs),
    deferralMode: settings.deferralMode,
    notifications: settings.notifications,
    launchAtLogin: settings.launchAtLogin ?? null,
    listenHost: settings.listenHost ?? '',
    listenPort: settings.listenPort ?? null,
  };
}

interface NumberRule {
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
  readonly what: string;
}

const RULES = {
  fiveHourThresholdPct: { min: 1, max: 100, integer: false, what: 'The 5-hour threshold is a percent' },
  hysteresisPct: { min: 0, max: 50, integer: false, what: 'The hysteresis margin is in percentage points' },
  activePollMinutes: { min: 1, max: 60, integer: true, what: 'The active account poll interval is in whole minutes' },
  parkedPollMinutes: { min: 3, max: 360, integer: true, what: 'The parked account poll interval is in whole minutes' },
  minDwellMinutes: { min: 0, max: 60, integer: true, what: 'The minimum time between automatic switches is in whole minutes' },
  listenPort: { min: 0, max: 65_535, integer: true, what: 'The port is a whole number' },
} as const satisfies Partial<Record<keyof SettingsDraft, NumberRule>>;

function checkNumber(value: number | null, rule: NumberRule): string | null {
  if (value === null || !Number.isFinite(value)) return `${rule.what}; enter a number from ${rule.min} to ${rule.max}.`;
  if (rule.integer && !Number.isInteger(value)) return `${rule.what}; enter a whole number.`;
  if (value < rule.min || value > rule.max) return `${rule.what} from ${rule.min} to ${rule.max}.`;
  return null;
}

/**
 * Validates the draft: a patch with only the fields that differ from `current`, or a message per
 * invalid field. An unchanged form gives an empty patch.
 */
export function parseSettingsDraft(draft: SettingsDraft, current: SettingsView): Result<SettingsPatch, SettingsErrors> {
  const errors: SettingsErrors = {};
  for (const [field, rule] of Object.entries(RULES) as [keyof typeof RULES, NumberRule][]) {
    if (field === 'listenPort' && draft.listenPort === null && current.listenPort === undefined) continue;
    const message = checkNumber(draft[field], rule);
    if (message !== null) errors[field] = message;
  }
  if (draft.listenHost.trim() === '' && current.listenHost !== undefined)
    errors.listenHost = 'Enter the address to listen on, e.g. 127.0.0.1.';
  if (Object.keys(errors).length > 0) return err(errors);

  const patch: { -readonly [K in keyof SettingsPatch]: SettingsPatch[K] } = {};
  const minutes = (value: number | null) => (value ?? 0) * 60_000;
  if (draft.fiveHourThresholdPct !== current.fiveHourThresholdPct) patch.fiveHourThresholdPct = draft.fiveHourThresholdPct ?? 0;
  if (draft.hysteresisPct !== current.hysteresisPct) patch.hysteresisPct = draft.hysteresisPct ?? 0;
  // Compared in minutes, as shown: a value the form cannot show exactly is not rewritten unasked.
  if (draft.activePollMinutes !== msToMinutes(current.activePollIntervalMs)) patch.activePollIntervalMs = minutes(draft.activePollMinutes);
  if (draft.parkedPollMinutes !== msToMinutes(current.parkedPollIntervalMs)) patch.parkedPollIntervalMs = minutes(draft.parkedPollMinutes);
  if (draft.minDwellMinutes !== msToMinutes(current.minDwellMs)) patch.minDwellMs = minutes(draft.minDwellMinutes);
  if (draft.deferralMode !== current.deferralMode) patch.deferralMode = draft.deferralMode;
  if (draft.notifications !== current.notifications) patch.notifications = draft.notifications;
  if (draft.launchAtLogin !== null && draft.launchAtLogin !== (current.launchAtLogin ?? null)) patch.launchAtLogin = draft.launchAtLogin;
  const host = draft.listenHost.trim();
  if (host !== '' && host !== (current.listenHost ?? '')) patch.listenHost = host;
  if (draft.listenPort !== null && draft.listenPort !== (current.listenPort ?? null)) patch.listenPort = draft.listenPort;
  return ok(patch);
}

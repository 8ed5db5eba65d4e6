/**
 * Settings changes in words (`5-hour threshold 80% → 85%`), for the dashboard's confirmation and the
 * `settings-changed` event. Unknown keys keep their own name. Pure; shared by the engine and the renderer.
 */
import { formatDuration } from './format.js';

type Formatter = (value: unknown) => string;

const pct: Formatter = (v) => `${String(v)}%`;
const points: Formatter = (v) => `${String(v)} points`;
const duration: Formatter = (v) => (typeof v === 'number' ? formatDuration(v) : String(v));
const onOff: Formatter = (v) => (v === true ? 'on' : v === false ? 'off' : String(v));
const plain: Formatter = (v) => String(v);

const SETTING_WORDS: Readonly<Record<string, readonly [string, Formatter]>> = {
  fiveHourThresholdPct: ['5-hour threshold', pct],
  hysteresisPct: ['hysteresis margin', points],
  activePollIntervalMs: ['active account poll interval', duration],
  parkedPollIntervalMs: ['parked account poll interval', duration],
  minDwellMs: ['minimum time between automatic switches', duration],
  deferralMode: [
    'switch waits for',
    (v) => ({ tool: 'a tool call to end', turn: 'a turn to end', never: 'nothing' })[String(v)] ?? String(v),
  ],
  notifications: ['notifications', onOff],
  launchAtLogin: ['start at login', onOff],
  listenHost: ['listen address', plain],
  listenPort: ['port', plain],
  tokenRefreshAheadMs: ['token refresh ahead of expiry', duration],
};

/** One phrase per changed key: `5-hour threshold 80% → 85%`. Keys whose value did not change are left out. */
export function describeSettingsChanges(beforeSettings: object, afterSettings: object): string[] {
  const before = beforeSettings as Readonly<Record<string, unknown>>;
  const after = afterSettings as Readonly<Record<string, unknown>>;
  return Object.keys(after)
    .filter((key) => after[key] !== undefined && after[key] !== before[key])
    .map((key) => {
      const [name, format] = SETTING_WORDS[key] ?? [key, plain];
      return `${name} ${format(before[key])} → ${format(after[key])}`;
    });
}

/**
 * Example bodies for the OpenAPI document and `/docs`. Typed against the real types, so an example
 * cannot describe a field that does not exist (tests also validate them against the schemas).
 */
import { type AccountSummary, type EngineEvent, type Settings, SettingsSchema } from '../engine/index.js';
import type { FleetSnapshot } from '../shared/view-model.js';
import type { HealthBody } from './api-schemas.js';

const AT = Date.UTC(2026, 3, 14, 10, 0, 0);
const HOUR = 3_600_000;

export const EXAMPLE_SETTINGS: Settings = SettingsSchema.parse({});

export const exampleHealth = (version: string): HealthBody => ({
  ok: true,
  product: 'ccmax-monitor',
  version,
  demo: false,
  uptimeMs: 93_000,
  accounts: 2,
});

export const EXAMPLE_ACCOUNT: AccountSummary = {
  id: '6f1c2a9e-4b7d-4c1e-9a3f-2d8e5b7c1a90',
  email: 'me@example.com',
  label: 'work',
  enabled: true,
  plan: 'Max 20x',
};

export const EXAMPLE_EVENTS: readonly EngineEvent[] = [
  {
    atMs: AT,
    kind: 'account-switched',
    level: 'info',
    message: 'Switched from me@example.com to alt@example.com: 5h reached 80%.',
    accountId: 'b2d4f6a8-1c3e-4a5b-8d7f-9e0a1b2c3d4e',
    data: { trigger: 'breach', fromFingerprint: 'a1b2c3d4', toFingerprint: 'e5f6a7b8' },
  },
  {
    atMs: AT - 300_000,
    kind: 'usage-polled',
    level: 'info',
    message: 'Polled me@example.com: 7d 68%, 5h 80%.',
    accountId: EXAMPLE_ACCOUNT.id,
    data: { sevenDayPct: 68, fiveHourPct: 80 },
  },
];

export const exampleSnapshot = (version: string): FleetSnapshot => ({
  product: 'ccmax-monitor',
  version,
  demo: false,
  generatedAtMs: AT,
  vault: { kind: 'keychain', location: 'ccmax-monitor' },
  accounts: [
    {
      id: 'b2d4f6a8-1c3e-4a5b-8d7f-9e0a1b2c3d4e',
      email: 'alt@example.com',
      label: null,
      displayName: 'Alt',
      plan: 'Max 5x',
      enabled: true,
      active: true,
      order: 0,
      orderGroup: 'usable',
      sevenDay: { utilizationPct: 41, resetsAtMs: AT + 33 * HOUR },
      fiveHour: { utilizationPct: 12, resetsAtMs: AT + 4 * HOUR },
      extraWindows: [{ name: 'seven_day_sonnet', utilizationPct: 3, resetsAtMs: AT + 50 * HOUR }],
      usageSource: 'statusline',
      usageReadAtMs: AT - 20_000,
      stale: false,
      token: {
        fingerprint: 'e5f6a7b8',
        health: 'healthy',
        expiresAtMs: AT + 6 * HOUR,
        refreshedAtMs: AT - 2 * HOUR,
        refreshPath: 'claude',
      },
      status: { kind: 'ok' },
      statusText: 'ok',
      lastPollAtMs: AT - 240_000,
      nextPollAtMs: AT + 60_000,
      custody: {
        kind: 'claude-refresh',
        atMs: AT - 2 * HOUR,
        text: 'refreshed by Claude Code',
        accessFp: 'e5f6a7b8',
        refreshFp: '9c0d1e2f',
        foreign: false,
      },
    },
    {
      id: EXAMPLE_ACCOUNT.id,
      email: EXAMPLE_ACCOUNT.email,
      label: EXAMPLE_ACCOUNT.label,
      displayName: 'Me',
      plan: 'Max 20x',
      enabled: true,
      active: false,
      order: 1,
      orderGroup: 'usable',
      sevenDay: { utilizationPct: 68, resetsAtMs: AT + 81 * HOUR },
      fiveHour: { utilizationPct: 80, resetsAtMs: AT + 2 * HOUR },
      extraWindows: [],
      usageSource: 'poll',
      usageReadAtMs: AT - 300_000,
      stale: false,
      token: {
        fingerprint: 'a1b2c3d4',
        health: 'expiring',
        expiresAtMs: AT + 0.5 * HOUR,
        refreshedAtMs: AT - 7.5 * HOUR,
        refreshPath: 'auto',
      },
      status: { kind: 'rate-limited', retryAtMs: AT + 720_000 },
      statusText: 'rate-limited, retry in 12m',
      lastPollAtMs: AT - 300_000,
      nextPollAtMs: AT + 720_000,
      custody: null,
    },
  ],
  activeAccountId: 'b2d4f6a8-1c3e-4a5b-8d7f-9e0a1b2c3d4e',
  activeMatchedBy: 'access-token',
  // The other account's 5-hour window is at the 80 % threshold, so no account can take over now.
  nextInLine: null,
  lastPollAtMs: AT - 240_000,
  nextRefreshAtMs: AT + 60_000,
  nextTokenRefreshAtMs: AT + 1_200_000,
  lastSwitch: { atMs: AT, trigger: 'breach', fromId: EXAMPLE_ACCOUNT.id, toId: 'b2d4f6a8-1c3e-4a5b-8d7f-9e0a1b2c3d4e' },
  paused: false,
  sessions: [
    {
      id: '3c9e7a51',
      host: 'devbox',
      cwd: '/home/me/project',
      state: { kind: 'tool', toolName: 'Bash', sinceMs: AT - 12_000 },
      lastPulseAtMs: AT - 3_000,
      accountId: 'b2d4f6a8-1c3e-4a5b-8d7f-9e0a1b2c3d4e',
      loginOverrides: [],
    },
  ],
  activeSessionCount: 1,
  sessionOwnerGuard: { on: false, configs: [{ path: '/home/me/.claude.json', state: 'off' }] },
  settings: {
    fiveHourThresholdPct: EXAMPLE_SETTINGS.fiveHourThresholdPct,
    hysteresisPct: EXAMPLE_SETTINGS.hysteresisPct,
    activePollIntervalMs: EXAMPLE_SETTINGS.activePollIntervalMs,
    parkedPollIntervalMs: EXAMPLE_SETTINGS.parkedPollIntervalMs,
    minDwellMs: EXAMPLE_SETTINGS.minDwellMs,
    deferralMode: EXAMPLE_SETTINGS.deferralMode,
    notifications: EXAMPLE_SETTINGS.notifications,
  },
});

/**
 * The settings' schema, defaults and patch schema. In shared/ because the engine persists settings
 * with it and every way of changing them (dashboard commands, HTTP) validates patches with it.
 */
import { z } from 'zod';

export const SETTINGS_DEFAULTS = {
  /** 5h utilization at which rotation steps aside (PRODUCT §2). */
  fiveHourThresholdPct: 80,
  /** Points below the threshold the preferred account must fall before switching back. */
  hysteresisPct: 10,
  /** Poll cadence of the active account when no statusline reading is fresher. */
  activePollIntervalMs: 5 * 60_000,
  /** Poll cadence of parked accounts: slow, so each account stays ≤ 6 usage calls an hour. */
  parkedPollIntervalMs: 12 * 60_000,
  /** ± fraction of the interval added as jitter so accounts never drift into lockstep. */
  pollJitterRatio: 0.15,
  /** Refresh a parked account's token this long before it expires. */
  tokenRefreshAheadMs: 60 * 60_000,
  minDwellMs: 5 * 60_000,
  deferralMode: 'tool' as 'tool' | 'turn' | 'never',
  maxDeferralMs: 10 * 60_000,
  velocitySevenDayHorizonMs: 10 * 60_000,
  velocityFiveHourHorizonMs: 5 * 60_000,
  notifications: true,
  launchAtLogin: false,
  listenHost: '127.0.0.1',
  listenPort: 47_821,
};

export const SettingsSchema = z.object({
  fiveHourThresholdPct: z.number().min(1).max(100).default(SETTINGS_DEFAULTS.fiveHourThresholdPct),
  hysteresisPct: z.number().min(0).max(50).default(SETTINGS_DEFAULTS.hysteresisPct),
  activePollIntervalMs: z.number().int().min(60_000).max(3_600_000).default(SETTINGS_DEFAULTS.activePollIntervalMs),
  parkedPollIntervalMs: z
    .number()
    .int()
    .min(180_000)
    .max(6 * 3_600_000)
    .default(SETTINGS_DEFAULTS.parkedPollIntervalMs),
  pollJitterRatio: z.number().min(0).max(0.5).default(SETTINGS_DEFAULTS.pollJitterRatio),
  tokenRefreshAheadMs: z
    .number()
    .int()
    .min(60_000)
    .max(6 * 3_600_000)
    .default(SETTINGS_DEFAULTS.tokenRefreshAheadMs),
  minDwellMs: z.number().int().min(0).max(3_600_000).default(SETTINGS_DEFAULTS.minDwellMs),
  deferralMode: z.enum(['tool', 'turn', 'never']).default(SETTINGS_DEFAULTS.deferralMode),
  maxDeferralMs: z.number().int().min(0).max(3_600_000).default(SETTINGS_DEFAULTS.maxDeferralMs),
  velocitySevenDayHorizonMs: z.number().int().min(0).max(3_600_000).default(SETTINGS_DEFAULTS.velocitySevenDayHorizonMs),
  velocityFiveHourHorizonMs: z.number().int().min(0).max(3_600_000).default(SETTINGS_DEFAULTS.velocityFiveHourHorizonMs),
  notifications: z.boolean().default(SETTINGS_DEFAULTS.notifications),
  launchAtLogin: z.boolean().default(SETTINGS_DEFAULTS.launchAtLogin),
  listenHost: z.string().min(1).default(SETTINGS_DEFAULTS.listenHost),
  listenPort: z.number().int().min(0).max(65_535).default(SETTINGS_DEFAULTS.listenPort),
});
export type Settings = z.infer<typeof SettingsSchema>;

/**
 * A settings patch: every field of `SettingsSchema` optional, with no defaults filled in (a patch
 * must not reset the fields it leaves out), unknown fields refused. Used by every way of changing
 * settings (HTTP, the dashboard's commands).
 */
export const SettingsPatchSchema = z
  .strictObject(
    Object.fromEntries(Object.entries(SettingsSchema.shape).map(([key, field]) => [key, field.unwrap().optional()])) as {
      [K in keyof typeof SettingsSchema.shape]: z.ZodOptional<ReturnType<(typeof SettingsSchema.shape)[K]['unwrap']>>;
    },
  )
  .describe('Body of PATCH /api/settings: only the fields to change.');

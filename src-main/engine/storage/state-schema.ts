/**
 * The persisted, secret-free state: settings and account metadata (`state.json`) and the last good
 * usage readings (`usage-cache.json`). Both are versioned and parsed with these schemas; a file that
 * fails is backed up and reported, never silently replaced.
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

export const AccountMetaSchema = z.object({
  /** Account uuid (profile `account.uuid`): the identity. */
  id: z.string().min(1),
  email: z.string(),
  displayName: z.string().nullable().default(null),
  organizationUuid: z.string().nullable().default(null),
  organizationName: z.string().nullable().default(null),
  /** `Max 20x` / `Max 5x` / `Pro` / null. */
  plan: z.string().nullable().default(null),
  rateLimitTier: z.string().nullable().default(null),
  label: z.string().nullable().default(null),
  enabled: z.boolean().default(true),
  addedAtMs: z.number(),
});
export type AccountMeta = z.infer<typeof AccountMetaSchema>;

export const RotationStateSchema = z.object({
  /** Rotation paused by the user (or the desktop shell while the machine sleeps). */
  paused: z.boolean().default(false),
  /** A manual pin (PRODUCT §2 `manual`): stays until unpinned or the account becomes unusable. */
  pinnedAccountId: z.string().nullable().default(null),
  /** The last switch carried out, so the minimum dwell survives a restart. */
  lastSwitch: z.object({ atMs: z.number(), trigger: z.string(), fromId: z.string().nullable(), toId: z.string() }).nullable().default(null),
});
export type RotationState = z.infer<typeof RotationStateSchema>;

export const STATE_VERSION = 1;

export const PersistedStateSchema = z.object({
  version: z.literal(STATE_VERSION),
  settings: SettingsSchema.default(() => SettingsSchema.parse({})),
  accounts: z.array(AccountMetaSchema).default([]),
  rotation: RotationStateSchema.default(() => RotationStateSchema.parse({})),
});
export type PersistedState = z.infer<typeof PersistedStateSchema>;

const WindowSchema = z.object({
  utilizationPct: z.number().nullable(),
  resetsAtMs: z.number().nullable(),
});

export const UsageCacheEntrySchema = z.object({
  fiveHour: WindowSchema.nullable(),
  sevenDay: WindowSchema.nullable(),
  extra: z.record(z.string(), WindowSchema).default({}),
  readAtMs: z.number(),
  /** When the figures were produced, where known (a poll: its answer; a statusline payload does not say). */
  figuresAtMs: z.number().optional(),
  source: z.enum(['poll', 'statusline', 'demo']),
});
export type UsageCacheEntry = z.infer<typeof UsageCacheEntrySchema>;

export const USAGE_CACHE_VERSION = 1;
export const UsageCacheSchema = z.object({
  version: z.literal(USAGE_CACHE_VERSION),
  entries: z.record(z.string(), UsageCacheEntrySchema).default({}),
});
export type UsageCache = z.infer<typeof UsageCacheSchema>;

/** A fresh state with default settings and no accounts. */
export function emptyState(): PersistedState {
  return PersistedStateSchema.parse({ version: STATE_VERSION });
}

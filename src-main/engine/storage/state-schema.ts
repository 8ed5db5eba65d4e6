/**
 * The persisted, secret-free state: settings and account metadata (`state.json`) and the last good
 * usage readings (`usage-cache.json`). Both are versioned and parsed with these schemas; a file that
 * fails is backed up and reported, never silently replaced.
 */
import { z } from 'zod';
import { CUSTODY_KINDS } from '../../shared/custody-view.js';
import { SettingsSchema } from '../../shared/settings-schema.js';

export { SETTINGS_DEFAULTS, SettingsPatchSchema, SettingsSchema, type Settings } from '../../shared/settings-schema.js';

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

/** The custody ledger's memory (fingerprints only): each account's login generations and last change. */
export const CustodyStateSchema = z.object({
  /** Per account: the login the vault holds (fingerprints), since when, and the refresh tokens it replaced (newest last). */
  generations: z
    .record(
      z.string(),
      z.object({
        current: z.object({ accessFp: z.string(), refreshFp: z.string(), expiresAtMs: z.number() }).nullable(),
        sinceMs: z.number(),
        retired: z.array(z.string()).default([]),
      }),
    )
    .default({}),
  /** Per account: the last change of Claude Code's stored login that involved it. */
  lastChanges: z
    .record(
      z.string(),
      z.object({
        kind: z.enum(CUSTODY_KINDS),
        atMs: z.number(),
        text: z.string(),
        accessFp: z.string().nullable(),
        refreshFp: z.string().nullable(),
        foreign: z.boolean(),
      }),
    )
    .default({}),
});
export type CustodyState = z.infer<typeof CustodyStateSchema>;

export const STATE_VERSION = 1;

export const PersistedStateSchema = z.object({
  version: z.literal(STATE_VERSION),
  settings: SettingsSchema.default(() => SettingsSchema.parse({})),
  accounts: z.array(AccountMetaSchema).default([]),
  rotation: RotationStateSchema.default(() => RotationStateSchema.parse({})),
  custody: CustodyStateSchema.default(() => CustodyStateSchema.parse({})),
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

/**
 * The argument schema of every contract command (`contract.ts`), typed from the contract: a schema
 * whose output no longer fits its command's arguments fails the build here. The command handlers
 * validate untrusted arguments with them; the REST routes and the OpenAPI document reuse them.
 */
import { z } from 'zod';
import type { CommandArgs, CommandName } from './contract.js';
import { EVENT_KINDS } from './event-types.js';
import { MAX_HISTORY_POINTS } from './history-view.js';
import { REPLAY_PLANS } from './replay-view.js';
import { SettingsPatchSchema } from './settings-schema.js';

/** An account id as commands take it. */
export const AccountIdSchema = z.string().min(1).max(200);

/** The largest credentials JSON a command takes (the HTTP body limit's default). */
export const MAX_CREDENTIALS_JSON_CHARS = 64 * 1024;

const none = z.strictObject({});

/** The arguments of each command (strict: unknown fields are refused). */
export const COMMAND_ARGS: { readonly [K in CommandName]: z.ZodType<CommandArgs<K>> } = {
  getSnapshot: none,
  getEvents: z.strictObject({
    sinceMs: z.number().int().min(0).optional(),
    kinds: z.array(z.enum(EVENT_KINDS)).max(EVENT_KINDS.length).optional(),
    accountId: AccountIdSchema.optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  }),
  refreshNow: z.strictObject({
    accountId: AccountIdSchema.optional().describe('Poll only this account; all enabled accounts when absent.'),
  }),
  switchTo: z.strictObject({
    accountId: AccountIdSchema.nullable().describe('The account to pin and switch to; null unpins (back to automatic rotation).'),
  }),
  switchNow: none,
  pauseRotation: none,
  resumeRotation: none,
  importFromClaudeCode: none,
  addFromCredentialsJson: z.strictObject({ json: z.string().min(2).max(MAX_CREDENTIALS_JSON_CHARS) }),
  setLabel: z.strictObject({ accountId: AccountIdSchema, label: z.string().max(100).nullable() }),
  setEnabled: z.strictObject({ accountId: AccountIdSchema, enabled: z.boolean() }),
  removeAccount: z.strictObject({ accountId: AccountIdSchema }),
  updateSettings: SettingsPatchSchema,
  getHistory: z.strictObject({
    account: z.string().min(1).max(320),
    fromMs: z.number().int().min(0).optional(),
    toMs: z.number().int().min(0).optional(),
    points: z.number().int().min(1).max(MAX_HISTORY_POINTS).optional(),
  }),
  getInsights: z.strictObject({ fromMs: z.number().int().min(0).optional(), toMs: z.number().int().min(0).optional() }),
  replay: z.strictObject({
    fromMs: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('Start of the period (default: 28 days before toMs; at most 35 days are replayed).'),
    toMs: z.number().int().min(0).optional().describe('End of the period (default: now).'),
    fiveHourThresholdPct: z.number().min(1).max(100).optional().describe('The 5-hour threshold to replay with.'),
    minDwellMs: z.number().int().min(0).max(3_600_000).optional().describe('The minimum dwell to replay with.'),
    hysteresisPct: z.number().min(0).max(50).optional().describe('The hysteresis to replay with.'),
    accountsDelta: z
      .number()
      .int()
      .min(-50)
      .max(5)
      .optional()
      .describe('Accounts to add (1–5, of addPlan) or leave out (negative: the last ones in the fleet order).'),
    addPlan: z.enum(REPLAY_PLANS).optional().describe('The plan of added accounts (default Max 20x).'),
  }),
  revokeMachine: z.strictObject({ machineId: z.string().min(1).max(200).describe('The machine id (GET /api/machines).') }),
};

/**
 * Request and reply bodies of the HTTP API. Request schemas are strict (unknown fields are refused)
 * and the single source for both validation and the OpenAPI request bodies (via `z.toJSONSchema`);
 * where a body is a command's arguments it is that command's schema (`shared/command-schemas.ts`).
 */
import { z } from 'zod';
import { COMMAND_ARGS } from '../shared/command-schemas.js';
import type { AccountRef } from '../shared/contract.js';
import { err, ok, type Result } from '../shared/result.js';
import { EVENT_KINDS, type EventKind, type EventQuery } from '../engine/index.js';

/** Optional body of POST /api/refresh: the refreshNow command's arguments. */
export const RefreshBodySchema = COMMAND_ARGS.refreshNow.describe('Optional body of POST /api/refresh.');

/** Body of POST /api/switch: the switchTo command's arguments. */
export const SwitchBodySchema = COMMAND_ARGS.switchTo.describe('Body of POST /api/switch.');

/** The body of requests that take none: absent, empty, or `{}`. */
export const EmptyBodySchema = COMMAND_ARGS.pauseRotation.describe('No body, or {}.');

export const AddAccountBodySchema = z
  .strictObject({
    credentials: z
      .record(z.string(), z.unknown())
      .describe('Claude Code credentials: the whole `.credentials.json` object or its inner `claudeAiOauth` object.'),
  })
  .describe('Body of POST /api/accounts.');

export const AccountPatchBodySchema = z
  .strictObject({
    label: z.string().trim().min(1).max(100).nullable().optional().describe('A short name shown next to the email; null clears it.'),
    enabled: z.boolean().optional().describe('False takes the account out of rotation.'),
  })
  .refine((body) => body.label !== undefined || body.enabled !== undefined, {
    message: 'send at least one of label or enabled',
  })
  .describe('Body of PATCH /api/accounts/{id}.');

/** Body of PATCH /api/settings: the updateSettings command's arguments. */
export const SettingsPatchSchema = COMMAND_ARGS.updateSettings;

/** The health body: safe to show anyone who passed the access checks (no ids, no paths). */
export interface HealthBody {
  readonly ok: true;
  readonly product: 'ccmax-monitor';
  readonly version: string;
  readonly demo: boolean;
  readonly uptimeMs: number;
  readonly accounts: number;
}

/** `{ ok: true, pinnedAccountId }`: the pin now in force (null: automatic rotation). */
export interface SwitchReplyBody {
  readonly ok: true;
  readonly pinnedAccountId: string | null;
}

/** `{ ok: true, paused }`: whether automatic rotation is paused now. */
export interface PauseReplyBody {
  readonly ok: true;
  readonly paused: boolean;
}

/** The public fields of an account, and nothing else (copied field by field so no credential can leak). */
export function toAccountBody(account: AccountRef): AccountRef {
  const body: AccountRef = { id: account.id, email: account.email, label: account.label, enabled: account.enabled, plan: account.plan };
  return account.outcome === undefined ? body : { ...body, outcome: account.outcome };
}

/** Turns zod issues into one sentence naming each bad field (never echoing values). */
export function describeIssues(error: z.ZodError): string {
  const parts = error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
    return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
  });
  return `The request body is not valid: ${parts.join('; ')}.`;
}

/** Parses `value` with `schema`, or returns the sentence describing what is wrong. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown): Result<T, string> {
  const parsed = schema.safeParse(value);
  return parsed.success ? ok(parsed.data) : err(describeIssues(parsed.error));
}

const EVENT_QUERY_PARAMS = new Set(['since', 'kind', 'account', 'limit', 'token']);
const KIND_SET: ReadonlySet<string> = new Set(EVENT_KINDS);

/**
 * Parses `GET /api/events` query parameters: `since` (epoch ms, integer ≥ 0), `kind`
 * (comma-separated event kinds), `account` (an account id), `limit` (1–1000). Unknown or repeated
 * parameters are refused so a typo never silently widens a query.
 */
export function parseEventQuery(params: URLSearchParams): Result<EventQuery, string> {
  for (const name of new Set(params.keys())) {
    if (!EVENT_QUERY_PARAMS.has(name)) return err(`Unknown query parameter "${name}"; use since, kind, account or limit.`);
    if (params.getAll(name).length > 1) return err(`Give the query parameter "${name}" once.`);
  }
  const query: { sinceMs?: number; kinds?: EventKind[]; accountId?: string; limit?: number } = {};
  const since = params.get('since');
  if (since !== null) {
    if (!/^\d{1,16}$/.test(since)) return err('since must be a time in epoch milliseconds (a whole number ≥ 0).');
    query.sinceMs = Number(since);
  }
  const kind = params.get('kind');
  if (kind !== null) {
    const kinds = kind.split(',').map((k) => k.trim());
    const unknown = kinds.filter((k) => !KIND_SET.has(k));
    if (unknown.length > 0) return err(`Unknown event kind "${unknown[0]}"; known kinds: ${EVENT_KINDS.join(', ')}.`);
    query.kinds = kinds as EventKind[];
  }
  const account = params.get('account');
  if (account !== null) {
    if (account.length === 0 || account.length > 200) return err('account must be an account id (1–200 characters).');
    query.accountId = account;
  }
  const limit = params.get('limit');
  if (limit !== null) {
    const n = /^\d{1,4}$/.test(limit) ? Number(limit) : NaN;
    if (!(n >= 1 && n <= 1000)) return err('limit must be a whole number from 1 to 1000.');
    query.limit = n;
  }
  return ok(query);
}

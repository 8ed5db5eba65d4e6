/**
 * Parses `GET /api/oauth/usage` (CLAUDE-CODE.md) into a {@link UsageReading}. Pure; never throws.
 *
 * Two shapes exist. The documented one has named windows (`five_hour`, `seven_day`, `seven_day_*`,
 * …), each `{utilization, resets_at}` or null. Newer responses add a `limits` array. Its entry shape
 * is not documented, so we assume, and accept defensively:
 *   `{ kind | type: 'session' | 'weekly_all' | 'weekly_scoped' | other,
 *      utilization | used_percentage: percent 0–100 | null,
 *      resets_at | resets_at_ms: ISO 8601 string | epoch seconds (or ms when > 1e11) | null,
 *      scope | model | name | label?: string naming a scoped limit }`.
 * `session` → fiveHour, `weekly_all` → sevenDay, others → extra (`weekly_scoped:<name>`). Each of the
 * two main windows falls back to its named window when `limits` does not carry it.
 */
import { z } from 'zod';
import { err, ok, type Result } from '../../shared/result.js';
import type { UsageReading, UsageWindow } from './api-types.js';

/** Keys that are not windows even though some of them look like one (`extra_usage` has `utilization`). */
const NOT_WINDOWS = new Set(['five_hour', 'seven_day', 'limits', 'extra_usage']);

const Percent = z.union([z.number().finite(), z.null()]);
const ResetsAt = z.union([z.string(), z.number().finite(), z.null()]).optional();

/** A named window; unknown fields ignored; at least one of the two fields must be there. */
const NamedWindow = z
  .object({ utilization: Percent.optional(), resets_at: ResetsAt })
  .refine((w) => w.utilization !== undefined || w.resets_at !== undefined);

const LimitEntry = z.object({
  kind: z.string().optional(),
  type: z.string().optional(),
  utilization: Percent.optional(),
  used_percentage: Percent.optional(),
  resets_at: ResetsAt,
  resets_at_ms: z.number().finite().nullable().optional(),
  scope: z.string().optional(),
  model: z.string().optional(),
  name: z.string().optional(),
  label: z.string().optional(),
});
type LimitEntry = z.infer<typeof LimitEntry>;

/** Limit kinds read as the two main windows; the named-window spellings are accepted too. */
const SESSION_KINDS = new Set(['session', 'five_hour']);
const WEEKLY_KINDS = new Set(['weekly_all', 'seven_day']);

/**
 * The reading, or a short reason when the body is not a usage response at all (not an object, or
 * none of `five_hour`, `seven_day`, `limits` present) or a main window has the wrong shape.
 */
export function parseUsage(json: unknown): Result<UsageReading, string> {
  if (!isRecord(json)) return err('usage response is not a JSON object');
  const limits = Array.isArray(json.limits) ? readLimits(json.limits) : null;
  if (!limits && !('five_hour' in json) && !('seven_day' in json)) {
    return err('usage response has no five_hour, seven_day or limits');
  }
  const fiveHour = readNamed(json, 'five_hour');
  const sevenDay = readNamed(json, 'seven_day');
  if (!fiveHour.ok) return fiveHour;
  if (!sevenDay.ok) return sevenDay;
  const extra: Record<string, UsageWindow> = {};
  for (const [key, value] of Object.entries(json)) {
    if (NOT_WINDOWS.has(key)) continue;
    const parsed = NamedWindow.safeParse(value);
    if (parsed.success) extra[key] = toWindow(parsed.data.utilization ?? null, parsed.data.resets_at);
  }
  Object.assign(extra, limits?.extra);
  const main = { fiveHour: limits?.fiveHour ?? fiveHour.value, sevenDay: limits?.sevenDay ?? sevenDay.value };
  for (const [key, window] of Object.entries(main)) {
    if (window && !inRange(window)) return err(`usage window ${key} has figures out of range`);
  }
  // An unknown extra window with absurd figures is dropped; it decides nothing.
  for (const [key, window] of Object.entries(extra)) if (!inRange(window)) delete extra[key];
  return ok({ ...main, extra });
}

/** Utilization a window may plausibly report (percent; a little over 100 happens). */
export const UTILIZATION_RANGE_PCT = { min: 0, max: 1000 } as const;
/** Reset times outside 2000–2100 are nonsense (e.g. `resets_at: 1e20`). */
export const RESETS_AT_RANGE_MS = { min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) } as const;

function inRange(window: UsageWindow): boolean {
  const { utilizationPct: pct, resetsAtMs: atMs } = window;
  if (pct !== null && (pct < UTILIZATION_RANGE_PCT.min || pct > UTILIZATION_RANGE_PCT.max)) return false;
  return atMs === null || (atMs >= RESETS_AT_RANGE_MS.min && atMs <= RESETS_AT_RANGE_MS.max);
}

function readNamed(json: Record<string, unknown>, key: string): Result<UsageWindow | null, string> {
  const value = json[key];
  if (value === undefined || value === null) return ok(null);
  const parsed = NamedWindow.safeParse(value);
  if (!parsed.success) return err(`usage window ${key} has an unexpected shape`);
  return ok(toWindow(parsed.data.utilization ?? null, parsed.data.resets_at));
}

interface LimitsReading {
  readonly fiveHour: UsageWindow | null;
  readonly sevenDay: UsageWindow | null;
  readonly extra: Record<string, UsageWindow>;
}

/** Reads the `limits` array; null when it holds no usable entry, so the named windows apply. */
function readLimits(entries: readonly unknown[]): LimitsReading | null {
  let fiveHour: UsageWindow | null = null;
  let sevenDay: UsageWindow | null = null;
  const extra: Record<string, UsageWindow> = {};
  let used = 0;
  entries.forEach((raw, index) => {
    const parsed = LimitEntry.safeParse(raw);
    if (!parsed.success) return;
    const entry = parsed.data;
    const kind = entry.kind ?? entry.type;
    if (!kind) return;
    const window = toWindow(entry.utilization ?? entry.used_percentage ?? null, entry.resets_at ?? entry.resets_at_ms);
    used++;
    if (SESSION_KINDS.has(kind) && !fiveHour) fiveHour = window;
    else if (WEEKLY_KINDS.has(kind) && !sevenDay) sevenDay = window;
    else extra[`${kind}:${scopeName(entry) ?? index}`] = window;
  });
  return used > 0 ? { fiveHour, sevenDay, extra } : null;
}

function scopeName(entry: LimitEntry): string | null {
  return entry.scope ?? entry.model ?? entry.name ?? entry.label ?? null;
}

function toWindow(utilization: number | null, resetsAt: string | number | null | undefined): UsageWindow {
  return { utilizationPct: utilization, resetsAtMs: parseResetsAtMs(resetsAt) };
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A reset time as epoch ms: an ISO 8601 string (no offset → UTC), or a number of epoch seconds
 * (values above 1e11 are taken as ms already). Null when missing or unreadable.
 */
export function parseResetsAtMs(value: string | number | null | undefined): number | null {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) return null;
    return value > 1e11 ? Math.round(value) : Math.round(value * 1000);
  }
  if (typeof value !== 'string') return null;
  const match = ISO_DATE_TIME.exec(value.trim());
  if (!match) return null;
  // Without an offset JavaScript would read local time; the API speaks UTC.
  const atMs = Date.parse(match[1] ? value.trim() : `${value.trim()}Z`);
  return Number.isNaN(atMs) ? null : atMs;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

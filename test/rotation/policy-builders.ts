/** Builders for rotation-policy tests: accounts, samples and inputs around a fixed `NOW`. */
import type { BlockingSession } from '../../src-main/engine/sessions/session-states.js';
import {
  ROTATION_DEFAULTS,
  type PolicyAccount,
  type RotationInput,
  type RotationSettings,
  type UsageSample,
} from '../../src-main/engine/rotation/rotation-types.js';

export const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
export const SEC = 1000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

export interface AccountSpec {
  readonly enabled?: boolean;
  readonly tokenUsable?: boolean;
  /** Effective 7d %, null for unknown. */
  readonly sevenDayPct?: number | null;
  /** 7d reset relative to NOW; null for unknown. */
  readonly sevenDayResetInMs?: number | null;
  readonly fiveHourPct?: number | null;
  readonly fiveHourResetInMs?: number | null;
  readonly samples?: readonly UsageSample[];
  readonly email?: string;
}

/** An enabled, healthy account: 7d 50 % resetting in `sevenDayResetInMs` (default 3 days), 5h 10 %. */
export function account(id: string, spec: AccountSpec = {}): PolicyAccount {
  const sevenDayResetInMs = spec.sevenDayResetInMs === undefined ? 3 * DAY : spec.sevenDayResetInMs;
  const fiveHourResetInMs = spec.fiveHourResetInMs === undefined ? 2 * HOUR : spec.fiveHourResetInMs;
  return {
    id,
    email: spec.email ?? `${id}@example.test`,
    enabled: spec.enabled ?? true,
    tokenUsable: spec.tokenUsable ?? true,
    hasReading: true,
    lastErrorKind: null,
    sevenDay: {
      utilizationPct: spec.sevenDayPct === undefined ? 50 : spec.sevenDayPct,
      resetsAtMs: sevenDayResetInMs === null ? null : NOW + sevenDayResetInMs,
    },
    fiveHour: {
      utilizationPct: spec.fiveHourPct === undefined ? 10 : spec.fiveHourPct,
      resetsAtMs: fiveHourResetInMs === null ? null : NOW + fiveHourResetInMs,
    },
    samples: spec.samples ?? [],
  };
}

/** Samples of one window rising linearly by `pctPerMin`, one a minute, the last at `endAtMs` with `endPct`. */
export function rising(window: '7d' | '5h', endPct: number, pctPerMin: number, count: number, endAtMs = NOW): UsageSample[] {
  return Array.from({ length: count }, (_, i) => {
    const stepsBack = count - 1 - i;
    const pct = endPct - stepsBack * pctPerMin;
    const atMs = endAtMs - stepsBack * MIN;
    return window === '7d' ? { atMs, sevenDayPct: pct, fiveHourPct: null } : { atMs, sevenDayPct: null, fiveHourPct: pct };
  });
}

/** A session inside a tool call since `sinceMs`. */
export function inTool(sessionId: string, sinceMs = NOW - MIN, toolName = 'Bash'): BlockingSession {
  return { sessionId, state: { kind: 'tool', toolName, sinceMs }, sinceMs };
}

/** A policy input with defaults: no pin, no last switch, no sessions, default settings. */
export function input(
  accounts: readonly PolicyAccount[],
  activeAccountId: string | null,
  over: Partial<Omit<RotationInput, 'settings'>> & { readonly settings?: Partial<RotationSettings> } = {},
): RotationInput {
  return {
    nowMs: NOW,
    pin: null,
    lastSwitch: null,
    preferredId: null,
    sessions: { blocking: [] },
    pendingDeferral: null,
    ...over,
    accounts,
    activeAccountId,
    settings: { ...ROTATION_DEFAULTS, ...over.settings },
  };
}

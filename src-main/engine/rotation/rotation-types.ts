/**
 * Inputs and outputs of the rotation policy (PRODUCT §2). The policy is a pure function
 * (`decideRotation`); everything it remembers between calls comes back in through these types.
 * Times are epoch milliseconds; utilizations are percent 0–100 (may exceed 100 briefly).
 */
import type { UsageWindow } from '../anthropic/api-types.js';
import type { RotationCandidate } from '../fleet/rotation-order.js';
import type { BlockingSession, DeferralMode } from '../sessions/session-states.js';
import { SETTINGS_DEFAULTS, type Settings } from '../storage/state-schema.js';
import { ROTATION_TRIGGERS, type DecisionFigures, type RotationTrigger, type VelocityProjection } from '../switching/switch-types.js';

// What a switch records lives with the switcher (rotation uses switching, never the reverse).
export {
  ROTATION_TRIGGERS,
  type DecisionFigures,
  type RotationTrigger,
  type VelocityProjection,
  type VelocityWindow,
} from '../switching/switch-types.js';

/** One usage reading of one account, kept for velocity. Append every reading (poll or statusline). */
export interface UsageSample {
  readonly atMs: number;
  readonly sevenDayPct: number | null;
  readonly fiveHourPct: number | null;
}

/**
 * What the policy knows about one account. Extends the fleet's {@link RotationCandidate} so the
 * policy orders accounts exactly as the dashboard lists them (`toRotationOrder`).
 */
export interface PolicyAccount extends RotationCandidate {
  /** The last good 5-hour window; null when never read or no window is open (counts as 0 %). */
  readonly fiveHour: UsageWindow | null;
  /** Recent readings, any order; only the last `velocityLookbackMs` are used. */
  readonly samples: readonly UsageSample[];
}

/** The last switch that was carried out. */
export interface LastSwitch {
  readonly atMs: number;
  readonly trigger: RotationTrigger;
  readonly fromId: string | null;
  readonly toId: string;
}

/** The persisted last switch, or null when its trigger is not one of ours (an older or newer version wrote it). */
export function toLastSwitch(persisted: { atMs: number; trigger: string; fromId: string | null; toId: string } | null): LastSwitch | null {
  if (!persisted) return null;
  const trigger = ROTATION_TRIGGERS.find((t) => t === persisted.trigger);
  return trigger ? { ...persisted, trigger } : null;
}

/** A switch that was deferred and is still waiting; `sinceMs` is when the first deferral began. */
export interface PendingDeferral {
  readonly sinceMs: number;
  readonly to: string;
  readonly trigger: RotationTrigger;
}

/** The rotation settings (defaults from `SETTINGS_DEFAULTS`, PRODUCT §2). */
export interface RotationSettings {
  /** 5h utilization at which the active account steps aside, and below which a target must be. */
  readonly fiveHourThresholdPct: number;
  /** Points below the threshold a 5h window must fall before a non-urgent switch lands on it. */
  readonly hysteresisPct: number;
  /** Minimum time between automatic switches unless the active account is at 100 % of a window. */
  readonly minDwellMs: number;
  /** Switch when 7d is projected to hit 100 % within this long. */
  readonly velocitySevenDayHorizonMs: number;
  /** Switch when 5h is projected to hit the threshold within this long. */
  readonly velocityFiveHourHorizonMs: number;
  /**
   * Was: a deferral older than this is carried out anyway at 100 %. Unused by the policy since issue 12
   * (a switch never waits at a wall); kept so stored settings stay valid.
   */
  readonly maxDeferralMs: number;
  /** `never` ignores blocking sessions altogether. */
  readonly deferralMode: DeferralMode;
  /** How far back velocity looks at samples; default 30 min. */
  readonly velocityLookbackMs: number;
}

export const ROTATION_DEFAULTS: RotationSettings = {
  fiveHourThresholdPct: SETTINGS_DEFAULTS.fiveHourThresholdPct,
  hysteresisPct: SETTINGS_DEFAULTS.hysteresisPct,
  minDwellMs: SETTINGS_DEFAULTS.minDwellMs,
  velocitySevenDayHorizonMs: SETTINGS_DEFAULTS.velocitySevenDayHorizonMs,
  velocityFiveHourHorizonMs: SETTINGS_DEFAULTS.velocityFiveHourHorizonMs,
  maxDeferralMs: SETTINGS_DEFAULTS.maxDeferralMs,
  deferralMode: SETTINGS_DEFAULTS.deferralMode,
  velocityLookbackMs: 30 * 60_000,
};

/** The rotation settings out of the persisted settings. */
export function toRotationSettings(settings: Settings): RotationSettings {
  return {
    fiveHourThresholdPct: settings.fiveHourThresholdPct,
    hysteresisPct: settings.hysteresisPct,
    minDwellMs: settings.minDwellMs,
    velocitySevenDayHorizonMs: settings.velocitySevenDayHorizonMs,
    velocityFiveHourHorizonMs: settings.velocityFiveHourHorizonMs,
    maxDeferralMs: settings.maxDeferralMs,
    deferralMode: settings.deferralMode,
    velocityLookbackMs: ROTATION_DEFAULTS.velocityLookbackMs,
  };
}

/**
 * Everything `decideRotation` reads. The caller carries the memory fields from one call to the
 * next: `preferredId` from the previous decision's `preferredId`, `pendingDeferral` from a `defer`
 * decision (cleared by any other decision), `lastSwitch` from the switch it carried out.
 */
export interface RotationInput {
  readonly nowMs: number;
  /** In the user's account order; the policy orders them itself. */
  readonly accounts: readonly PolicyAccount[];
  /** The account whose login Claude Code holds now; null when unknown. */
  readonly activeAccountId: string | null;
  /** A manual pin (PRODUCT §2 `manual`); null when rotation is automatic. */
  readonly pin: { readonly accountId: string } | null;
  readonly lastSwitch: LastSwitch | null;
  /**
   * Step-aside memory: the account rotation stepped away from because of its 5h window and will
   * switch back to (`recovered`) once that window resets or falls below threshold − hysteresis.
   * Carry the previous decision's `preferredId`; null at start.
   */
  readonly preferredId?: string | null;
  /**
   * Sessions that hold back a switch, as `SessionStates.blockingSessions(deferralMode)` reports them,
   * and the lengths of the most recent tool calls that ended (any session, oldest first; the
   * rotation loop keeps the last 200).
   */
  readonly sessions: { readonly blocking: readonly BlockingSession[]; readonly recentToolCallMs?: readonly number[] };
  readonly pendingDeferral: PendingDeferral | null;
  readonly settings: RotationSettings;
}

export type StayReason =
  /** The fleet has no accounts. */
  | 'no-accounts'
  /** No account is usable and none is merely exhausted (all disabled or needing login). */
  | 'no-usable-account'
  /** Claude Code holds a login that is not one of ours (or none): rotation does not take it over. */
  | 'no-active-account'
  /** The active account is pinned. */
  | 'pinned'
  /** The active account is the right one. */
  | 'best'
  /** A switch is due but the minimum dwell time since the last switch has not passed. */
  | 'dwell'
  /** The active account should be left, but every other usable account is at or over the 5h threshold. */
  | 'no-eligible-target';

/** Fields every decision carries: the memory for the next call. */
interface DecisionMemory {
  /** Step-aside memory to pass back as `RotationInput.preferredId`. */
  readonly preferredId: string | null;
  /** True when the input pin points at an account that is no longer usable: the caller clears the pin. */
  readonly releasePin: boolean;
}

export interface StayDecision extends DecisionMemory {
  readonly kind: 'stay';
  readonly reason: StayReason;
  /** For `dwell` and `no-eligible-target`: the switch that is being held back. */
  readonly heldBack?: { readonly to: string | null; readonly trigger: RotationTrigger; readonly remainingMs: number | null };
  readonly figures: DecisionFigures;
}

export interface SwitchDecision extends DecisionMemory {
  readonly kind: 'switch';
  readonly from: string | null;
  readonly to: string;
  readonly trigger: RotationTrigger;
  /** Set for `velocity` switches. */
  readonly velocity?: VelocityProjection;
  /**
   * True when an over-long deferral is carried out despite a blocking session. Since a wall is never
   * waited at (`figures.deferralSkipped`), the policy no longer produces one; kept for the switcher.
   */
  readonly forced: boolean;
  readonly figures: DecisionFigures;
}

export interface DeferDecision extends DecisionMemory {
  readonly kind: 'defer';
  readonly from: string | null;
  readonly to: string;
  readonly trigger: RotationTrigger;
  readonly velocity?: VelocityProjection;
  /** The longest-blocking session. */
  readonly blockedBy: BlockingSession;
  readonly blockedCount: number;
  /** When this deferral began: carry it as `pendingDeferral.sinceMs`. */
  readonly sinceMs: number;
  readonly figures: DecisionFigures;
}

export interface AllExhaustedDecision extends DecisionMemory {
  readonly kind: 'all-exhausted';
  /** When the first exhausted account's 7d window resets; null when no reset time is known. */
  readonly nextAvailableAt: number | null;
  readonly nextAccountId: string | null;
  readonly figures: DecisionFigures;
}

export type RotationDecision = StayDecision | SwitchDecision | DeferDecision | AllExhaustedDecision;

/**
 * Which switch the rules call for right now, before dwell and deferral are applied (PRODUCT §2
 * "Choice", "Triggers", "Hysteresis"). Pure.
 *
 * Trigger precedence — each switch records exactly one, the first that applies:
 *   manual (a valid pin elsewhere) > token > exhaustion > breach > velocity > recovered > perishable.
 * A valid pin decides the target by itself, so the switch would happen even with a healthy active
 * account: `manual` is the honest reason. Without a pin, the urgent triggers rank by how completely
 * the active account has stopped serving: a dead token serves nothing, 7d at 100 % serves nothing
 * for days, 5h at the threshold still serves a little, a projection has not happened yet. The
 * non-urgent ones come last; `recovered` is the more specific of the two (the target is the account
 * we stepped aside from, which also resets sooner). A disabled active account is left with trigger
 * `manual` (the user's own action caused it; figures say `cause: active-disabled`).
 */
import { isAtOrNearWall, isSpent, WALL_NEAR_MS, type AccountView, type PolicyView } from './policy-view.js';
import type { DecisionFigures, RotationTrigger, StayReason, VelocityProjection } from './rotation-types.js';

/**
 * A non-urgent switch (`perishable`, `recovered`) needs the target's 7d window to reset at least
 * this much sooner than the active one's, so reset times that differ by polling noise or tie never
 * cause a switch.
 */
export const PERISHABLE_MIN_LEAD_MS = 60_000;

/**
 * The usable account (other than the active one) with the most 5h headroom, when the active account
 * is at (or within a reading of) 100 % of a window and no account is below the 5h threshold; null otherwise. Ties go to the
 * rotation order. Measured by `npm run bench:rotation`: without it an exhausted active account sat
 * out whole 5h windows while others still had 5–20 % left.
 */
export function pickLastResortTarget(view: PolicyView, active: AccountView, wallAheadMs = 0): AccountView | null {
  if (!isAtOrNearWall(active, Math.max(wallAheadMs, WALL_NEAR_MS))) return null;
  const candidates = view.usable.filter((v) => v.id !== active.id && v.fiveHourPct < 100 && !isAtOrNearWall(v));
  // Spent accounts last; then the most 5h headroom; then the rotation order.
  candidates.sort((a, b) => Number(isSpent(a)) - Number(isSpent(b)) || a.fiveHourPct - b.fiveHourPct || a.rank - b.rank);
  return candidates[0] ?? null;
}

export type Proposal =
  | {
      readonly kind: 'stay';
      readonly reason: StayReason;
      readonly heldBack?: { readonly to: string | null; readonly trigger: RotationTrigger; readonly remainingMs: number | null };
      readonly figures: DecisionFigures;
    }
  | {
      readonly kind: 'switch';
      readonly to: AccountView;
      readonly trigger: RotationTrigger;
      readonly velocity?: VelocityProjection;
      /** True when the minimum dwell does not apply (manual, or the active account cannot serve at all). */
      readonly dwellExempt: boolean;
      readonly figures: DecisionFigures;
    };

interface UrgentTrigger {
  readonly trigger: RotationTrigger;
  readonly velocity?: VelocityProjection;
  readonly cause?: string;
}

/** The switch a valid pin calls for: to the pinned account, whatever its figures (the user chose it). */
export function proposeManual(view: PolicyView, pinned: AccountView): Proposal {
  if (view.active?.id === pinned.id) return { kind: 'stay', reason: 'pinned', figures: { pinnedId: pinned.id } };
  return { kind: 'switch', to: pinned, trigger: 'manual', dwellExempt: true, figures: toFigures(view, pinned, 'manual', undefined, 'pin') };
}

/**
 * The switch the automatic rules call for, given the step-aside memory. `wallAheadMs` > 0 at a safe
 * moment (no session inside a tool call): an active account projected to reach 100 % of a window
 * within it is left now (`velocity`, figures `cause: wall-ahead`), since by the time it gets there
 * a tool call may be running.
 */
export function proposeAutomatic(view: PolicyView, preferredId: string | null, wallAheadMs = 0): Proposal {
  const active = view.active;
  if (!active) return { kind: 'stay', reason: 'no-active-account', figures: {} };
  const urgent = toUrgentTrigger(view, active, wallAheadMs);
  if (urgent) {
    // Last resort (the one exception to "never switch to an account over the 5h threshold"): when the
    // active account cannot serve at all (or soon will not), the account with the most 5h headroom still serves better.
    const target = pickUrgentTarget(view, active) ?? pickLastResortTarget(view, active, wallAheadMs);
    if (!target) {
      return {
        kind: 'stay',
        reason: 'no-eligible-target',
        heldBack: { to: null, trigger: urgent.trigger, remainingMs: null },
        figures: toFigures(view, null, urgent.trigger, urgent.velocity, urgent.cause),
      };
    }
    return {
      kind: 'switch',
      to: target,
      trigger: urgent.trigger,
      ...(urgent.velocity ? { velocity: urgent.velocity } : {}),
      // Waiting out the dwell is pointless when the wall comes first.
      dwellExempt: active.group === 'unusable' || isAtOrNearWall(active, Math.max(wallAheadMs, view.settings.minDwellMs, WALL_NEAR_MS)),
      figures: toFigures(view, target, urgent.trigger, urgent.velocity, urgent.cause),
    };
  }
  const better = pickSoonerTarget(view, active);
  if (!better) return { kind: 'stay', reason: 'best', figures: { activeId: active.id } };
  const trigger: RotationTrigger = better.id === preferredId ? 'recovered' : 'perishable';
  return { kind: 'switch', to: better, trigger, dwellExempt: false, figures: toFigures(view, better, trigger) };
}

/** Why the active account must be left now, in precedence order; null when it may stay. */
function toUrgentTrigger(view: PolicyView, active: AccountView, wallAheadMs: number): UrgentTrigger | null {
  if (active.group === 'unusable') {
    if (!active.account.tokenUsable || active.account.enabled) return { trigger: 'token' };
    return { trigger: 'manual', cause: 'active-disabled' };
  }
  if (active.sevenDayPct >= 100) return { trigger: 'exhaustion' };
  if (active.fiveHourPct >= view.settings.fiveHourThresholdPct) return { trigger: 'breach' };
  if (active.velocity) return { trigger: 'velocity', velocity: active.velocity };
  // Spent: the last percent of the week goes in a minute of work, most likely while some session runs a tool.
  if (wallAheadMs > 0 && isSpent(active)) return { trigger: 'exhaustion', cause: 'spent' };
  if (active.wall && active.wall.projectedMs <= wallAheadMs) return { trigger: 'velocity', velocity: active.wall, cause: 'wall-ahead' };
  return null;
}

/** True when rotation may land on the account at all: usable, not spent, and its 5h below the threshold. */
function isEligible(view: PolicyView, candidate: AccountView): boolean {
  return candidate.group === 'usable' && !isSpent(candidate) && candidate.fiveHourPct < view.settings.fiveHourThresholdPct;
}

/**
 * The first eligible account in order other than the active one, preferring one whose own samples
 * do not project a breach (so the next switch is not already due).
 */
function pickUrgentTarget(view: PolicyView, active: AccountView): AccountView | null {
  const eligible = view.usable.filter((v) => v.id !== active.id && isEligible(view, v));
  return eligible.find((v) => v.velocity === null) ?? eligible[0] ?? null;
}

/**
 * An account ahead of the active one in order that the active should yield to: eligible, its 5h
 * below threshold − hysteresis (so a switch back never lands on an account about to step aside
 * again), no projected breach, and a 7d reset sooner by at least {@link PERISHABLE_MIN_LEAD_MS}.
 */
function pickSoonerTarget(view: PolicyView, active: AccountView): AccountView | null {
  const { fiveHourThresholdPct, hysteresisPct } = view.settings;
  for (const candidate of view.usable) {
    if (candidate.id === active.id) return null;
    if (
      isEligible(view, candidate) &&
      candidate.fiveHourPct < fiveHourThresholdPct - hysteresisPct &&
      candidate.velocity === null &&
      resetsSooner(candidate, active)
    ) {
      return candidate;
    }
  }
  return null;
}

function resetsSooner(candidate: AccountView, active: AccountView): boolean {
  if (candidate.sevenDayResetsAtMs === null) return false;
  return active.sevenDayResetsAtMs === null || candidate.sevenDayResetsAtMs <= active.sevenDayResetsAtMs - PERISHABLE_MIN_LEAD_MS;
}

/** The numbers behind a proposal, for the event log. */
export function toFigures(
  view: PolicyView,
  target: AccountView | null,
  trigger: RotationTrigger,
  velocity?: VelocityProjection,
  cause?: string,
): DecisionFigures {
  const from = view.active;
  return {
    trigger,
    fromId: from?.id ?? null,
    toId: target?.id ?? null,
    fromSevenDayPct: from ? round(from.sevenDayPct) : null,
    fromFiveHourPct: from ? round(from.fiveHourPct) : null,
    fromSevenDayResetsAtMs: from?.sevenDayResetsAtMs ?? null,
    toSevenDayPct: target ? round(target.sevenDayPct) : null,
    toFiveHourPct: target ? round(target.fiveHourPct) : null,
    toSevenDayResetsAtMs: target?.sevenDayResetsAtMs ?? null,
    fiveHourThresholdPct: view.settings.fiveHourThresholdPct,
    ...(velocity
      ? {
          velocityWindow: velocity.window,
          projectedMs: Math.round(velocity.projectedMs),
          slopePctPerHour: round(velocity.slopePctPerHour),
          sampleCount: velocity.sampleCount,
        }
      : {}),
    ...(cause ? { cause } : {}),
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

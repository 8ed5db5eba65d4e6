/**
 * The rotation policy (PRODUCT §2) as one pure function: the fleet, the live sessions and the
 * memory of earlier decisions in; one tagged decision out. The switcher applies it.
 *
 * Steps: no usable account → `all-exhausted` (or `stay` when nothing is even exhausted); a valid pin
 * → `manual`; otherwise the automatic rules (`propose-switch.ts`). A proposed switch then passes
 * the minimum dwell (automatic switches only, waived when the active account is at or about to hit
 * 100 % of a window or cannot serve at all) and the mid-turn deferral: a tool call holds a switch
 * while the active account is below 100 % of both windows, whatever the projected wall (waiting
 * costs the other sessions at most one reading at the wall, a switch below 100 % could break the
 * next request of the session in the call; measured in README "How rotation works"), and never once
 * a reading shows it at 100 %.
 *
 * Switch ahead: with no session inside a tool call (a safe moment), the velocity horizons are
 * lengthened by the observed tool-call margin (`toolCallMarginMs`), so a breach that would come
 * during the next tool call is avoided now rather than deferred then.
 */
import { isAtFullWindow, toPolicyView, type PolicyView } from './policy-view.js';
import { proposeAutomatic, proposeManual, type Proposal } from './propose-switch.js';
import { likelyHoldMs, toolCallMarginMs } from './tool-calls.js';
import type { BlockingSession } from '../sessions/session-states.js';
import type { LastSwitch, RotationDecision, RotationInput, RotationTrigger, VelocityProjection } from './rotation-types.js';

/** Decides what rotation does now. Pure: same input, same decision. */
export function decideRotation(input: RotationInput): RotationDecision {
  const blocking = input.settings.deferralMode === 'never' ? [] : input.sessions.blocking;
  const recentToolCallMs = input.sessions.recentToolCallMs ?? [];
  const aheadMs = toolCallMarginMs(recentToolCallMs);
  const view = toPolicyView(input.accounts, input.activeAccountId, input.nowMs, input.settings, aheadMs);
  const pinned = input.pin ? view.byId.get(input.pin.accountId) : undefined;
  const pinHolds = pinned !== undefined && pinned.group === 'usable';
  const releasePin = input.pin !== null && !pinHolds;
  const preferredIn = input.preferredId ?? null;
  const memory = (landing: Landing | null) => ({ preferredId: nextPreferredId(view, preferredIn, landing), releasePin });

  if (view.ordered.length === 0) return { kind: 'stay', reason: 'no-accounts', figures: {}, ...memory(null) };
  if (view.usable.length === 0) return decideNoneUsable(view, memory(null));

  const wallAheadMs = aheadMs + WALL_READING_LAG_MS;
  const proposal: Proposal = pinHolds ? proposeManual(view, pinned) : proposeAutomatic(view, preferredIn, wallAheadMs);
  if (proposal.kind === 'stay') return { ...proposal, ...memory(null) };

  const { to, trigger, velocity } = proposal;
  if (!proposal.dwellExempt) {
    const remainingMs = dwellRemainingMs(input.lastSwitch, input.nowMs, input.settings.minDwellMs);
    if (remainingMs > 0) {
      return {
        kind: 'stay',
        reason: 'dwell',
        heldBack: { to: to.id, trigger, remainingMs },
        figures: { ...proposal.figures, dwellRemainingMs: remainingMs },
        ...memory(null),
      };
    }
  }

  const from = view.active?.id ?? null;
  const landing: Landing = { to: to.id, trigger, velocity };
  const velocityField = velocity ? { velocity } : {};
  const blockedBy = longestBlocking(blocking);
  if (blockedBy) {
    const sinceMs = input.pendingDeferral?.sinceMs ?? input.nowMs;
    const deferredMs = input.nowMs - sinceMs;
    const holdMs = likelyHoldMs(blocking, input.nowMs, recentToolCallMs);
    const wallInMs = view.active?.wallInMs ?? null;
    const figures = {
      ...proposal.figures,
      deferredMs,
      blockingSessionId: blockedBy.sessionId,
      blockedCount: blocking.length,
      likelyHoldMs: Math.round(holdMs),
      wallInMs: wallInMs === null ? null : Math.round(wallInMs),
    };
    // No deferral at a wall: every request on the active account fails while it waits, so a switch
    // now cannot break the next request of the session in the tool call. Below 100 % it could: wait.
    if (view.active !== null && isAtFullWindow(view.active)) {
      return {
        kind: 'switch',
        from,
        to: to.id,
        trigger,
        ...velocityField,
        forced: false,
        figures: { ...figures, deferralSkipped: 'at-limit' },
        ...memory(landing),
      };
    }
    return {
      kind: 'defer',
      from,
      to: to.id,
      trigger,
      ...velocityField,
      blockedBy,
      blockedCount: blocking.length,
      sinceMs,
      figures,
      ...memory(null),
    };
  }
  return { kind: 'switch', from, to: to.id, trigger, ...velocityField, forced: false, figures: proposal.figures, ...memory(landing) };
}

/**
 * A deferral is not worth it when the active account is projected to reach 100 % within the likely
 * hold plus this much: one statusline reading (whole percents, about a minute apart) can show the
 * wall this late.
 */
export const WALL_READING_LAG_MS = 60_000;

/** No usable account: `all-exhausted` with the first comeback when some are merely exhausted. */
function decideNoneUsable(view: PolicyView, memory: { preferredId: string | null; releasePin: boolean }): RotationDecision {
  const exhausted = view.ordered.filter((v) => v.group === 'exhausted');
  if (exhausted.length === 0) {
    return { kind: 'stay', reason: 'no-usable-account', figures: { accountCount: view.ordered.length }, ...memory };
  }
  // Exhausted accounts are ordered by comeback time (unknown last), so the first is the next back.
  const next = exhausted[0];
  const nextAvailableAt = next?.sevenDayResetsAtMs ?? null;
  return {
    kind: 'all-exhausted',
    nextAvailableAt,
    nextAccountId: nextAvailableAt === null ? null : (next?.id ?? null),
    figures: { exhaustedCount: exhausted.length, nextAvailableAt },
    ...memory,
  };
}

/**
 * Time left of the minimum dwell since the last switch; 0 when it has passed. A last switch more
 * than one dwell *in the future* means the clock jumped back: the dwell is then taken as served,
 * so a backward jump cannot freeze rotation for hours.
 */
export function dwellRemainingMs(lastSwitch: LastSwitch | null, nowMs: number, minDwellMs: number): number {
  if (!lastSwitch) return 0;
  const remainingMs = lastSwitch.atMs + minDwellMs - nowMs;
  if (remainingMs <= 0 || remainingMs > 2 * minDwellMs) return 0;
  return remainingMs;
}

function longestBlocking(blocking: readonly BlockingSession[]): BlockingSession | null {
  let oldest: BlockingSession | null = null;
  for (const session of blocking) if (!oldest || session.sinceMs < oldest.sinceMs) oldest = session;
  return oldest;
}

/** A switch being carried out by this decision. */
interface Landing {
  readonly to: string;
  readonly trigger: RotationTrigger;
  readonly velocity: VelocityProjection | undefined;
}

/**
 * The step-aside memory after this decision. A step-aside for the 5h window (`breach`, 5h
 * `velocity`) remembers the account left — unless an account earlier in the order is remembered
 * already (a second step-aside keeps the first). The memory is dropped once rotation lands on it,
 * or when it stops being usable or stops being ahead of the active account in the order.
 */
function nextPreferredId(view: PolicyView, preferredIn: string | null, landing: Landing | null): string | null {
  let preferred = preferredIn;
  const active = view.active;
  if (landing && active) {
    const fiveHourStepAside = landing.trigger === 'breach' || (landing.trigger === 'velocity' && landing.velocity?.window === '5h');
    const remembered = preferred === null ? undefined : view.byId.get(preferred);
    if (fiveHourStepAside && (!remembered || remembered.rank > active.rank)) preferred = active.id;
  }
  if (preferred === null) return null;
  const candidate = view.byId.get(preferred);
  const newActiveId = landing?.to ?? active?.id ?? null;
  const newActive = newActiveId === null ? undefined : view.byId.get(newActiveId);
  if (!candidate || candidate.group !== 'usable' || candidate.id === newActiveId) return null;
  if (newActive && newActive.group === 'usable' && candidate.rank > newActive.rank) return null;
  return preferred;
}

/**
 * The fleet as the policy sees it at one instant: accounts in rotation order with their effective
 * figures (a passed reset counts as reset) and any projected breach. Pure.
 */
import type { UsageWindow } from '../anthropic/api-types.js';
import { toEffectiveWindow } from '../usage/effective-window.js';
import { toRotationOrder } from '../fleet/rotation-order.js';
import type { OrderGroup } from '../../shared/view-model.js';
import type { PolicyAccount, RotationSettings, UsageSample, VelocityProjection } from './rotation-types.js';
import { fitVelocity, projectFromFit, type PctPoint, type VelocityFit } from './velocity.js';

/** One account with the figures every rule reads. */
export interface AccountView {
  readonly account: PolicyAccount;
  readonly id: string;
  readonly group: OrderGroup;
  /** 0-based place in the rotation order. */
  readonly rank: number;
  /** Effective 7d %, unknown counted as 0. */
  readonly sevenDayPct: number;
  readonly sevenDayResetsAtMs: number | null;
  /** Effective 5h %, unknown or no open window counted as 0. */
  readonly fiveHourPct: number;
  readonly fiveHourResetsAtMs: number | null;
  /** The soonest projected breach within the velocity horizons; null when none. */
  readonly velocity: VelocityProjection | null;
  /**
   * Time until the account is projected to reach 100 % of a window at the recent pace, whatever
   * the horizon; 0 when it reads 100 % already; null when no window is projected to fill before it
   * resets. The wall that every request on the account fails at.
   */
  readonly wallInMs: number | null;
  /** The projection behind `wallInMs` (the window that fills first); null at 100 % already or without one. */
  readonly wall: VelocityProjection | null;
  /**
   * True for a spent week (7d ≥ {@link SPENT_SEVEN_DAY_PCT}) that resets within
   * {@link USE_UP_BEFORE_RESET_MS}: what is left would expire unused, so it is run to its limit —
   * it counts as not spent, and its 7d projections (velocity, wall) are ignored.
   */
  readonly usingUp: boolean;
}

export interface PolicyView {
  readonly nowMs: number;
  readonly settings: RotationSettings;
  /** All accounts in rotation order. */
  readonly ordered: readonly AccountView[];
  readonly usable: readonly AccountView[];
  readonly byId: ReadonlyMap<string, AccountView>;
  /** The active account when it is one of ours; null otherwise. */
  readonly active: AccountView | null;
}

/** Builds the policy's view of the fleet at `nowMs`. */
export function toPolicyView(
  accounts: readonly PolicyAccount[],
  activeAccountId: string | null,
  nowMs: number,
  settings: RotationSettings,
  aheadMs = 0,
): PolicyView {
  // Switching ahead at a safe moment looks `aheadMs` further than the velocity settings say.
  const horizons = {
    ...settings,
    velocitySevenDayHorizonMs: settings.velocitySevenDayHorizonMs + aheadMs,
    velocityFiveHourHorizonMs: settings.velocityFiveHourHorizonMs + aheadMs,
  };
  const ordered = toRotationOrder(accounts, nowMs).map(({ account, group }, rank) =>
    toAccountView(account, group, rank, nowMs, horizons, account.id === activeAccountId),
  );
  const byId = new Map(ordered.map((v) => [v.id, v]));
  return {
    nowMs,
    settings,
    ordered,
    usable: ordered.filter((v) => v.group === 'usable'),
    byId,
    active: activeAccountId === null ? null : (byId.get(activeAccountId) ?? null),
  };
}

function toAccountView(
  account: PolicyAccount,
  group: OrderGroup,
  rank: number,
  nowMs: number,
  settings: RotationSettings,
  isActive: boolean,
): AccountView {
  const sevenDay = toEffectiveWindow(account.sevenDay, nowMs);
  const fiveHour = toEffectiveWindow(account.fiveHour, nowMs);
  const base = {
    account,
    id: account.id,
    group,
    rank,
    sevenDayPct: sevenDay?.utilizationPct ?? 0,
    sevenDayResetsAtMs: sevenDay?.resetsAtMs ?? null,
    fiveHourPct: fiveHour?.utilizationPct ?? 0,
    fiveHourResetsAtMs: fiveHour?.resetsAtMs ?? null,
  };
  const usingUp =
    base.sevenDayPct >= SPENT_SEVEN_DAY_PCT &&
    base.sevenDayPct < 100 &&
    base.sevenDayResetsAtMs !== null &&
    base.sevenDayResetsAtMs - nowMs <= USE_UP_BEFORE_RESET_MS;
  const sevenDayPoints = usingUp ? [] : toPoints(account.samples, 'sevenDayPct', passedResetMs(account.sevenDay, nowMs));
  const fiveHourPoints = toPoints(account.samples, 'fiveHourPct', passedResetMs(account.fiveHour, nowMs));
  const fits: Fits = {
    sevenDay: fitVelocity(sevenDayPoints, nowMs, settings.velocityLookbackMs),
    fiveHour: fitVelocity(fiveHourPoints, nowMs, settings.velocityLookbackMs),
  };
  // The wall looks at a shorter, fresher stretch than velocity: an account just switched to has parked (flat) readings before it.
  // Only the account in use moves towards its wall: a parked one's recent climb is from before it was left.
  const wallFits: Fits = isActive
    ? { sevenDay: fitVelocity(sevenDayPoints, nowMs, WALL_LOOKBACK_MS), fiveHour: fitVelocity(fiveHourPoints, nowMs, WALL_LOOKBACK_MS) }
    : { sevenDay: null, fiveHour: null };
  const wall = toWall(wallFits, base, nowMs);
  const atWall = base.sevenDayPct >= 100 || base.fiveHourPct >= 100;
  return {
    ...base,
    velocity: toVelocity(fits, base, nowMs, settings),
    wallInMs: atWall ? 0 : (wall?.projectedMs ?? null),
    wall: atWall ? null : wall,
    usingUp,
  };
}

interface Fits {
  readonly sevenDay: VelocityFit | null;
  readonly fiveHour: VelocityFit | null;
}

interface WindowFigures {
  readonly sevenDayPct: number;
  readonly sevenDayResetsAtMs: number | null;
  readonly fiveHourPct: number;
  readonly fiveHourResetsAtMs: number | null;
}

/** The sooner of the two windows' projected reach of 100 % (before their resets), whatever the horizon. */
function toWall(fits: Fits, figures: WindowFigures, nowMs: number): VelocityProjection | null {
  const wallOf = (window: '7d' | '5h', fit: VelocityFit | null, resetsAtMs: number | null) =>
    projectFromFit({ window, fit, nowMs, targetPct: 100, horizonMs: Infinity, resetsAtMs });
  const sevenDay = wallOf('7d', fits.sevenDay, figures.sevenDayResetsAtMs);
  const fiveHour = wallOf('5h', fits.fiveHour, figures.fiveHourResetsAtMs);
  if (sevenDay && fiveHour) return fiveHour.projectedMs < sevenDay.projectedMs ? fiveHour : sevenDay;
  return sevenDay ?? fiveHour;
}

/** The sooner of the 7d and 5h projected breaches within their horizons (7d on a tie). */
function toVelocity(fits: Fits, figures: WindowFigures, nowMs: number, settings: RotationSettings): VelocityProjection | null {
  const sevenDay = projectFromFit({
    window: '7d',
    fit: fits.sevenDay,
    nowMs,
    targetPct: 100,
    horizonMs: settings.velocitySevenDayHorizonMs,
    resetsAtMs: figures.sevenDayResetsAtMs,
  });
  const fiveHour = projectFromFit({
    window: '5h',
    fit: fits.fiveHour,
    nowMs,
    targetPct: settings.fiveHourThresholdPct,
    horizonMs: settings.velocityFiveHourHorizonMs,
    resetsAtMs: figures.fiveHourResetsAtMs,
  });
  if (sevenDay && fiveHour) return fiveHour.projectedMs < sevenDay.projectedMs ? fiveHour : sevenDay;
  return sevenDay ?? fiveHour;
}

/**
 * The reset time of a window that has reset since it was last read; samples from before it belong
 * to the old window (no sample after the reset may show the drop yet). -Infinity otherwise.
 */
function passedResetMs(window: UsageWindow | null, nowMs: number): number {
  return window?.resetsAtMs != null && window.resetsAtMs <= nowMs ? window.resetsAtMs : -Infinity;
}

function toPoints(samples: readonly UsageSample[], key: 'sevenDayPct' | 'fiveHourPct', fromMs: number): PctPoint[] {
  const points: PctPoint[] = [];
  for (const s of samples) {
    const pct = s[key];
    if (pct !== null && s.atMs >= fromMs) points.push({ atMs: s.atMs, pct });
  }
  return points;
}

/** True when the account is at 100 % of either window: it cannot serve a request at all. */
export function isAtFullWindow(view: AccountView): boolean {
  return view.sevenDayPct >= 100 || view.fiveHourPct >= 100;
}

/** How far back the wall projection looks: the pace of the last few readings. */
export const WALL_LOOKBACK_MS = 10 * 60_000;

/** How close a projected wall counts as reached: about one statusline reading (a minute apart, whole percents). */
export const WALL_NEAR_MS = 60_000;

/**
 * True when the account is at 100 % of a window or projected to get there within {@link WALL_NEAR_MS}:
 * a reading a minute later would already show it refusing requests.
 */
export function isAtOrNearWall(view: AccountView, nearMs = WALL_NEAR_MS): boolean {
  return isAtFullWindow(view) || (view.wallInMs !== null && view.wallInMs <= nearMs);
}

/**
 * A 7d window this full is spent: the little left is kept as a last resort (for when every other
 * account is at its limit or over its 5h threshold) instead of being switched back to, which would
 * only run into the limit again, most likely in the middle of a tool call.
 */
export const SPENT_SEVEN_DAY_PCT = 99;

export function isSpent(view: AccountView): boolean {
  return view.sevenDayPct >= SPENT_SEVEN_DAY_PCT && !view.usingUp;
}

/**
 * How close to its weekly reset a spent week is used up after all. Measured by
 * `npm run bench:rotation -- --sweep`: kept as a last resort to the end, the last percent of a
 * spent week expired unused in 3 of 20 cells, more than either baseline leaves.
 */
export const USE_UP_BEFORE_RESET_MS = 24 * 60 * 60_000;

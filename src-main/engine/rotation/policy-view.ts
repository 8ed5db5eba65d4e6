/**
 * The fleet as the policy sees it at one instant: accounts in rotation order with their effective
 * figures (a passed reset counts as reset) and any projected breach. Pure.
 */
import type { UsageWindow } from '../anthropic/api-types.js';
import { toEffectiveWindow } from '../usage/effective-window.js';
import { toRotationOrder } from '../fleet/rotation-order.js';
import type { OrderGroup } from '../../shared/view-model.js';
import type { PolicyAccount, RotationSettings, UsageSample, VelocityProjection } from './rotation-types.js';
import { projectBreach, type PctPoint } from './velocity.js';

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
): PolicyView {
  const ordered = toRotationOrder(accounts, nowMs).map(({ account, group }, rank) => toAccountView(account, group, rank, nowMs, settings));
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

function toAccountView(account: PolicyAccount, group: OrderGroup, rank: number, nowMs: number, settings: RotationSettings): AccountView {
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
  return { ...base, velocity: toVelocity(account, base, nowMs, settings) };
}

/** The sooner of the 7d and 5h projected breaches within their horizons (7d on a tie). */
function toVelocity(
  account: PolicyAccount,
  figures: { readonly sevenDayResetsAtMs: number | null; readonly fiveHourResetsAtMs: number | null },
  nowMs: number,
  settings: RotationSettings,
): VelocityProjection | null {
  const sevenDay = projectBreach({
    window: '7d',
    points: toPoints(account.samples, 'sevenDayPct', passedResetMs(account.sevenDay, nowMs)),
    nowMs,
    lookbackMs: settings.velocityLookbackMs,
    targetPct: 100,
    horizonMs: settings.velocitySevenDayHorizonMs,
    resetsAtMs: figures.sevenDayResetsAtMs,
  });
  const fiveHour = projectBreach({
    window: '5h',
    points: toPoints(account.samples, 'fiveHourPct', passedResetMs(account.fiveHour, nowMs)),
    nowMs,
    lookbackMs: settings.velocityLookbackMs,
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

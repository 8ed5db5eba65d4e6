/** The replay panel's choices as the `replay` command's arguments. Pure. */
import type { ReplayPlan, ReplayQuery } from '../../src-main/shared/replay-view.js';

export const REPLAY_PERIOD_DAYS = [7, 14, 28, 35] as const;
export const ACCOUNT_CHANGES = [-2, -1, 0, 1, 2, 3] as const;

export interface ReplayChoices {
  readonly days: number;
  /** Null: as today. */
  readonly fiveHourThresholdPct: number | null;
  readonly dwellMin: number | null;
  readonly accountsDelta: number;
  readonly addPlan: ReplayPlan;
}

/** The command's arguments: the period ending at `nowMs`, and only what differs from today. */
export function toReplayQuery(choices: ReplayChoices, nowMs: number): ReplayQuery {
  return {
    fromMs: Math.max(0, Math.round(nowMs - choices.days * 86_400_000)),
    ...(choices.fiveHourThresholdPct !== null ? { fiveHourThresholdPct: choices.fiveHourThresholdPct } : {}),
    ...(choices.dwellMin !== null ? { minDwellMs: Math.round(choices.dwellMin * 60_000) } : {}),
    ...(choices.accountsDelta !== 0 ? { accountsDelta: choices.accountsDelta } : {}),
    ...(choices.accountsDelta > 0 ? { addPlan: choices.addPlan } : {}),
  };
}

/** "+1 account", "−2 accounts", "as today". */
export function accountChangeName(delta: number): string {
  if (delta === 0) return 'as today';
  const n = Math.abs(delta);
  return `${delta > 0 ? '+' : '−'}${n} account${n === 1 ? '' : 's'}`;
}

/**
 * The dashboard's reading of the rotation (PRODUCT §2) from a snapshot: who is next in line and
 * why, and who is stepped aside. It explains what the engine decided; it decides nothing.
 */
import { formatDuration } from '../../src-main/shared/format.js';
import type { AccountRow, FleetSnapshot } from '../../src-main/shared/view-model.js';
import { formatPct } from './format.js';

/** The words for each switch trigger (PRODUCT §2 "Triggers"). */
export const TRIGGER_TEXT: Readonly<Record<string, string>> = {
  exhaustion: 'the active account reached 100 % of its 7-day window',
  breach: "the active account's 5-hour usage reached the threshold",
  velocity: 'usage was on course to hit a limit within minutes',
  perishable: "another account's 7-day window resets sooner, so its quota would be lost first",
  recovered: 'back to the preferred account after its 5-hour step-aside',
  manual: 'you chose the account',
  token: "the active account's token died and could not be refreshed",
};

/** A trigger in words; unknown triggers are shown as they are. */
export function describeTrigger(trigger: string): string {
  return TRIGGER_TEXT[trigger] ?? trigger;
}

/** The name shown for an account: its label when set, else its email. */
export function accountName(row: Pick<AccountRow, 'email' | 'label'>): string {
  return row.label ?? row.email;
}

/**
 * The account rotation would move to next, as the engine publishes it (`snapshot.nextInLine`: the
 * target of a deferred switch, else the first account rotation may land on); null when none.
 */
export function toNextInLine(snapshot: FleetSnapshot): AccountRow | null {
  const next = snapshot.nextInLine;
  return next === null ? null : (snapshot.accounts.find((row) => row.id === next.accountId) ?? null);
}

/** Usable accounts ahead of the active one that sit out because their 5h is over the threshold. */
export function toSteppedAside(snapshot: FleetSnapshot): AccountRow[] {
  const threshold = snapshot.settings.fiveHourThresholdPct;
  const activeIndex = snapshot.accounts.findIndex((row) => row.active);
  if (activeIndex < 0) return [];
  return snapshot.accounts
    .slice(0, activeIndex)
    .filter((row) => row.orderGroup === 'usable' && row.enabled && (row.fiveHour.utilizationPct ?? 0) >= threshold);
}

/** One sentence saying why the next-in-line account is next. */
export function explainNext(snapshot: FleetSnapshot, nowMs: number): string {
  const next = toNextInLine(snapshot);
  if (next === null) {
    const back = snapshot.accounts
      .filter((row) => row.orderGroup === 'exhausted' && row.sevenDay.resetsAtMs !== null)
      .map((row) => row.sevenDay.resetsAtMs as number)
      .sort((a, b) => a - b)[0];
    return back === undefined
      ? 'No other account can take over right now.'
      : `No other account can take over right now; the first exhausted account comes back in ${formatDuration(back - nowMs)}.`;
  }
  if (next.sevenDay.resetsAtMs === null) {
    return `${accountName(next)} is next in line: it can take over, but its 7-day window has not been read yet.`;
  }
  const resets = formatDuration(next.sevenDay.resetsAtMs - nowMs);
  return (
    `${accountName(next)} is next: among the accounts that can take over, its 7-day window resets soonest ` +
    `(in ${resets}, at ${formatPct(next.sevenDay.utilizationPct)}), and its 5-hour usage ` +
    `(${formatPct(next.fiveHour.utilizationPct)}) is under the ${snapshot.settings.fiveHourThresholdPct}% threshold.`
  );
}

/** One sentence saying why the active account is active (or that none is). */
export function explainActive(snapshot: FleetSnapshot): string {
  const active = snapshot.accounts.find((row) => row.active);
  if (!active) return 'No account is active: Claude Code holds no login this monitor knows.';
  const why =
    snapshot.lastSwitch && snapshot.lastSwitch.toId === active.id
      ? ` It took over because ${describeTrigger(snapshot.lastSwitch.trigger)}.`
      : '';
  const paused = snapshot.paused ? ' Rotation is paused, so it stays until you resume.' : '';
  return `${accountName(active)} is active (7d ${formatPct(active.sevenDay.utilizationPct)}, 5h ${formatPct(active.fiveHour.utilizationPct)}).${why}${paused}`;
}

/** Sentences about what rotation is doing right now (pin, deferred switch, all exhausted, last decision). */
export function explainRotationState(snapshot: FleetSnapshot, nowMs: number): string[] {
  const rotation = snapshot.rotation;
  if (!rotation) return [];
  const name = (id: string | null) => {
    const row = id === null ? undefined : snapshot.accounts.find((r) => r.id === id);
    return row ? accountName(row) : 'an account';
  };
  const lines: string[] = [];
  if (rotation.pinnedAccountId !== null) {
    lines.push(`Pinned to ${name(rotation.pinnedAccountId)} by you: rotation stays there until it becomes unusable.`);
  }
  const pending = rotation.pendingSwitch;
  if (pending) {
    const blocker = pending.blockedBySessionId === null ? 'a session' : `session ${pending.blockedBySessionId.slice(0, 8)}`;
    const tool = pending.blockedByTool === null ? '' : ` (${pending.blockedByTool})`;
    lines.push(
      `A switch to ${name(pending.toId)} (${pending.trigger}) has waited ${formatDuration(nowMs - pending.sinceMs)} for ${blocker}${tool} to finish.`,
    );
  }
  if (rotation.allExhausted) {
    const at = rotation.allExhausted.nextAvailableAtMs;
    lines.push(
      at === null
        ? 'Every account is exhausted.'
        : `Every account is exhausted; ${name(rotation.allExhausted.nextAccountId)} comes back in ${formatDuration(at - nowMs)}.`,
    );
  }
  if (rotation.lastDecision) lines.push(`Last decision: ${rotation.lastDecision}.`);
  return lines;
}

/** A rotation decision in a few words, for the snapshot ("How rotation works") and logs. */
import { formatDuration } from '../../shared/format.js';
import type { RotationDecision, StayReason } from './rotation-types.js';

const STAY_TEXT: Record<StayReason, string> = {
  'no-accounts': 'no accounts yet',
  'no-usable-account': 'no account can be used (disabled or needing a login)',
  'no-active-account': 'Claude Code holds a login that is not one of these accounts',
  pinned: 'staying on the pinned account',
  best: 'staying: the active account is the right one',
  dwell: 'waiting: minimum time between switches',
  'no-eligible-target': 'staying: every other account is over its 5-hour threshold',
};

/** E.g. `waiting: minimum time between switches, 3m left (breach → b@x)`. */
export function describeDecision(decision: RotationDecision, nowMs: number, emailOf: (id: string | null) => string): string {
  switch (decision.kind) {
    case 'stay': {
      const held = decision.heldBack;
      const left = held?.remainingMs ? `, ${formatDuration(held.remainingMs)} left` : '';
      return `${STAY_TEXT[decision.reason]}${left}${held ? ` (${held.trigger}${held.to ? ` → ${emailOf(held.to)}` : ''})` : ''}`;
    }
    case 'switch':
      return `switching to ${emailOf(decision.to)} (${decision.trigger})`;
    case 'defer':
      return (
        `waiting for session ${decision.blockedBy.sessionId.slice(0, 8)} to finish ` +
        `before switching to ${emailOf(decision.to)} (${decision.trigger})`
      );
    case 'all-exhausted':
      return decision.nextAvailableAt !== null
        ? `every account is exhausted; ${emailOf(decision.nextAccountId)} ` +
            `comes back in ${formatDuration(Math.max(0, decision.nextAvailableAt - nowMs))}`
        : 'every account is exhausted';
  }
}

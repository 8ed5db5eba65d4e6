/** Switch reasons in a user's words, for the event log, notifications and the dashboard. */
import { formatDuration } from '../../shared/format.js';
import type { DecisionFigures, RotationTrigger, VelocityProjection } from './switch-types.js';

export interface SwitchDescription {
  readonly fromId: string | null;
  readonly toId: string;
  readonly trigger: RotationTrigger;
  readonly figures: DecisionFigures;
  readonly velocity?: VelocityProjection;
}

const pct = (value: unknown): string => (typeof value === 'number' ? `${Math.round(value)}%` : '?');
const thresholdNote = (thresholdPct: unknown): string => (typeof thresholdPct === 'number' ? ` (threshold ${thresholdPct}%)` : '');

/** `Switched from a@x to b@y: a@x reached 80% of its 5-hour limit.` */
export function describeSwitch(s: SwitchDescription, emailOf: (id: string | null) => string): string {
  const from = emailOf(s.fromId);
  const to = emailOf(s.toId);
  return `Switched from ${from} to ${to}: ${reasonText(s, from, to)}.`;
}

/** The reason alone: `its 5-hour usage reached 82% (threshold 80%)`. */
export function reasonText(s: SwitchDescription, from: string, to: string): string {
  const f = s.figures;
  switch (s.trigger) {
    case 'exhaustion':
      return `${from} used its whole 7-day quota`;
    case 'breach':
      return `${from}'s 5-hour usage reached ${pct(f.fromFiveHourPct)}${thresholdNote(f.fiveHourThresholdPct)}`;
    case 'velocity':
      return s.velocity
        ? `${from} is on course to hit its ${s.velocity.window === '7d' ? '7-day limit' : '5-hour threshold'} ` +
            `in ${formatDuration(s.velocity.projectedMs)}`
        : `${from} is on course to hit its limit soon`;
    case 'perishable':
      return `${to}'s weekly quota resets sooner, so it is used first before it expires unused`;
    case 'recovered':
      return `${to}'s 5-hour window has recovered, so rotation goes back to it`;
    case 'manual':
      return f.cause === 'active-disabled' ? `you disabled ${from}` : `you chose ${to}`;
    case 'token':
      return `${from}'s login no longer works`;
  }
}

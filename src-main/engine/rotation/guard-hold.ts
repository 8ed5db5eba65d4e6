/**
 * The rotation loop's strategy while Claude Code's session-owner guard is on (issue 9 item 2): a
 * switch would stop every running interactive session at "This session belongs to another
 * account", so a switch waits until no session a swap reaches is alive — or until the user says
 * "switch now" (and answers the prompt in their sessions). One `rotation-held` event per hold.
 */
import type { GuardHoldView } from '../../shared/view-model.js';
import type { EngineEvents } from '../engine-events.js';
import type { Clock } from '../ports.js';

export interface GuardHoldDeps {
  readonly clock: Clock;
  readonly events: EngineEvents;
  /** True while the guard flag is on in a known Claude Code config. */
  readonly guardOn: () => boolean;
  /** Live sessions a swap reaches (sessions whose login an override sets do not count). */
  readonly liveSessions: () => number;
  readonly emailOf: (id: string | null) => string;
}

export interface GuardHold {
  /** Asked before a due switch (or deferral) to `to` is carried out: true when it must wait. */
  holds(switchDue: { readonly from: string | null; readonly to: string; readonly trigger: string }): boolean;
  /** No switch is due any more, or one was carried out: the hold and any "switch now" end. */
  clear(): void;
  /** The user accepted "switch now": the held switch goes through despite running sessions. False when none is held. */
  allowOnce(): boolean;
  view(): GuardHoldView | null;
}

export function createGuardHold(deps: GuardHoldDeps): GuardHold {
  let hold: GuardHoldView | null = null;
  let allowed = false;

  return {
    holds({ from, to, trigger }) {
      if (allowed || !deps.guardOn()) {
        hold = null;
        return false;
      }
      const sessionCount = deps.liveSessions();
      if (sessionCount === 0) {
        hold = null;
        return false;
      }
      if (hold?.toId !== to) {
        deps.events.emit(
          'rotation-held',
          'warn',
          `Holding the switch from ${deps.emailOf(from)} to ${deps.emailOf(to)}: Claude Code's session-owner guard is on, ` +
            `and ${sessionCount} running session${sessionCount === 1 ? '' : 's'} would stop at "This session belongs to another account". ` +
            'It happens when they end, or choose "Switch now" and answer the prompt in them.',
          to,
          { trigger, sessionCount },
        );
        hold = { toId: to, trigger, sinceMs: deps.clock.now(), sessionCount };
      } else if (hold.sessionCount !== sessionCount) {
        hold = { ...hold, sessionCount };
      }
      return true;
    },
    clear() {
      hold = null;
      allowed = false;
    },
    allowOnce() {
      if (!hold) return false;
      allowed = true;
      return true;
    },
    view: () => hold,
  };
}

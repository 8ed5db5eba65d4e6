/**
 * Claude Code's session-owner guard in words, for the dashboard banner, the tray and `status`
 * (issue 9 item 2), and why a session cannot be rotated (item 3). Pure; shared by the engine's faces
 * and the renderer.
 */
import type { LoginOverride } from './heartbeat-protocol.js';
import type { FleetSnapshot } from './view-model.js';

export interface GuardNotice {
  readonly headline: string;
  readonly detail: string;
  /** Set while a switch is held: the account it would switch to and how many sessions it waits for. */
  readonly held: { readonly toName: string; readonly sessionCount: number } | null;
}

type GuardSnapshot = Pick<FleetSnapshot, 'sessionOwnerGuard' | 'rotation' | 'accounts'>;

const sessions = (n: number): string => `${n} Claude Code session${n === 1 ? '' : 's'}`;

function nameOf(snapshot: GuardSnapshot, id: string): string {
  const row = snapshot.accounts.find((a) => a.id === id);
  return row ? (row.label ?? row.email) : id;
}

/** What to tell the user while the guard is on; null while it is off. */
export function toGuardNotice(snapshot: GuardSnapshot): GuardNotice | null {
  if (!snapshot.sessionOwnerGuard?.on) return null;
  const hold = snapshot.rotation?.guardHold ?? null;
  const headline = "Claude Code's session-owner guard is on";
  if (!hold) {
    return {
      headline,
      detail:
        'A running Claude Code session stops at "This session belongs to another account" when its login changes account, ' +
        'so switches wait until no session is running.',
      held: null,
    };
  }
  const toName = nameOf(snapshot, hold.toId);
  return {
    headline,
    detail:
      `The switch to ${toName} is held while ${sessions(hold.sessionCount)} run. ` +
      'Switch now and answer the prompt in your sessions, or let it happen when they end.',
    held: { toName, sessionCount: hold.sessionCount },
  };
}

/** One short line (fits the tray tooltip beside the account line); null while the guard is off. */
export function toGuardLine(snapshot: GuardSnapshot): string | null {
  const notice = toGuardNotice(snapshot);
  if (!notice) return null;
  if (!notice.held) return 'Guard on: switches wait for idle sessions';
  const n = notice.held.sessionCount;
  return `Guard on: switch waits for ${n} session${n === 1 ? '' : 's'}`;
}

/**
 * Why a session cannot be rotated, in the sessions panel's words — the highest-precedence override
 * it reported (`not rotatable: CLAUDE_CODE_OAUTH_TOKEN is set`); null when a swap reaches it.
 */
export function toUnrotatableText(loginOverrides: readonly LoginOverride[]): string | null {
  const first = loginOverrides[0];
  if (first === undefined) return null;
  return first === 'apiKeyHelper' ? 'not rotatable: an apiKeyHelper is configured' : `not rotatable: ${first} is set`;
}

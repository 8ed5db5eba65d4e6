/** What a session reports about its account besides its state: statusline usage readings and limit hits. */
import { CLAUDE_CODE_FACTS } from '../../shared/claude-code-facts.js';
import type { ClientMessage, StatuslineWindow } from '../../shared/heartbeat-protocol.js';

/** A usage reading from a statusline payload that carried `rate_limits`. */
export interface StatuslineReading {
  readonly sessionId: string;
  readonly host: string;
  readonly atMs: number;
  /** `resetsAtMs` converted from Claude Code's epoch seconds. */
  readonly fiveHour: { readonly utilizationPct: number; readonly resetsAtMs: number | null } | null;
  readonly sevenDay: { readonly utilizationPct: number; readonly resetsAtMs: number | null } | null;
  readonly model: string | null;
}

/** A turn that ended on the account's usage limit (`StopFailure` with `error: rate_limit`). */
export interface LimitHit {
  readonly sessionId: string;
  readonly host: string;
  readonly atMs: number;
}

/** `StopFailure`'s `error` when the turn ended on the account's usage limit (Claude Code 2.1.331+). */
export const LIMIT_HIT_ERROR = CLAUDE_CODE_FACTS.limitHitError.value;

function toWindow(w: StatuslineWindow | null): StatuslineReading['fiveHour'] {
  return w ? { utilizationPct: w.usedPct, resetsAtMs: w.resetsAtS === null ? null : Math.round(w.resetsAtS * 1000) } : null;
}

export function toReading(message: Extract<ClientMessage, { type: 'statusline' }>, host: string, atMs: number): StatuslineReading {
  return {
    sessionId: message.sessionId,
    host,
    atMs,
    fiveHour: toWindow(message.fiveHour),
    sevenDay: toWindow(message.sevenDay),
    model: message.model,
  };
}

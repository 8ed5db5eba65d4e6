/** A statusline payload's `rate_limits` as a usage reading of the session's account. */
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

/**
 * Statusline `rate_limits` readings are free, live readings of the account in use: they replace a
 * poll of the active account. A reading whose 7-day reset differs from the active account's known
 * one came from another account (a session that kept its old login after a switch): it is
 * reported once per session, not recorded.
 */
import type { StatuslineReading } from './session-registry.js';

/** A 7-day reset this far from the active account's known one means another account answered. */
export const STATUSLINE_RESET_TOLERANCE_MS = 15 * 60_000;

export interface StatuslineIntakeDeps {
  readonly activeId: () => string | null;
  readonly nowMs: () => number;
  /** The active account's known 7-day reset (epoch ms), or null. */
  readonly knownSevenDayResetOf: (accountId: string) => number | null;
  readonly record: (accountId: string, reading: StatuslineReading) => void;
  readonly reportMismatch: (accountId: string, reading: StatuslineReading) => void;
}

/** Returns the handler for the registry's statusline readings. */
export function createStatuslineIntake(deps: StatuslineIntakeDeps): (reading: StatuslineReading) => void {
  let reportedSessionId: string | null = null;
  return (reading) => {
    const id = deps.activeId();
    if (!id || (!reading.fiveHour && !reading.sevenDay)) return;
    const known = deps.knownSevenDayResetOf(id);
    const seen = reading.sevenDay?.resetsAtMs ?? null;
    const mismatch = known !== null && seen !== null && known > deps.nowMs() && Math.abs(known - seen) > STATUSLINE_RESET_TOLERANCE_MS;
    if (!mismatch) {
      deps.record(id, reading);
      return;
    }
    if (reportedSessionId !== reading.sessionId) {
      reportedSessionId = reading.sessionId;
      deps.reportMismatch(id, reading);
    }
  };
}

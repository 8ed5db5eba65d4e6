/** Display formatting shared by the engine, the CLI and the renderer (no Node imports here). */

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * A duration in the dashboard's words: `3d 9h`, `4h 26m`, `12m`, `45s`.
 * Two units at most, each floored (a countdown never shows more time than is left); negative or
 * non-finite input reads `0s`.
 */
export function formatDuration(ms: number): string {
  const safeMs = Number.isFinite(ms) && ms > 0 ? ms : 0;
  if (safeMs >= DAY_MS) {
    return `${Math.floor(safeMs / DAY_MS)}d ${Math.floor((safeMs % DAY_MS) / HOUR_MS)}h`;
  }
  if (safeMs >= HOUR_MS) {
    return `${Math.floor(safeMs / HOUR_MS)}h ${Math.floor((safeMs % HOUR_MS) / MINUTE_MS)}m`;
  }
  if (safeMs >= MINUTE_MS) return `${Math.floor(safeMs / MINUTE_MS)}m`;
  return `${Math.floor(safeMs / SECOND_MS)}s`;
}

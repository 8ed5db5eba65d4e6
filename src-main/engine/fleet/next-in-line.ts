/**
 * "Next in line": the account rotation would move to next, computed once by the engine and
 * published in the snapshot, so the tray and the dashboard always name the same one. It applies the
 * policy's own rule for a target (usable, 5-hour window under the threshold) to the rotation order.
 */
import type { AccountRow, NextInLine } from '../../shared/view-model.js';

type Row = Pick<AccountRow, 'id' | 'active' | 'enabled' | 'orderGroup' | 'fiveHour'>;

/**
 * The target of a deferred switch when one is waiting; else the first account in rotation order,
 * other than the active one, that rotation may land on; null when none can take over.
 * `rows` must be in rotation order (as `toFleetSnapshot` lists them).
 */
export function toNextInLine(rows: readonly Row[], pendingSwitchToId: string | null, fiveHourThresholdPct: number): NextInLine | null {
  const pending = pendingSwitchToId === null ? undefined : rows.find((row) => row.id === pendingSwitchToId && !row.active);
  if (pending) return { accountId: pending.id, reason: 'pending-switch' };
  const next = rows.find(
    (row) => !row.active && row.orderGroup === 'usable' && row.enabled && (row.fiveHour.utilizationPct ?? 0) < fiveHourThresholdPct,
  );
  return next ? { accountId: next.id, reason: 'rotation-order' } : null;
}

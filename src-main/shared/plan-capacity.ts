/**
 * How much weekly quota a plan holds, relative to the others: the one table behind the weights of
 * the fleet-wide insight figures, the dashboard's fleet burn chart and the what-if replay's demand.
 */

/** How many of a plan's weekly quotas make one Max 20x weekly quota (unknown plans count as Max 20x). */
function quotasPerMax20x(plan: string | null): number {
  if (plan === 'Max 5x') return 4;
  if (plan === 'Pro') return 20;
  return 1;
}

/** A plan's weekly quota as a share of a Max 20x account's (Max 5x: 1/4). */
export function max20xShare(plan: string | null): number {
  return 1 / quotasPerMax20x(plan);
}

/** A plan's weekly quota in days of a Max 20x account's quota (a Max 20x week = 7 days; Max 5x: 1.75). */
export function max20xDaysPerWeek(plan: string | null): number {
  return 7 / quotasPerMax20x(plan);
}

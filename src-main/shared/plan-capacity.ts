/** How much weekly quota a plan holds, relative to the others (the weights of the fleet-wide figures). */

/** A plan's weekly quota in days of a Max 20x account's quota (a Max 20x week = 7 days; unknown plans count as Max 20x). */
export function max20xDaysPerWeek(plan: string | null): number {
  if (plan === 'Max 5x') return 7 / 4;
  if (plan === 'Pro') return 7 / 20;
  return 7;
}

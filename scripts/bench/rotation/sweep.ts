/**
 * The sweep of `npm run bench:rotation -- --sweep`: every strategy and the oracle over several seeds
 * and demand ratios, with the mean and the worst per demand, the ideal expired-unused share beside
 * them, and the goals of issue 12 checked cell by cell (a cell is one seed at one demand).
 */
import { createRoundRobin, createSwitchAtFull } from './baselines.js';
import { createOracle, idealExpiredUnusedPct } from './oracle.js';
import { createPolicyStrategy } from '../../../src-main/engine/replay/policy-strategy.js';
import { runRotationBench, type BenchParams } from './run-bench.js';

export const SWEEP_SEEDS = [20_261_124, 7331, 4242, 31_337] as const;
export const SWEEP_DEMANDS = [0.7, 0.9, 1.0, 1.2, 1.5] as const;
export const STRATEGY_NAMES = { ours: 'ccmax policy', roundRobin: 'round-robin', atFull: 'switch at 100 %', oracle: 'oracle' } as const;

/** One strategy's figures in one cell. */
export interface CellFigures {
  readonly avoidableMin: number;
  readonly expiredPct: number;
  /** The expired share over the windows that opened inside the run only (each account's first window left out). */
  readonly expiredOpenedInsidePct: number;
  /** Switches during a tool call away from an account below 100 % (true figures): they could break a request. */
  readonly breakingDuringToolCall: number;
  /** Switches during a tool call away from an account at 100 % of a window (a wall). */
  readonly wallDuringToolCall: number;
  readonly switches: number;
}

export interface SweepCell {
  readonly seed: number;
  readonly demandRatio: number;
  readonly idealExpiredPct: number;
  readonly byStrategy: Readonly<Record<string, CellFigures>>;
}

/** Runs every cell; `onCell` reports progress. */
export function runSweep(
  base: BenchParams,
  seeds: readonly number[],
  demands: readonly number[],
  onCell: (cell: SweepCell) => void = () => {},
): SweepCell[] {
  const cells: SweepCell[] = [];
  for (const demandRatio of demands) {
    for (const seed of seeds) {
      const params = { ...base, seed, demandRatio };
      const run = runRotationBench(params, [
        () => createPolicyStrategy(),
        () => createRoundRobin(params.roundRobinPeriodMs),
        () => createSwitchAtFull(),
        () => createOracle(),
      ]);
      const byStrategy: Record<string, CellFigures> = {};
      for (const r of run.results) {
        byStrategy[r.strategy] = {
          avoidableMin: r.avoidableHitSteps,
          expiredPct: r.expiredUnusedPct,
          expiredOpenedInsidePct: r.expiredUnusedOpenedInsidePct,
          breakingDuringToolCall: r.breakingSwitchesDuringToolCall,
          wallDuringToolCall: r.wallSwitchesDuringToolCall,
          switches: r.switches,
        };
      }
      const cell = { seed, demandRatio, idealExpiredPct: idealExpiredUnusedPct(run.fleet, run.demand), byStrategy };
      cells.push(cell);
      onCell(cell);
    }
  }
  return cells;
}

const ROWS = [STRATEGY_NAMES.ours, STRATEGY_NAMES.roundRobin, STRATEGY_NAMES.atFull, STRATEGY_NAMES.oracle] as const;

/** The sweep table (Markdown): per demand and strategy, mean and worst over the seeds. */
export function formatSweepTable(cells: readonly SweepCell[]): string[] {
  const header =
    '| demand | strategy | avoidable limit-min (mean / worst) | expired unused (mean / worst) | ideal expired | ' +
    'expired, windows opened inside only (mean / worst) | ' +
    'switches during a tool call that could break a request (mean / worst) | at a wall (mean / worst) | switches (mean) |';
  const lines = [header, '|---|---|---|---|---|---|---|---|---|'];
  for (const demand of unique(cells.map((c) => c.demandRatio))) {
    const group = cells.filter((c) => c.demandRatio === demand);
    ROWS.forEach((name, i) => {
      const figures = group.map((c) => c.byStrategy[name]).filter((f): f is CellFigures => f !== undefined);
      const stat = (pick: (f: CellFigures) => number, digits: number) =>
        `${mean(figures.map(pick)).toFixed(digits)} / ${Math.max(...figures.map(pick)).toFixed(digits)}`;
      const ideal = i === 0 ? `${mean(group.map((c) => c.idealExpiredPct)).toFixed(2)} %` : '';
      lines.push(
        `| ${i === 0 ? `${demand}×` : ''} | ${name} | ${stat((f) => f.avoidableMin, 1)} | ${stat((f) => f.expiredPct, 2)} % | ${ideal} | ${stat((f) => f.expiredOpenedInsidePct, 2)} % | ${stat((f) => f.breakingDuringToolCall, 1)} | ${stat((f) => f.wallDuringToolCall, 1)} | ${mean(figures.map((f) => f.switches)).toFixed(0)} |`,
      );
    });
  }
  return lines;
}

/** The goals of issue 12, checked over every cell; one line per goal with MET / MISSED. */
export function formatSweepGoals(cells: readonly SweepCell[]): string[] {
  const misses = { avoidable: [] as string[], expired: [] as string[], openedInside: [] as string[], tool: [] as string[] };
  let oursTotal = 0;
  let oracleTotal = 0;
  for (const cell of cells) {
    const of = (name: string) => cell.byStrategy[name];
    const ours = of(STRATEGY_NAMES.ours);
    const rr = of(STRATEGY_NAMES.roundRobin);
    const atFull = of(STRATEGY_NAMES.atFull);
    const oracle = of(STRATEGY_NAMES.oracle);
    if (!ours || !rr || !atFull || !oracle) continue;
    const where = `seed ${cell.seed} @ ${cell.demandRatio}×`;
    const betterAvoidable = Math.min(rr.avoidableMin, atFull.avoidableMin);
    if (ours.avoidableMin > betterAvoidable) misses.avoidable.push(`${where}: ${ours.avoidableMin} > ${betterAvoidable}`);
    // Compared as printed (two decimals), so float noise in a 0.00 % cell is no miss.
    const betterExpired = Math.min(rr.expiredPct, atFull.expiredPct);
    if (round2(ours.expiredPct) > round2(betterExpired))
      misses.expired.push(`${where}: ${ours.expiredPct.toFixed(2)} % > ${betterExpired.toFixed(2)} %`);
    const betterOpenedInside = Math.min(rr.expiredOpenedInsidePct, atFull.expiredOpenedInsidePct);
    if (round2(ours.expiredOpenedInsidePct) > round2(betterOpenedInside))
      misses.openedInside.push(`${where}: ${ours.expiredOpenedInsidePct.toFixed(2)} % > ${betterOpenedInside.toFixed(2)} %`);
    if (ours.breakingDuringToolCall > 1) misses.tool.push(`${where}: ${ours.breakingDuringToolCall}`);
    oursTotal += ours.avoidableMin;
    oracleTotal += oracle.avoidableMin;
  }
  const ratio = oracleTotal > 0 ? oursTotal / oracleTotal : oursTotal === 0 ? 0 : Infinity;
  const verdict = (list: readonly string[]) => (list.length === 0 ? 'MET' : `MISSED (${list.join('; ')})`);
  return [
    `${cells.length} cells (seed × demand), 35-day replays unless --days says otherwise`,
    `avoidable limit-minutes ≤ the better baseline's in every cell: ${verdict(misses.avoidable)}`,
    `avoidable limit-minutes ≤ 1.5 × the oracle's on average: ${ratio <= 1.5 ? 'MET' : 'MISSED'} (ours ${oursTotal} vs oracle ${oracleTotal} in all, ratio ${ratio.toFixed(2)})`,
    `expired unused ≤ the better baseline's in every cell: ${verdict(misses.expired)}`,
    `  (for reference, not a goal: the same over the windows that opened inside the run only: ${verdict(misses.openedInside)})`,
    `switches during a tool call that could break a request (account left below 100 %) ≤ 1 per run: ${verdict(misses.tool)}`,
  ];
}

function unique(values: readonly number[]): number[] {
  return [...new Set(values)];
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((s, v) => s + v, 0) / values.length;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

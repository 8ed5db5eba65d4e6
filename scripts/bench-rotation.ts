/**
 * `npm run bench:rotation`: replays a multi-week synthetic fleet under the real rotation policy, two
 * baselines and the oracle, and prints the comparison (issue 3 item 5, issue 12).
 *   node scripts/run-ts.mjs scripts/bench-rotation.ts [--seed N] [--days N] [--demand RATIO] [--swing S] [--rr-hours H] [--json FILE]
 *   node scripts/run-ts.mjs scripts/bench-rotation.ts --sweep [--seeds N,N,…] [--demands R,R,…] [--days N]
 * Exit code 0 whether or not the goals are met (the table says so); 2 on bad arguments.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_BENCH_PARAMS, runRotationBench, type BenchParams } from './bench/rotation/run-bench.js';
import { formatDetails, formatGoals, formatParams, formatTable } from './bench/rotation/report.js';
import { formatSweepGoals, formatSweepTable, runSweep, SWEEP_DEMANDS, SWEEP_SEEDS } from './bench/rotation/sweep.js';

const OPTIONS = {
  seed: { type: 'string' },
  days: { type: 'string' },
  demand: { type: 'string' },
  swing: { type: 'string' },
  'rr-hours': { type: 'string' },
  json: { type: 'string' },
  sweep: { type: 'boolean' },
  seeds: { type: 'string' },
  demands: { type: 'string' },
} as const;

function toParams(argv: readonly string[]): BenchParams {
  const { values } = parseArgs({ args: [...argv], options: OPTIONS });
  const number = (text: string | undefined, fallback: number, name: string): number => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number; got ${text}`);
    return value;
  };
  return {
    ...DEFAULT_BENCH_PARAMS,
    seed: Math.trunc(number(values.seed, DEFAULT_BENCH_PARAMS.seed, 'seed')),
    days: Math.trunc(number(values.days, DEFAULT_BENCH_PARAMS.days, 'days')),
    demandRatio: number(values.demand, DEFAULT_BENCH_PARAMS.demandRatio, 'demand'),
    weeklySwing: number(values.swing, DEFAULT_BENCH_PARAMS.weeklySwing, 'swing'),
    roundRobinPeriodMs: number(values['rr-hours'], DEFAULT_BENCH_PARAMS.roundRobinPeriodMs / 3_600_000, 'rr-hours') * 3_600_000,
  };
}

/** A comma-separated list of non-negative numbers. */
function toList(text: string | undefined, fallback: readonly number[], name: string): number[] {
  if (text === undefined) return [...fallback];
  const list = text.split(',').map(Number);
  if (list.length === 0 || list.some((v) => !Number.isFinite(v) || v < 0))
    throw new Error(`--${name} must list non-negative numbers; got ${text}`);
  return list;
}

function sweep(params: BenchParams, argv: readonly string[]): void {
  const { values } = parseArgs({ args: [...argv], options: OPTIONS });
  const seeds = toList(values.seeds, SWEEP_SEEDS, 'seeds').map(Math.trunc);
  const demands = toList(values.demands, SWEEP_DEMANDS, 'demands');
  const began = performance.now();
  const cells = runSweep(params, seeds, demands, (cell) => {
    const ours = cell.byStrategy['ccmax policy'];
    process.stderr.write(`  seed ${cell.seed} @ ${cell.demandRatio}×: ours ${ours?.avoidableMin ?? '?'} avoidable limit-min\n`);
  });
  const out = [
    `Rotation sweep (issue 12): seeds ${seeds.join(', ')} × demand ${demands.join(', ')} · ${params.days} days each · took ${Math.round((performance.now() - began) / 1000)} s`,
    '',
    ...formatSweepTable(cells),
    '',
    ...formatSweepGoals(cells),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

function main(): void {
  let params: BenchParams;
  const argv = process.argv.slice(2);
  try {
    params = toParams(argv);
    if (parseArgs({ args: argv, options: OPTIONS }).values.sweep) {
      sweep(params, argv);
      return;
    }
  } catch (error) {
    process.stderr.write(`bench:rotation: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const run = runRotationBench(params);
  const out = [
    'Rotation benchmark (issue 3 item 5)',
    ...formatParams(run).map((line) => `  ${line}`),
    '',
    ...formatTable(run),
    '',
    formatGoals(run),
    '',
    ...formatDetails(run),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  const jsonPath = parseArgs({ args: process.argv.slice(2), options: { json: { type: 'string' } }, strict: false }).values.json;
  if (typeof jsonPath === 'string') {
    writeFileSync(
      jsonPath,
      `${JSON.stringify(
        run.results.map(({ switchLog: _switches, avoidableHitLog: _hits, ...rest }) => rest),
        null,
        2,
      )}\n`,
    );
  }
}

main();

/**
 * `npm run bench:rotation`: replays a multi-week synthetic fleet under the real rotation policy and
 * two baselines, and prints the comparison of issue 3 item 5.
 *   node scripts/run-ts.mjs scripts/bench-rotation.ts [--seed N] [--days N] [--demand RATIO] [--swing S] [--rr-hours H] [--json FILE]
 * Exit code 0 whether or not the goals are met (the table says so); 2 on bad arguments.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_BENCH_PARAMS, runRotationBench, type BenchParams } from './bench/rotation/run-bench.js';
import { formatDetails, formatGoals, formatParams, formatTable } from './bench/rotation/report.js';

function toParams(argv: readonly string[]): BenchParams {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      seed: { type: 'string' },
      days: { type: 'string' },
      demand: { type: 'string' },
      swing: { type: 'string' },
      'rr-hours': { type: 'string' },
      json: { type: 'string' },
    },
  });
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

function main(): void {
  let params: BenchParams;
  try {
    params = toParams(process.argv.slice(2));
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

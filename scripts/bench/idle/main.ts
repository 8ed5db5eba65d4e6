/**
 * `npm run bench`: idle cost of `ccmax-monitor serve` with 10 accounts (RSS, CPU) and the usage
 * endpoint's call rate per account-hour. Everything runs on 127.0.0.1 against the stand-in API.
 * Env: BENCH_IDLE_SECONDS (measurement window, default 180), BENCH_WARMUP_SECONDS (default 90: the
 * poller reads every unread account within 90 s of start), BENCH_SIM_HOURS (default 24),
 * BENCH_SERVE_NODE_ARGS (node flags for the server process only, e.g. `--max-semi-space-size=1`; default none).
 * Exits 1 when a goal is missed, 2 when the bench itself failed.
 */
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { createCleanups } from './cleanup.js';
import { startIdleServe } from './idle-serve.js';
import { idleReport, rateReport } from './report.js';
import { measureUsageRate } from './usage-rate.js';

const log = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

function envNumber(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number ≥ ${min}; got '${raw}'`);
  return value;
}

async function main(): Promise<number> {
  const root = resolve(process.argv[2] ?? process.cwd());
  const idleSeconds = envNumber('BENCH_IDLE_SECONDS', 180, 10);
  const warmupSeconds = envNumber('BENCH_WARMUP_SECONDS', 90, 0);
  const simulatedHours = envNumber('BENCH_SIM_HOURS', 24, 1);
  const serveNodeArgs = (process.env.BENCH_SERVE_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  if (process.platform !== 'linux') throw new Error('the idle bench reads /proc and runs on Linux only');
  const cleanups = createCleanups(log);
  log(
    `ccmax-monitor bench · node ${process.version} · ${process.platform} ${process.arch} · ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}`,
  );
  log(
    `window ${idleSeconds} s after ${warmupSeconds} s warm-up; simulated day ${simulatedHours} h (BENCH_IDLE_SECONDS, BENCH_WARMUP_SECONDS, BENCH_SIM_HOURS)\n`,
  );
  try {
    log('starting `serve` with 10 accounts…');
    const serve = await startIdleServe({
      cliPath: join(root, 'bin', 'ccmax-monitor.js'),
      log,
      registerCleanup: cleanups.register,
      serveNodeArgs,
    });
    const warmupEndMs = Date.now() + warmupSeconds * 1000;
    log(`  serve pid ${serve.pid} at ${serve.url}; warming up, meanwhile simulating a day in-process…`);
    const rate = await measureUsageRate({ simulatedHours, log, registerCleanup: cleanups.register });
    await sleep(warmupEndMs - Date.now());
    let state = await serve.state();
    for (let waited = 0; state.withReading < state.accounts && waited < 30; waited++) {
      await sleep(1000);
      state = await serve.state();
    }
    log(
      `  /api/state: ${state.accounts} accounts, ${state.withReading} with usage figures, active ${state.active ?? 'none'}; measuring ${idleSeconds} s…`,
    );
    const window = await serve.measure(idleSeconds);
    const serverWarnings = [...serve.stderrLines];
    await serve.close();

    const idle = idleReport(window, warmupSeconds, serveNodeArgs);
    const usage = rateReport(rate);
    log('');
    for (const line of [
      ...idle.lines,
      ...(serverWarnings.length ? ['  serve logged:', ...serverWarnings.slice(0, 10).map((l) => `    ${l}`)] : []),
      '',
      ...usage.lines,
    ])
      log(line);
    const verdicts = [...idle.verdicts, ...usage.verdicts];
    log(`\nGoals: ${verdicts.map((v) => `${v.name} ${v.met ? 'met' : 'NOT MET'}`).join(' · ')}`);
    return verdicts.every((v) => v.met) ? 0 : 1;
  } finally {
    await cleanups.runAll();
  }
}

// Ends by draining the event loop rather than process.exit() mid-flight; the unreferenced timer only
// matters if some handle leaked and would keep the process alive.
main()
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 2;
    },
  )
  .finally(() => setTimeout(() => process.exit(), 5_000).unref());

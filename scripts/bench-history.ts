/**
 * `npm run bench:history` (after `npm run build`): the history store over a year (issue 10).
 * 1. Records 10 accounts × 365 days of readings at the default poll cadence through the store's
 *    recorder API (scripts/bench/history/fill-year.ts), with the hourly rollup the store applies itself.
 * 2. The database file size after that year.
 * 3. `/api/history` (the whole year, points=2000) and `/api/insights` (the whole year, and the last
 *    30 days) latency over REQUESTS sequential requests each against a real `serve` on 127.0.0.1 with
 *    that history.db.
 * 4. Idle RSS of that `serve` vs the same `serve` with an empty history.
 * Loopback only; every process started is stopped. Exit code: 0 goals met, 1 one missed, 2 bench failed.
 *   node scripts/run-ts.mjs scripts/bench-history.ts [root]
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { HISTORY_FILE } from '../src-main/engine/index.js';
import { ACCOUNTS, DAYS, fillYear } from './bench/history/fill-year.js';
import { startServe, type BenchServe } from './bench/serve-process.mjs';

const REQUESTS = 200;
/** What the dashboard's year chart asks for. */
const POINTS = 2000;
const DAY_MS = 86_400_000;
const root = resolve(process.argv[2] ?? '.');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN) : NaN;
};

/** Average RSS over `seconds` after `settleSeconds` of idling. */
async function idleRssMb(serve: BenchServe, settleSeconds: number, seconds: number): Promise<number> {
  await sleep(settleSeconds * 1000);
  const xs: number[] = [];
  for (let i = 0; i < seconds * 4; i++) {
    xs.push(serve.rssBytes() / 1_048_576);
    await sleep(250);
  }
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

interface Latencies {
  readonly ms: readonly number[];
  /** The server's CPU time per request (user + system): what the machine's load does not change. */
  readonly cpuMsPerRequest: number;
  readonly bytes: number;
}

/** Latencies in ms of REQUESTS sequential GETs of `paths(i)`; throws on a non-200 answer. */
async function latencies(serve: BenchServe, path: (i: number) => string): Promise<Latencies> {
  const ms: number[] = [];
  let bytes = 0;
  const cpu0 = serve.cpuMs();
  for (let i = 0; i < REQUESTS; i++) {
    const t0 = performance.now();
    const res = await fetch(`${serve.url}${path(i)}`, { signal: AbortSignal.timeout(10_000) });
    bytes = (await res.arrayBuffer()).byteLength;
    ms.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`${path(i)} answered ${res.status}`);
  }
  return { ms, cpuMsPerRequest: (serve.cpuMs() - cpu0) / REQUESTS, bytes };
}

async function main(): Promise<number> {
  if (!existsSync(join(root, 'out', 'cli.js'))) {
    process.stderr.write('bench:history: out/cli.js is missing; run `npm run build` first.\n');
    return 2;
  }
  const fullDir = mkdtempSync(join(tmpdir(), 'ccmax-benchhist-'));
  const emptyDir = mkdtempSync(join(tmpdir(), 'ccmax-benchhist-empty-'));
  const home = mkdtempSync(join(tmpdir(), 'ccmax-benchhist-home-'));
  const serves: BenchServe[] = [];
  try {
    const endMs = Date.now();
    const file = join(fullDir, HISTORY_FILE);
    const fill = fillYear(file, endMs);
    const sizeMb = [file, `${file}-wal`].reduce((s, f) => s + (existsSync(f) ? statSync(f).size : 0), 0) / 1_048_576;
    process.stdout.write(`recorded ${fill.readings} readings in ${fill.seconds.toFixed(1)} s; history.db ${sizeMb.toFixed(1)} MB\n`);

    const empty = await startServe({ root, dataDir: emptyDir, home });
    serves.push(empty);
    const emptyRss = await idleRssMb(empty, 8, 5);
    await empty.stop();
    const full = await startServe({ root, dataDir: fullDir, home });
    serves.push(full);
    const fullRss = await idleRssMb(full, 8, 5);
    const range = `from=${fill.startMs}&to=${endMs}`;
    const history = await latencies(
      full,
      (i) => `/api/history?account=acct-${String((i % ACCOUNTS) + 1).padStart(2, '0')}&points=${POINTS}&${range}`,
    );
    const insights = await latencies(full, () => `/api/insights?${range}`);
    const monthInsights = await latencies(full, () => `/api/insights?from=${endMs - 30 * DAY_MS}&to=${endMs}`);
    const afterRss = full.rssBytes() / 1_048_576;
    await full.stop();

    const p = ({ ms: xs, cpuMsPerRequest, bytes }: Latencies) =>
      `p50 ${quantile(xs, 0.5).toFixed(1)} ms, p95 ${quantile(xs, 0.95).toFixed(1)} ms ` +
      `(server CPU ${cpuMsPerRequest.toFixed(1)} ms a request, ${Math.round(bytes / 1024)} KB)`;
    const met = (l: Latencies) => quantile(l.ms, 0.95) <= 50;
    const growth = fullRss - emptyRss;
    const rows: [string, string, string, boolean | null][] = [
      [
        'insert rate',
        '—',
        `${Math.round(fill.readings / fill.seconds)} samples/s (${fill.readings} in ${fill.seconds.toFixed(1)} s, ${fill.rollupSeconds.toFixed(1)} s of it in the hourly rollups)`,
        null,
      ],
      ['history.db after 1 year', '< 50 MB', `${sizeMb.toFixed(1)} MB`, sizeMb < 50],
      [`/api/history (year, points=${POINTS})`, 'p95 ≤ 50 ms', p(history), met(history)],
      ['/api/insights (year)', 'p95 ≤ 50 ms', p(insights), met(insights)],
      ['/api/insights (last 30 days)', 'p95 ≤ 50 ms', p(monthInsights), met(monthInsights)],
      [
        'idle RSS growth',
        '≤ 10 MB',
        `${growth.toFixed(1)} MB (${fullRss.toFixed(1)} vs ${emptyRss.toFixed(1)} empty; ${afterRss.toFixed(1)} after the requests)`,
        growth <= 10,
      ],
    ];
    process.stdout.write(
      `\n${ACCOUNTS} accounts × ${DAYS} days; load average ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}\n`,
    );
    process.stdout.write('| measure | goal | measured | |\n|---|---|---|---|\n');
    for (const [name, goal, measured, ok] of rows)
      process.stdout.write(`| ${name} | ${goal} | ${measured} | ${ok === null ? '—' : ok ? 'PASS' : 'MISS'} |\n`);
    return rows.every((r) => r[3] !== false) ? 0 : 1;
  } finally {
    for (const s of serves) await s.stop();
    for (const dir of [fullDir, emptyDir, home]) rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench:history failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(2);
  },
);

/**
 * `npm run bench:history` (after `npm run build`): the history store over a year (issue 10).
 * 1. Records 10 accounts × 365 days of readings at the default poll cadence (active 5 min, parked
 *    12 min, ±15 % jitter; the active account changes every 6 h) through the store's recorder API in
 *    the order the engine's history feed calls it, with the hourly rollup the store applies itself.
 *    Every reading differs from the one before (the worst case: dedup stores nothing less).
 * 2. The database file size after that year.
 * 3. `/api/history` (the whole year, points=1000) and `/api/insights` (the whole year) latency over
 *    REQUESTS requests each against a real `serve` on 127.0.0.1 with that history.db.
 * 4. Idle RSS of that `serve` vs the same `serve` with an empty history.
 * Loopback only; every process started is stopped. Exit code: 0 goals met, 1 one missed, 2 bench failed.
 *   node scripts/run-ts.mjs scripts/bench-history.ts [root]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createHistoryStore, HISTORY_FILE, openHistoryDb } from '../src-main/engine/index.js';
import { SETTINGS_DEFAULTS } from '../src-main/shared/settings-schema.js';

const ACCOUNTS = 10;
const DAYS = 365;
const REQUESTS = 200;
const ACTIVE_SPELL_MS = 6 * 3_600_000;
const DAY_MS = 86_400_000;
const root = resolve(process.argv[2] ?? '.');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN) : NaN;
};

interface SimAccount {
  readonly id: string;
  nextPollMs: number;
  fivePct: number;
  fiveResetsAtMs: number;
  sevenPct: number;
  sevenResetsAtMs: number;
}

/** A tiny deterministic PRNG (mulberry32), so runs are comparable. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Fills `file` with a year of readings; returns the readings recorded and the wall time taken. */
function fillYear(file: string, endMs: number): { readings: number; seconds: number; rollupSeconds: number; startMs: number } {
  const random = prng(20261205);
  const startMs = endMs - DAYS * DAY_MS;
  const store = createHistoryStore(openHistoryDb(file, startMs).db);
  const accounts: SimAccount[] = Array.from({ length: ACCOUNTS }, (_, i) => ({
    id: `acct-${String(i + 1).padStart(2, '0')}`,
    nextPollMs: startMs + Math.floor(random() * SETTINGS_DEFAULTS.parkedPollIntervalMs),
    fivePct: 0,
    fiveResetsAtMs: startMs + Math.floor(random() * 5 * 3_600_000),
    sevenPct: 0,
    sevenResetsAtMs: startMs + Math.floor(random() * 7 * DAY_MS),
  }));
  const jitter = (intervalMs: number) => Math.round(intervalMs * (1 + (random() * 2 - 1) * SETTINGS_DEFAULTS.pollJitterRatio));
  let readings = 0;
  // The store rolls up on the first reading an hour after its last rollup; those calls are timed apart.
  let lastRollupMs = 0;
  let rollupMs = 0;
  let activeIndex = 0;
  let nextSwitchMs = startMs;
  const t0 = performance.now();
  for (let atMs = startMs; atMs <= endMs; atMs += 60_000) {
    if (atMs >= nextSwitchMs) {
      const from = accounts[activeIndex]?.id ?? null;
      activeIndex = (activeIndex + 1) % ACCOUNTS;
      const to = accounts[activeIndex]?.id ?? '';
      if (atMs > startMs) store.recordSwitch({ atMs, fromId: from, toId: to, trigger: 'threshold', deferralWaitMs: random() * 60_000 });
      nextSwitchMs += ACTIVE_SPELL_MS;
    }
    const due = accounts.filter((a) => a.nextPollMs <= atMs);
    if (due.length === 0) continue;
    // As the feed does for each snapshot: the active account, then each account's name and new reading.
    store.setActive(accounts[activeIndex]?.id ?? null, atMs);
    for (const a of due) {
      const active = a === accounts[activeIndex];
      store.noteAccount({ id: a.id, email: `${a.id}@example.com`, label: a.id, plan: 'Max 20x' }, atMs);
      while (a.fiveResetsAtMs <= atMs) [a.fivePct, a.fiveResetsAtMs] = [0, a.fiveResetsAtMs + 5 * 3_600_000];
      while (a.sevenResetsAtMs <= atMs) [a.sevenPct, a.sevenResetsAtMs] = [0, a.sevenResetsAtMs + 7 * DAY_MS];
      a.fivePct = Math.min(100, a.fivePct + (active ? 1 + random() * 6 : 0.1 + random() * 0.4));
      a.sevenPct = Math.min(100, a.sevenPct + (active ? 0.1 + random() * 0.5 : 0.01 + random() * 0.05));
      const rollsUp = atMs - lastRollupMs >= 3_600_000;
      const c0 = rollsUp ? performance.now() : 0;
      store.recordReading(a.id, {
        atMs,
        source: 'poll',
        fiveHour: { pct: Math.round(a.fivePct * 100) / 100, resetsAtMs: a.fiveResetsAtMs },
        sevenDay: { pct: Math.round(a.sevenPct * 100) / 100, resetsAtMs: a.sevenResetsAtMs },
      });
      if (rollsUp) [lastRollupMs, rollupMs] = [atMs, rollupMs + performance.now() - c0];
      readings += 1;
      a.nextPollMs = atMs + jitter(active ? SETTINGS_DEFAULTS.activePollIntervalMs : SETTINGS_DEFAULTS.parkedPollIntervalMs);
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  store.close();
  return { readings, seconds, rollupSeconds: rollupMs / 1000, startMs };
}

interface Serve {
  readonly child: ChildProcess;
  readonly url: string;
  rssMb(): number;
  stop(): Promise<void>;
}

/** Starts `ccmax-monitor serve` on 127.0.0.1 port 0 over `dataDir`; resolves once it listens. */
async function startServe(dataDir: string, home: string): Promise<Serve> {
  const child = spawn(
    process.execPath,
    [join(root, 'bin', 'ccmax-monitor.js'), 'serve', '--port', '0', '--data-dir', dataDir, '--vault', 'file', '--log-level', 'error'],
    {
      env: {
        ...process.env,
        HOME: home,
        CLAUDE_CONFIG_DIR: join(home, '.claude'),
        CCMAX_API_BASE_URL: 'http://127.0.0.1:9',
        CCMAX_OAUTH_TOKEN_URL: 'http://127.0.0.1:9/token',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  for (let i = 0; i < 400; i++) {
    const m = /listening on (http:\/\/[^\s]+)/.exec(out);
    if (m?.[1]) {
      const rssMb = () => {
        try {
          return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]) / 1024;
        } catch {
          return NaN;
        }
      };
      return { child, url: m[1], rssMb, stop };
    }
    await sleep(50);
  }
  await stop();
  throw new Error(`serve did not start:\n${out}`);
}

/** Average RSS over `seconds` after `settleSeconds` of idling. */
async function idleRssMb(serve: Serve, settleSeconds: number, seconds: number): Promise<number> {
  await sleep(settleSeconds * 1000);
  const xs: number[] = [];
  for (let i = 0; i < seconds * 4; i++) {
    xs.push(serve.rssMb());
    await sleep(250);
  }
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** Latencies in ms of REQUESTS sequential GETs of `paths(i)`; throws on a non-200 answer. */
async function latencies(serve: Serve, path: (i: number) => string): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t0 = performance.now();
    const res = await fetch(`${serve.url}${path(i)}`, { signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    ms.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`${path(i)} answered ${res.status}`);
  }
  return ms;
}

async function main(): Promise<number> {
  if (!existsSync(join(root, 'out', 'cli.js'))) {
    process.stderr.write('bench:history: out/cli.js is missing; run `npm run build` first.\n');
    return 2;
  }
  const fullDir = mkdtempSync(join(tmpdir(), 'ccmax-benchhist-'));
  const emptyDir = mkdtempSync(join(tmpdir(), 'ccmax-benchhist-empty-'));
  const home = mkdtempSync(join(tmpdir(), 'ccmax-benchhist-home-'));
  const serves: Serve[] = [];
  try {
    const endMs = Date.now();
    const file = join(fullDir, HISTORY_FILE);
    const fill = fillYear(file, endMs);
    const sizeMb = [file, `${file}-wal`].reduce((s, f) => s + (existsSync(f) ? statSync(f).size : 0), 0) / 1_048_576;
    process.stdout.write(`recorded ${fill.readings} readings in ${fill.seconds.toFixed(1)} s; history.db ${sizeMb.toFixed(1)} MB\n`);

    const empty = await startServe(emptyDir, home);
    serves.push(empty);
    const emptyRss = await idleRssMb(empty, 8, 5);
    await empty.stop();
    const full = await startServe(fullDir, home);
    serves.push(full);
    const fullRss = await idleRssMb(full, 8, 5);
    const range = `from=${fill.startMs}&to=${endMs}`;
    const history = await latencies(
      full,
      (i) => `/api/history?account=acct-${String((i % ACCOUNTS) + 1).padStart(2, '0')}&points=1000&${range}`,
    );
    const insights = await latencies(full, () => `/api/insights?${range}`);
    const afterRss = full.rssMb();
    await full.stop();

    const p = (xs: readonly number[]) => `p50 ${quantile(xs, 0.5).toFixed(1)} ms, p95 ${quantile(xs, 0.95).toFixed(1)} ms`;
    const growth = fullRss - emptyRss;
    const rows: [string, string, string, boolean | null][] = [
      [
        'insert rate',
        '—',
        `${Math.round(fill.readings / fill.seconds)} samples/s (${fill.readings} in ${fill.seconds.toFixed(1)} s, ${fill.rollupSeconds.toFixed(1)} s of it in the hourly rollups)`,
        null,
      ],
      ['history.db after 1 year', '< 50 MB', `${sizeMb.toFixed(1)} MB`, sizeMb < 50],
      ['/api/history (year, points=1000)', 'p95 ≤ 50 ms', p(history), quantile(history, 0.95) <= 50],
      ['/api/insights (year)', 'p95 ≤ 50 ms', p(insights), quantile(insights, 0.95) <= 50],
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

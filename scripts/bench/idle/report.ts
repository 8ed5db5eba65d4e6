/** The bench's printed tables and goal verdicts. Pure: figures in, lines out. */
import type { IdleWindow } from './idle-serve.js';
import type { UsageRateResult } from './usage-rate.js';

export const GOALS = { rssMb: 60, cpuPct: 0.5, parkedCallsPerAccountHour: 6 } as const;

export interface Verdict {
  readonly name: string;
  readonly met: boolean;
}

const pad = (s: string, n: number) => s.padEnd(n);
const padL = (s: string, n: number) => s.padStart(n);
const mark = (met: boolean) => (met ? 'met' : 'NOT MET');

function table(rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number>): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) =>
    `  ${r.map((cell, i) => (rightAligned.has(i) ? padL(cell, widths[i] ?? 0) : pad(cell, widths[i] ?? 0))).join('  ')}`.trimEnd(),
  );
}

/** Part 1's table and verdicts. `serveNodeArgs`: extra node flags the server ran with, if any. */
export function idleReport(
  w: IdleWindow,
  warmupSeconds: number,
  serveNodeArgs: readonly string[],
): { lines: string[]; verdicts: Verdict[] } {
  const rssMet = w.rssMaxMb <= GOALS.rssMb;
  const cpuMet = w.cpuPct <= GOALS.cpuPct;
  const lines = [
    `1. Idle \`ccmax-monitor serve\` with 10 accounts (measured ${w.seconds.toFixed(0)} s after a ${warmupSeconds} s warm-up, ${w.samples} samples)`,
    ...(serveNodeArgs.length > 0 ? [`   server node flags: ${serveNodeArgs.join(' ')}`] : []),
    ...table(
      [
        ['metric', 'value', 'goal', ''],
        ['RSS average', `${w.rssAvgMb.toFixed(1)} MB`, '', ''],
        ['RSS max', `${w.rssMaxMb.toFixed(1)} MB`, `≤ ${GOALS.rssMb} MB`, mark(rssMet)],
        ['RSS min', `${w.rssMinMb.toFixed(1)} MB`, '', ''],
        ['peak RSS since start (VmHWM)', `${w.peakSinceStartMb.toFixed(1)} MB`, '', ''],
        ['CPU, % of one core', `${w.cpuPct.toFixed(3)} %`, `≤ ${GOALS.cpuPct} %`, mark(cpuMet)],
        ['CPU time in window', `${w.cpuSeconds.toFixed(2)} s`, '', ''],
        ['usage requests in window', String(w.usageCalls), `${w.pollsDueInWindow} due by the poller's schedule`, ''],
      ],
      new Set([1]),
    ),
  ];
  return {
    lines,
    verdicts: [
      { name: 'idle RSS', met: rssMet },
      { name: 'idle CPU', met: cpuMet },
    ],
  };
}

/**
 * Accounts parked for less than this (2 h, or half of a shorter run) are listed but left out of the
 * max: a few calls, including the catch-up read at start, over a short stretch say nothing of a rate.
 */
const minParkedHoursFor = (simulatedHours: number) => Math.min(2, simulatedHours / 2);

const rate = (calls: number, hours: number) => (hours > 0 ? calls / hours : 0);

/** Part 2's table and verdict: rates per account-hour in each role. */
export function rateReport(r: UsageRateResult): { lines: string[]; verdicts: Verdict[] } {
  const minParkedHours = minParkedHoursFor(r.simulatedHours);
  const rated = r.accounts.filter((a) => a.parkedHours >= minParkedHours);
  const parkedMax = Math.max(0, ...rated.map((a) => rate(a.parkedCalls, a.parkedHours)));
  const sum = (f: (a: (typeof r.accounts)[number]) => number) => r.accounts.reduce((s, a) => s + f(a), 0);
  const parkedAvg = rate(
    sum((a) => a.parkedCalls),
    sum((a) => a.parkedHours),
  );
  const activeAvg = rate(
    sum((a) => a.activeCalls),
    sum((a) => a.activeHours),
  );
  const met = rated.length > 0 && parkedMax <= GOALS.parkedCallsPerAccountHour;
  const lines = [
    `2. Usage-endpoint calls per account-hour (real engine in-process: ${r.simulatedHours} simulated hours in ${r.wallSeconds.toFixed(0)} s, 10 accounts,`,
    `   Claude Code busy all day on the account rotation chose; ${r.switches} switch(es))`,
    ...table(
      [
        ['account', 'parked h', 'calls', 'per h', 'active h', 'calls', 'per h'],
        ...r.accounts.map((a) => [
          a.email,
          a.parkedHours.toFixed(1),
          String(a.parkedCalls),
          a.parkedHours > 0 ? rate(a.parkedCalls, a.parkedHours).toFixed(2) : '—',
          a.activeHours.toFixed(1),
          String(a.activeCalls),
          a.activeHours > 0 ? rate(a.activeCalls, a.activeHours).toFixed(2) : '—',
        ]),
      ],
      new Set([1, 2, 3, 4, 5, 6]),
    ),
    '',
    ...table(
      [
        ['figure', 'calls/account-hour', 'goal', ''],
        [`parked, max (accounts parked ≥ ${minParkedHours} h)`, parkedMax.toFixed(2), `≤ ${GOALS.parkedCallsPerAccountHour}`, mark(met)],
        ['parked, all parked hours', parkedAvg.toFixed(2), '', ''],
        ['active, all active hours', activeAvg.toFixed(2), '', ''],
      ],
      new Set([1]),
    ),
    `  token refreshes by ccmax-monitor over the run: ${r.tokenRefreshCalls}`,
    ...(r.problems.length > 0
      ? [`  logged during the run (${r.problems.length}):`, ...r.problems.slice(0, 10).map((p) => `    - ${p}`)]
      : []),
  ];
  return { lines, verdicts: [{ name: 'parked usage calls', met }] };
}

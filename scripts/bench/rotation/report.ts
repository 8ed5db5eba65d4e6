/** Renders a benchmark run as text: the run parameters, the table, the details behind it. */
import { BENCH_RATES, fleetWeeklyCapacityLoadHours } from './bench-fleet.js';
import { DEMAND_MODEL } from './demand.js';
import { DEFAULT_CADENCE } from '../../../src-main/engine/replay/observer.js';
import { idealExpiredUnusedPct } from './oracle.js';
import type { BenchRun } from './run-bench.js';

const MIN_MS = 60_000;
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/**
 * The goals of issues 3 and 12 for our policy. A switch during a tool call away from an account at
 * 100 % (a wall) is not counted against it: that account's next request would fail anyway.
 */
export const GOALS = { maxExpiredUnusedPct: 2, maxAvoidableHits: 0, maxBreakingSwitchesDuringToolCall: 1 } as const;

/** The parameters of the run, one per line. */
export function formatParams(run: BenchRun): string[] {
  const { params, fleet, demand } = run;
  const capacity = fleetWeeklyCapacityLoadHours(fleet);
  const weeks = params.days / 7;
  const peak = demand.loadPerStep.reduce((max, v) => Math.max(max, v), 0);
  return [
    `seed ${params.seed} · start ${new Date(params.startMs).toISOString()} (Mon) · ${params.days} days · step ${params.stepMs / 1000} s`,
    `fleet (fixed order): ${fleet
      .map((a) => `${a.id} ${a.tier} ${a.weeklyCapacityLoadHours} lh/wk, 7d resets ${weekdayTime(a.initialWindows.sevenDayResetsAtMs)}`)
      .join('; ')}; each 7d window starts as used as the share of it already elapsed, 5h closed`,
    `fleet weekly capacity ${round(capacity)} load-hours (lh: one load unit for one hour; per load unit 20x fills 5h at ${BENCH_RATES['Max 20x'].fiveHourPctPerHour} %/h and 7d at ${BENCH_RATES['Max 20x'].sevenDayPctPerHour} %/h, 5x four times faster)`,
    `demand ${round(demand.loadHours / weeks)} lh/week on average (mean load ${round(meanAliveLoad(demand))} while sessions are alive) = ${params.demandRatio} × capacity; by week ${demand.weeklyLoadHours
      .map((lh) => `${round(lh / capacity)}×`)
      .join(
        ' ',
      )} (swing ±${params.weeklySwing}) · ${demand.sessionCount} sessions · ${demand.toolCalls.length} tool calls · load scale ${round(demand.loadScale)} · peak load ${round(peak)}`,
    `demand model: ${DEMAND_MODEL}`,
    `readings: statusline of the active account every step while a session is alive (whole %, rounded down); polls every ` +
      `${DEFAULT_CADENCE.parkedPollIntervalMs / MIN_MS} min ±${DEFAULT_CADENCE.pollJitterRatio * 100} % per parked account, ` +
      `${DEFAULT_CADENCE.activePollIntervalMs / MIN_MS} min for the active one without statusline`,
    `measured: expired = capacity left when a 7d window reset, over every window that reset inside the run, as a share of the quota they offered inside it ` +
      `(an account's first window counts from what it had left at the start; in brackets: the windows that opened inside the run only); ` +
      `limit hit = a step in which demand was refused because the active account was at 100 % of a window (true figures), avoidable when another account was below 100 % of both; ` +
      `hits and switches over the whole run`,
    `ideal expired unused ${idealExpiredUnusedPct(run.fleet, run.demand).toFixed(2)} % (capacity the demand could not reach: served by the window that resets first, no 5h limit, no reading lag)`,
  ];
}

/** The comparison table (Markdown, readable as plain text). */
export function formatTable(run: BenchRun): string[] {
  const header = [
    'strategy',
    'expired unused',
    'avoidable limit hits (demand-min / episodes)',
    'unavoidable hits (demand-min)',
    'switches',
    'switches during a tool call: could break a request / at a wall',
    'demand served',
  ];
  const rows = run.results.map((r) => [
    r.strategy,
    `${r.expiredUnusedPct.toFixed(2)} % (${round(r.expiredLoadHours)} of ${round(r.measuredCapacityLoadHours)} lh, ${r.measuredWindows} windows; ` +
      `opened inside ${r.expiredUnusedOpenedInsidePct.toFixed(2)} %)`,
    `${r.avoidableHitSteps} / ${r.avoidableHitEpisodes}`,
    String(r.unavoidableHitSteps),
    String(r.switches),
    `${r.breakingSwitchesDuringToolCall} / ${r.wallSwitchesDuringToolCall}`,
    `${((100 * r.servedLoadHours) / Math.max(1e-9, r.demandLoadHours)).toFixed(1)} %`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
}

/** Definitions and the breakdowns behind each row. */
export function formatDetails(run: BenchRun): string[] {
  return run.results.flatMap((r) => [
    `${r.strategy}: ${r.definition}`,
    `  switches by rule: ${formatCounts(r.switchesByLabel)}; forced ${r.forcedSwitches}; deferrals ${r.deferrals} (longest ${round(r.longestDeferralMs / MIN_MS)} min)`,
    `  avoidable hits by decision at that step: ${formatCounts(r.avoidableHitsByLabel)}`,
    `  readings: ${r.readings.statusline} statusline, ${r.readings.polls} polls · replay took ${Math.round(r.elapsedMs)} ms`,
  ]);
}

/** Whether the first result (our policy) meets the goals, in words. */
export function formatGoals(run: BenchRun): string {
  const ours = run.results[0];
  if (!ours) return 'no results';
  const checks = [
    [
      `expired unused ${ours.expiredUnusedPct.toFixed(2)} % ≤ ${GOALS.maxExpiredUnusedPct} %`,
      ours.expiredUnusedPct <= GOALS.maxExpiredUnusedPct,
    ],
    [`avoidable limit hits ${ours.avoidableHitSteps} = 0`, ours.avoidableHitSteps <= GOALS.maxAvoidableHits],
    [
      `switches during a tool call that could break a request ${ours.breakingSwitchesDuringToolCall} ≤ ${GOALS.maxBreakingSwitchesDuringToolCall}`,
      ours.breakingSwitchesDuringToolCall <= GOALS.maxBreakingSwitchesDuringToolCall,
    ],
  ] as const;
  return `goals for ${ours.strategy}: ${checks.map(([text, met]) => `${met ? 'MET' : 'MISSED'} ${text}`).join(' · ')}`;
}

function meanAliveLoad(demand: BenchRun['demand']): number {
  let sum = 0;
  let steps = 0;
  demand.loadPerStep.forEach((load, i) => {
    if (demand.aliveSteps[i] !== 1) return;
    sum += load;
    steps++;
  });
  return steps > 0 ? sum / steps : 0;
}

function formatCounts(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k} ${v}`).join(', ');
}

function weekdayTime(atMs: number): string {
  const d = new Date(atMs);
  return `${DAYS[d.getUTCDay()]} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

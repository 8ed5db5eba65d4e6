/**
 * Seeded, bursty Claude Code demand for the rotation benchmark: working days and hours, parallel
 * sessions, turns (bursts of work) separated by idle gaps, and inside each turn explicit tool calls
 * of 5 s–5 min. API requests (the model phases of a turn) spend quota; tool calls are what a switch
 * must avoid.
 */
import type { Rng } from '../../../src-main/engine/replay/sim-rng.js';
import type { Demand, ToolCall } from '../../../src-main/engine/replay/sim-inputs.js';

const SEC_MS = 1000;
const MIN_MS = 60 * SEC_MS;
const HOUR_MS = 60 * MIN_MS;
const DAY_MS = 24 * HOUR_MS;
const TOOL_NAMES = ['Bash', 'Read', 'Edit', 'Grep', 'Write', 'Task'] as const;

export type { Demand, ToolCall } from '../../../src-main/engine/replay/sim-inputs.js';

export interface DemandOptions {
  /** Start of the replay; must be a Monday 00:00 (UTC) so days of the week line up. */
  readonly startMs: number;
  readonly days: number;
  readonly stepMs: number;
  readonly rng: Rng;
  /** Mean demand per week in load-hours; the turns' intensities are scaled week by week to hit it. */
  readonly weeklyLoadHours: number;
  /**
   * How much weeks differ: week w gets `weeklyLoadHours` × m_w, m_w drawn in 1 ± swing and then
   * normalised to a mean of 1, so some weeks are busier than others. Default 0.
   */
  readonly weeklySwing?: number;
}

/** How the demand is drawn, for the report. */
export const DEMAND_MODEL =
  'Mon–Fri (95 %): 08:00–09:30 → 12:00–13:00 and 13:00–13:45 → 17:30–20:00, evening 20:30+ (30 %, 1–2.5 h); ' +
  'Sat/Sun (40 %): one 2–5 h block; 1–3 parallel sessions per block; turns 3–30 min, idle gaps 1–20 min; ' +
  'in a turn: model 5–60 s, then a tool call 5 s × 60^(u²) (5 s–5 min, median 14 s); ' +
  'demand = model phases and Task calls at the turn’s intensity U(0.5,1.5) × a per-week scale that sets each week’s demand';

interface Interval {
  readonly startMs: number;
  readonly endMs: number;
}

/** Draws the demand; the same options and rng state give the same demand. */
export function createDemand(options: DemandOptions): Demand {
  const { startMs, days, stepMs, rng } = options;
  const stepCount = Math.ceil((days * DAY_MS) / stepMs);
  const rawLoad = new Float64Array(stepCount);
  const aliveSteps = new Uint8Array(stepCount);
  const toolCalls: ToolCall[] = [];
  const between = (lo: number, hi: number) => lo + (hi - lo) * rng();
  let sessionCount = 0;

  for (let day = 0; day < days; day++) {
    for (const block of workBlocks(startMs + day * DAY_MS, day % 7, between, rng)) {
      const sessions = rng() < 0.3 ? 1 : rng() < 0.65 ? 2 : 3;
      for (let s = 0; s < sessions; s++) {
        const session = { startMs: block.startMs + between(0, 15 * MIN_MS), endMs: block.endMs - between(0, 15 * MIN_MS) };
        if (session.endMs - session.startMs < 10 * MIN_MS) continue;
        const sessionId = `s${++sessionCount}`;
        const lastMs = runSession(
          sessionId,
          session,
          between,
          rng,
          (interval, intensity) => {
            addOverIntervals(rawLoad, startMs, stepMs, interval, intensity);
          },
          toolCalls,
        );
        markAlive(aliveSteps, startMs, stepMs, { startMs: session.startMs, endMs: Math.max(session.endMs, lastMs) });
      }
    }
  }

  const loadPerStep = new Float64Array(stepCount);
  const weeklyLoadHours = scaleByWeek(rawLoad, loadPerStep, options, weekFactors(days, options.weeklySwing ?? 0, rng));
  const loadHours = weeklyLoadHours.reduce((sum, v) => sum + v, 0);
  const rawLoadHours = rawLoad.reduce((sum, v) => sum + (v * stepMs) / HOUR_MS, 0);
  toolCalls.sort((a, b) => a.startMs - b.startMs);
  return {
    startMs,
    stepMs,
    stepCount,
    loadPerStep,
    aliveSteps,
    toolCalls,
    sessionCount,
    loadHours,
    weeklyLoadHours,
    loadScale: rawLoadHours > 0 ? loadHours / rawLoadHours : 0,
  };
}

/** One factor per (possibly partial) week, in 1 ± swing, with a mean of 1 weighted by days. */
function weekFactors(days: number, swing: number, rng: Rng): number[] {
  const weeks = Math.ceil(days / 7);
  const drawn = Array.from({ length: weeks }, () => 1 + swing * (2 * rng() - 1));
  const dayWeight = (w: number) => Math.min(7, days - 7 * w) / 7;
  const mean = drawn.reduce((sum, f, w) => sum + f * dayWeight(w), 0) / (days / 7);
  return drawn.map((f) => f / mean);
}

/** Scales each week's raw load to its target; returns each week's demand in load-hours. */
function scaleByWeek(raw: Float64Array, scaled: Float64Array, options: DemandOptions, factors: readonly number[]): number[] {
  const stepsPerWeek = Math.round((7 * DAY_MS) / options.stepMs);
  return factors.map((factor, w) => {
    const from = w * stepsPerWeek;
    const to = Math.min(raw.length, from + stepsPerWeek);
    let rawLoadHours = 0;
    for (let i = from; i < to; i++) rawLoadHours += ((raw[i] ?? 0) * options.stepMs) / HOUR_MS;
    const targetLoadHours = (options.weeklyLoadHours * factor * (to - from)) / stepsPerWeek;
    const scale = rawLoadHours > 0 ? targetLoadHours / rawLoadHours : 0;
    for (let i = from; i < to; i++) scaled[i] = (raw[i] ?? 0) * scale;
    return rawLoadHours > 0 ? targetLoadHours : 0;
  });
}

/** The blocks of work of one day (`dayOfWeek` 0 = Monday). */
function workBlocks(dayMs: number, dayOfWeek: number, between: (lo: number, hi: number) => number, rng: Rng): Interval[] {
  const at = (hours: number) => dayMs + hours * HOUR_MS;
  const blocks: Interval[] = [];
  if (dayOfWeek < 5) {
    if (rng() < 0.95) {
      blocks.push({ startMs: at(between(8, 9.5)), endMs: at(between(12, 13)) });
      blocks.push({ startMs: at(between(13, 13.75)), endMs: at(between(17.5, 20)) });
    }
    if (rng() < 0.3) {
      const startMs = at(between(20.5, 21.5));
      blocks.push({ startMs, endMs: startMs + between(1, 2.5) * HOUR_MS });
    }
  } else if (rng() < 0.4) {
    const startMs = at(between(10, 14));
    blocks.push({ startMs, endMs: startMs + between(2, 5) * HOUR_MS });
  }
  return blocks;
}

/**
 * Runs one session: turns and idle gaps until its end; inside a turn the model works 5–60 s, then
 * a tool call runs 5 s–5 min (mostly short), until the turn's planned length has passed. A turn
 * always ends after a model phase, never inside a tool call. Quota is spent by API requests, so
 * demand (`onDemand`, at the turn's intensity) is the model phases, plus `Task` calls, whose
 * sub-agent keeps making requests; other tool calls run locally. Returns when the last turn ended.
 */
function runSession(
  sessionId: string,
  session: Interval,
  between: (lo: number, hi: number) => number,
  rng: Rng,
  onDemand: (interval: Interval, intensity: number) => void,
  toolCalls: ToolCall[],
): number {
  let t = session.startMs;
  let lastMs = t;
  while (t < session.endMs) {
    const plannedEndMs = Math.min(t + between(3, 30) * MIN_MS, session.endMs);
    const intensity = between(0.5, 1.5);
    let u = t;
    for (;;) {
      const modelMs = between(5, 60) * SEC_MS;
      onDemand({ startMs: u, endMs: u + modelMs }, intensity);
      u += modelMs;
      if (u >= plannedEndMs) break;
      // 5 s–5 min, most of them short (median ~14 s): reads and edits, now and then a long build.
      const draw = rng();
      const toolMs = 5 * SEC_MS * Math.pow(60, draw * draw);
      const toolName = TOOL_NAMES[Math.floor(rng() * TOOL_NAMES.length)] ?? 'Bash';
      toolCalls.push({ sessionId, toolName, startMs: u, endMs: u + toolMs });
      if (toolName === 'Task') onDemand({ startMs: u, endMs: u + toolMs }, intensity);
      u += toolMs;
    }
    lastMs = u;
    t = u + between(1, 20) * MIN_MS;
  }
  return lastMs;
}

/** Adds `value` × (share of each step the interval covers) to the steps it overlaps. */
function addOverIntervals(bins: Float64Array, originMs: number, stepMs: number, interval: Interval, value: number): void {
  const first = Math.max(0, Math.floor((interval.startMs - originMs) / stepMs));
  const last = Math.min(bins.length - 1, Math.floor((interval.endMs - originMs) / stepMs));
  for (let i = first; i <= last; i++) {
    const lo = Math.max(interval.startMs, originMs + i * stepMs);
    const hi = Math.min(interval.endMs, originMs + (i + 1) * stepMs);
    if (hi > lo) bins[i] = (bins[i] ?? 0) + (value * (hi - lo)) / stepMs;
  }
}

function markAlive(alive: Uint8Array, originMs: number, stepMs: number, interval: Interval): void {
  const first = Math.max(0, Math.floor((interval.startMs - originMs) / stepMs));
  const last = Math.min(alive.length - 1, Math.floor((interval.endMs - originMs) / stepMs));
  for (let i = first; i <= last; i++) alive[i] = 1;
}

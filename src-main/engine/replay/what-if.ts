/**
 * The what-if replay of the recorded history: rebuilds the period's demand from the readings, runs
 * it through the real rotation policy with today's settings and fleet and with the changed ones, and
 * sets both beside what the history recorded. Pure but for yielding to the event loop between slices
 * of the simulation (a month of minutes takes a few seconds; the monitor must keep answering).
 */
import type { ReplayAccountView, ReplayFigures, ReplayQuery, ReplaySettingsView, ReplayView } from '../../shared/replay-view.js';
import type { ReplaySource } from '../history/history-types.js';
import type { RotationSettings } from '../rotation/rotation-types.js';
import { rebuildDemand } from './history-demand.js';
import { createPolicyStrategy } from './policy-strategy.js';
import { startRotationReplay, type ReplayResult } from './simulate-rotation.js';
import { buildReplayFleet, type ReplayFleet } from './replay-fleet.js';

/**
 * Simulation step: the policy sees a reading of the active account and may act every 5 minutes
 * (its default dwell), and four weeks of five accounts replay in a few seconds on a laptop.
 */
export const REPLAY_STEP_MS = 5 * 60_000;
const SLICE_STEPS = 500;
const MIN_MS = 60_000;

export interface WhatIfInput {
  readonly source: ReplaySource;
  /** What the history recorded in the period. */
  readonly recorded: ReplayFigures;
  /** Today's rotation settings. */
  readonly settings: RotationSettings;
  readonly query: ReplayQuery;
  readonly stepMs?: number;
  /** Called between slices of the simulation; default: a macrotask, so timers and sockets run. */
  readonly pause?: () => Promise<void>;
  /**
   * Figures of earlier as-is replays by their inputs: the as-is column does not depend on the
   * what-if, so asking several what-ifs of one period replays it once.
   */
  readonly asIsCache?: Map<string, ReplayFigures>;
}

const settingsView = (s: RotationSettings): ReplaySettingsView => ({
  fiveHourThresholdPct: s.fiveHourThresholdPct,
  minDwellMs: s.minDwellMs,
  hysteresisPct: s.hysteresisPct,
});

const round1 = (v: number) => Math.round(v * 10) / 10;

/** The figures of one simulated run, over the windows that reset inside the period. */
export function figuresOf(result: ReplayResult, fleet: ReplayFleet, stepMs: number): ReplayFigures {
  let capacity = 0;
  let expired = 0;
  let weeklyResets = 0;
  for (const w of result.closedWindows) {
    const account = fleet.accounts.find((a) => a.id === w.accountId);
    // An added account's first window is a made-up start; only its later ones count.
    if (!account || (fleet.added.has(w.accountId) && !w.measured)) continue;
    weeklyResets++;
    capacity += account.weeklyCapacityLoadHours;
    expired += ((100 - w.sevenDayPct) / 100) * account.weeklyCapacityLoadHours;
  }
  const stepMin = stepMs / MIN_MS;
  return {
    expiredUnusedPct: capacity > 0 ? round1((100 * expired) / capacity) : null,
    // 100 load-hours = one Max 20x week = 7 Max 20x days.
    expiredUnusedMax20xDays: capacity > 0 ? round1((expired / 100) * 7) : null,
    weeklyResets,
    limitHitMinutes: round1((result.avoidableHitSteps + result.unavoidableHitSteps) * stepMin),
    avoidableLimitHitMinutes: round1(result.avoidableHitSteps * stepMin),
    switches: result.switches,
    demandServedPct: result.demandLoadHours > 0 ? round1(Math.min(100, (100 * result.servedLoadHours) / result.demandLoadHours)) : null,
  };
}

async function simulate(
  fleet: ReplayFleet,
  demand: ReturnType<typeof rebuildDemand>['demand'],
  settings: RotationSettings,
  initialActiveId: string | undefined,
  pause: () => Promise<void>,
): Promise<ReplayResult> {
  const run = startRotationReplay({
    fleet: fleet.accounts,
    demand,
    strategy: createPolicyStrategy({ settings }),
    seed: 1,
    ...(initialActiveId !== undefined && fleet.accounts.some((a) => a.id === initialActiveId) ? { initialActiveId } : {}),
  });
  while (!run.advance(SLICE_STEPS)) await pause();
  return run.result();
}

const accountViews = (fleet: ReplayFleet): ReplayAccountView[] =>
  fleet.accounts.map((a) => ({ accountId: a.id, email: fleet.emails.get(a.id) ?? null, plan: a.tier, added: fleet.added.has(a.id) }));

/** Runs the replay as is and as asked. */
export async function replayWhatIf(input: WhatIfInput): Promise<ReplayView> {
  const stepMs = input.stepMs ?? REPLAY_STEP_MS;
  const pause = input.pause ?? (() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
  const rebuilt = rebuildDemand(input.source, stepMs);
  const { query } = input;
  const whatIfSettings: RotationSettings = {
    ...input.settings,
    ...(query.fiveHourThresholdPct !== undefined ? { fiveHourThresholdPct: query.fiveHourThresholdPct } : {}),
    ...(query.minDwellMs !== undefined ? { minDwellMs: query.minDwellMs } : {}),
    ...(query.hysteresisPct !== undefined ? { hysteresisPct: query.hysteresisPct } : {}),
  };
  const asIsFleet = buildReplayFleet(input.source, rebuilt, 0, 'Max 20x');
  const whatIfFleet = buildReplayFleet(input.source, rebuilt, query.accountsDelta ?? 0, query.addPlan ?? 'Max 20x');
  const start = input.source.activeAtStartId ?? undefined;
  const asIsKey = JSON.stringify([
    input.source.fromMs,
    input.source.toMs,
    rebuilt.readings,
    rebuilt.demand.loadHours,
    input.settings,
    stepMs,
  ]);
  let asIsFigures = input.asIsCache?.get(asIsKey);
  if (!asIsFigures) {
    asIsFigures = figuresOf(await simulate(asIsFleet, rebuilt.demand, input.settings, start, pause), asIsFleet, stepMs);
    input.asIsCache?.clear();
    input.asIsCache?.set(asIsKey, asIsFigures);
  }
  const whatIf = await simulate(whatIfFleet, rebuilt.demand, whatIfSettings, start, pause);
  const notes = [
    'The demand is the work the history shows was done; work a limit refused is not in it.',
    'Tool calls are not recorded, so the replay switches at once where the monitor may have waited for one to end.',
    `Limit-hit minutes are counted in ${stepMs / MIN_MS}-minute steps; recorded ones only while the account was active.`,
  ];
  if (!rebuilt.fiveHourRatioEstimated)
    notes.push(`Too few readings to tell how 5-hour use relates to weekly use; assumed ${rebuilt.fiveHourPerSevenDayPct} : 1.`);
  if (asIsFleet.accounts.length === 0) notes.push('The history has no readings in this period.');
  return {
    fromMs: input.source.fromMs,
    toMs: input.source.toMs,
    demand: {
      max20xWeeks: Math.round((rebuilt.demand.loadHours / 100) * 100) / 100,
      readings: rebuilt.readings,
      fiveHourPerSevenDayPct: round1(rebuilt.fiveHourPerSevenDayPct),
      fiveHourRatioEstimated: rebuilt.fiveHourRatioEstimated,
      stepMs,
    },
    asIs: { settings: settingsView(input.settings), fleet: accountViews(asIsFleet) },
    whatIf: { settings: settingsView(whatIfSettings), fleet: accountViews(whatIfFleet) },
    recorded: input.recorded,
    replayedAsIs: asIsFigures,
    replayedWhatIf: figuresOf(whatIf, whatIfFleet, stepMs),
    notes,
  };
}

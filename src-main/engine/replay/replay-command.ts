/** The `replay` command over the history: the period's bounds, the recorded figures, one replay at a time. */
import type { CommandResult } from '../../shared/contract.js';
import { MAX_REPLAY_DAYS, type ReplayFigures, type ReplayQuery, type ReplayView } from '../../shared/replay-view.js';
import { err, ok } from '../../shared/result.js';
import type { HistoryReader } from '../history/history-types.js';
import type { RotationSettings } from '../rotation/rotation-types.js';
import { REPLAY_STEP_MS, replayWhatIf } from './what-if.js';

const DAY_MS = 86_400_000;
/** The period replayed when none is given: the last four weeks (or the whole history when shorter). */
export const DEFAULT_REPLAY_DAYS = 28;

/** Runs replays over one history, one at a time (a replay takes seconds of CPU). */
export function createReplayCommand(
  history: HistoryReader,
): (query: ReplayQuery, settings: RotationSettings, nowMs: number) => Promise<CommandResult<ReplayView>> {
  let running = false;
  const asIsCache = new Map<string, ReplayFigures>();
  return async (query, settings, nowMs) => {
    // A default end moves in whole steps, so what-ifs asked one after another share the as-is replay.
    const toMs = Math.min(query.toMs ?? Math.floor(nowMs / REPLAY_STEP_MS) * REPLAY_STEP_MS, nowMs);
    const first = history.firstSampleAtMs();
    let fromMs = query.fromMs ?? Math.max(first ?? toMs, toMs - DEFAULT_REPLAY_DAYS * DAY_MS);
    if (fromMs >= toMs) return err({ code: 'invalid-arguments', message: 'replay: the period is empty (fromMs is not before toMs)' });
    fromMs = Math.max(fromMs, toMs - MAX_REPLAY_DAYS * DAY_MS);
    if (running) return err({ code: 'busy', message: 'Another replay is running; try again when it is done.' });
    running = true;
    try {
      const fleet = history.insights({ fromMs, toMs }, nowMs).fleet;
      const recorded: ReplayFigures = {
        expiredUnusedPct: fleet.expiredUnusedPct,
        expiredUnusedMax20xDays: fleet.weeklyResets > 0 ? fleet.expiredUnusedMax20xDays : null,
        weeklyResets: fleet.weeklyResets,
        limitHitMinutes: fleet.limitHitMinutes,
        avoidableLimitHitMinutes: null,
        switches: fleet.switches,
        demandServedPct: null,
      };
      return ok(await replayWhatIf({ source: history.replaySource({ fromMs, toMs }), recorded, settings, query, asIsCache }));
    } finally {
      running = false;
    }
  };
}

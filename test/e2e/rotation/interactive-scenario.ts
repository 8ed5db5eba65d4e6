/**
 * The rotation scenario in an interactive Claude Code session (tmux) with hooks AND statusline
 * installed (issue 9): while the Bash call runs, A crosses its 5h threshold (read by a poll), the
 * switch is deferred, and the statusline keeps sending the figure of the previous response (30 %
 * while the poll read 85 %). The stale figure must not cancel the switch: the request right after
 * the tool call must carry B's token.
 */
import { join } from 'node:path';
import type { StatuslineReading } from '../../../src-main/engine/sessions/session-registry.js';
import {
  awaitToolStart,
  breachA,
  listSafe,
  prepareRotationRun,
  recordRun,
  waitUntil,
  type RotationRecording,
  type ScenarioOptions,
} from './rotation-scenario.js';
import { startClaudeTmux } from './run-claude-tmux.js';

export interface InteractiveRecording extends RotationRecording {
  /** Statusline readings as the monitor received them (epoch ms of arrival). */
  readonly statusline: readonly (StatuslineReading & { readonly seenAtMs: number })[];
  /** The rotation's pending switch right after the breach was decided (null: none). */
  readonly pendingAfterBreach: string | null;
}

/** Runs the interactive scenario once. */
export async function runInteractiveRotationScenario(options: ScenarioOptions): Promise<InteractiveRecording> {
  const prep = await prepareRotationRun(options);
  const { sandbox, monitor, transitions, watch, messages, fail } = prep;
  const statusline: (StatuslineReading & { seenAtMs: number })[] = [];
  options.cleanups.push(monitor.registry.onStatusline((r) => statusline.push({ ...r, seenAtMs: Date.now() })));
  const tmux = startClaudeTmux({
    cwd: sandbox.project,
    env: sandbox.env({ CCMAX_DATA_DIR: monitor.dataDir }),
    scratchDir: sandbox.home,
  });
  options.cleanups.push(() => tmux.stop());
  const failWithPane = (message: string): Error => fail(`${message}\n--- pane ---\n${tmux.pane()}`);
  await waitUntil(() => tmux.pane().includes('❯'), 30_000, 'the interactive prompt').catch((e: unknown) => {
    throw failWithPane(String(e));
  });
  await tmux.submit('run the scripted command');
  const started = await awaitToolStart(prep, new Promise<string>(() => {}));
  const breachDecidedAtMs = await breachA(prep);
  const pendingAfterBreach = monitor.engine.snapshot().rotation?.pendingSwitch?.toId ?? null;

  const isToolEnd = (t: (typeof transitions)[number]) => t.sessionId === started.sessionId && t.from?.kind === 'tool';
  const turnDone = () => {
    const end = transitions.find(isToolEnd);
    return (
      end !== undefined &&
      messages.calls.some((c) => c.answered === 'text' && c.atMs >= end.seenAtMs) &&
      transitions.some((t) => t.sessionId === started.sessionId && t.to?.kind === 'idle' && t.seenAtMs >= end.seenAtMs)
    );
  };
  await waitUntil(turnDone, 30_000, 'the turn to finish after the tool call').catch((e: unknown) => {
    throw failWithPane(String(e));
  });
  const pane = tmux.pane();
  await tmux.submit('/exit');
  await waitUntil(() => transitions.some((t) => t.sessionId === started.sessionId && t.to === null), 15_000, 'the session to end').catch(
    (e: unknown) => {
      throw failWithPane(String(e));
    },
  );
  await waitUntil(() => listSafe(join(monitor.dataDir, 'pulsers')).length === 0, 15_000, 'the pulser to stop');
  tmux.stop();
  await watch.stop();
  const recording = await recordRun(prep, started, breachDecidedAtMs, { code: 0, stdout: pane, stderr: '' });
  return { ...recording, statusline: [...statusline], pendingAfterBreach };
}

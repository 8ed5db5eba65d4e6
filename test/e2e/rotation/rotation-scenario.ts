/**
 * The rotation scenario with the real Claude Code CLI, run once and recorded with timestamps: a
 * `-p` session runs a slow Bash call; while it runs, the active account A crosses its 5h threshold;
 * the monitor must defer the switch to B until the call ends, then write B before the session's
 * next request. The test file asserts on the recording.
 */
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { hooksCommand } from '../../../src-main/cli/commands/hooks.js';
import type { EngineEvent } from '../../../src-main/engine/events/event-types.js';
import type { SessionTransition } from '../../../src-main/engine/sessions/session-states.js';
import { fingerprint } from '../../../src-main/engine/vault/credentials.js';
import type { LastSwitchView } from '../../../src-main/shared/view-model.js';
import { createClaudeSandbox } from '../../heartbeat/claude-sandbox.js';
import { createMessagesEndpoint, type MessagesCall, type UnifiedRateLimits } from '../../stand-in/messages-endpoint.js';
import { watchCredentials, type CredentialsChange } from './credentials-watch.js';
import { startRotationMonitor } from './rotation-monitor.js';
import { runClaudePrint } from './run-claude.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface RotationRecording {
  readonly fingerprintA: string;
  readonly fingerprintB: string;
  readonly accountA: string;
  readonly accountB: string;
  readonly sessionId: string;
  /** Arrival of PreToolUse / PostToolUse at the monitor (registry transitions), epoch ms. */
  readonly toolStartedAtMs: number;
  readonly toolEndedAtMs: number;
  /** When the breach reading had been polled and decided on (still inside the tool call, or the run is void). */
  readonly breachDecidedAtMs: number;
  readonly credentials: readonly CredentialsChange[];
  readonly watchStats: { readonly reads: number; readonly unreadable: number; readonly longestGapMs: number };
  readonly calls: readonly MessagesCall[];
  readonly deferred: readonly EngineEvent[];
  readonly switched: readonly EngineEvent[];
  readonly lastSwitch: LastSwitchView | null;
  /** `oauthAccount.accountUuid` in the sandbox's `.claude.json` after the run. */
  readonly identityAfter: string | null;
  readonly cli: { readonly code: number | null; readonly stdout: string; readonly stderr: string };
  /** The monitor's log, for failure messages. */
  readonly logLines: readonly string[];
}

export interface ScenarioOptions {
  /** Directory holding the bundled hook client `heartbeat.js`. */
  readonly heartbeatDir: string;
  /** Seconds the scripted Bash call sleeps. */
  readonly bashSeconds: number;
  /** Cleanup steps are pushed here (run them last-in first-out, even when this throws). */
  readonly cleanups: (() => Promise<void> | void)[];
}

export async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function listSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Everything a run needs before the CLI starts: sandbox, fleet, monitor, hooks, watchers. */
export async function prepareRotationRun(options: ScenarioOptions) {
  const { cleanups } = options;
  const nowMs = Date.now();
  const nowS = Math.floor(nowMs / 1000);
  // What /v1/messages answers carry; -p runs no statusline, so they reach no decision.
  const limits: UnifiedRateLimits = {
    fiveHourUtilization: 0.3,
    fiveHourResetS: nowS + 3 * 3600,
    sevenDayUtilization: 0.4,
    sevenDayResetS: nowS + 2 * 86_400,
    status: 'allowed',
  };
  const sandbox = await createClaudeSandbox(limits);
  cleanups.push(() => sandbox.dispose());
  const { simulator } = sandbox;
  const accountA = sandbox.accountId;
  const accountB = simulator.accounts().find((a) => a.accountUuid !== accountA)?.accountUuid;
  if (!accountB) throw new Error('the sandbox fleet needs a second account');
  // A (Claude Code's login) resets soonest, so rotation keeps it; B is fresh and resets later.
  simulator.setWindows(accountA, {
    sevenDayPct: 40,
    sevenDayResetsAtMs: nowMs + 2 * DAY_MS,
    fiveHourPct: 30,
    fiveHourResetsAtMs: nowMs + 3 * HOUR_MS,
  });
  simulator.setWindows(accountB, { sevenDayPct: 20, sevenDayResetsAtMs: nowMs + 5 * DAY_MS, fiveHourPct: 0, fiveHourResetsAtMs: null });
  const messages = createMessagesEndpoint({
    bashCommand: `sleep ${options.bashSeconds}; echo done`,
    finalText: 'done',
    rateLimits: () => limits,
  });
  sandbox.standIn.addRoute('POST', '/v1/messages', messages.handler);
  const fingerprintA = fingerprint(simulator.credentials(accountA).accessToken);
  const fingerprintB = fingerprint(simulator.credentials(accountB).accessToken);

  const monitor = await startRotationMonitor({
    claudeConfigDir: sandbox.configDir,
    homeDir: sandbox.home,
    apiBaseUrl: sandbox.standIn.url,
    tokenUrl: sandbox.standIn.tokenUrl,
    moreLogins: [simulator.credentials(accountB)],
  });
  cleanups.push(() => monitor.stop());
  const fail = (message: string): Error => new Error(`${message}\n--- monitor log ---\n${monitor.logLines.slice(-40).join('\n')}`);
  if (monitor.engine.activeAccountId() !== accountA) throw fail('the monitor did not settle on A before the run');

  // Our installer, as a user runs it: `ccmax-monitor hooks install --data-dir … --heartbeat-script …`.
  const installOut: string[] = [];
  const installed = await hooksCommand(
    ['install', '--data-dir', monitor.dataDir, '--heartbeat-script', join(options.heartbeatDir, 'heartbeat.js')],
    {
      stdout: (t) => installOut.push(t),
      stderr: (t) => installOut.push(t),
      env: { HOME: sandbox.home, CLAUDE_CONFIG_DIR: sandbox.configDir },
      cwd: sandbox.project,
      stdin: Readable.from([]),
      platform: 'linux',
      homeDir: sandbox.home,
    },
  );
  if (installed !== 0) throw fail(`hooks install exited ${installed}: ${installOut.join('')}`);

  const transitions: (SessionTransition & { seenAtMs: number })[] = [];
  let onToolStart: (t: SessionTransition) => void = () => {};
  const unsubscribe = monitor.registry.onTransition((t) => {
    transitions.push({ ...t, seenAtMs: Date.now() });
    if (t.to?.kind === 'tool' && t.to.toolName === 'Bash') onToolStart(t);
  });
  cleanups.push(unsubscribe);
  const toolStarted = new Promise<SessionTransition>((resolve) => (onToolStart = resolve));
  const watch = watchCredentials(monitor.claudePaths.credentialsFile);
  cleanups.push(() => watch.stop());

  return {
    sandbox,
    simulator,
    accountA,
    accountB,
    limits,
    messages,
    fingerprintA,
    fingerprintB,
    monitor,
    fail,
    transitions,
    toolStarted,
    watch,
  };
}

export type PreparedRun = Awaited<ReturnType<typeof prepareRotationRun>>;

/** Waits for the scripted Bash call to start, failing early when the CLI is gone or nothing happens. */
export async function awaitToolStart(prep: PreparedRun, exited: Promise<string>): Promise<SessionTransition> {
  let noToolTimer: NodeJS.Timeout | undefined;
  return Promise.race([
    prep.toolStarted,
    exited.then((why) => Promise.reject(prep.fail(`the CLI exited before its Bash call started: ${why}`))),
    new Promise<never>((_, reject) => (noToolTimer = setTimeout(() => reject(prep.fail('no Bash tool call within 45 s')), 45_000))),
  ]).finally(() => clearTimeout(noToolTimer));
}

/** A crosses its 5h threshold while the call runs; the engine reads it through a usage poll. */
export async function breachA(prep: PreparedRun): Promise<number> {
  prep.simulator.setWindows(prep.accountA, { fiveHourPct: 85 });
  await prep.monitor.engine.refreshNow(prep.accountA);
  await prep.monitor.engine.settleRotation();
  return Date.now();
}

/** Runs the print-mode scenario once; throws (with the monitor log) when the run itself cannot be made. */
export async function runRotationScenario(options: ScenarioOptions): Promise<RotationRecording> {
  const prep = await prepareRotationRun(options);
  const { cleanups } = options;
  const { sandbox, monitor, transitions, watch } = prep;
  // No CCMAX_URL: the hook client finds the monitor through the discovery file, as installed.
  const run = runClaudePrint({
    cwd: sandbox.project,
    env: sandbox.env({ CCMAX_DATA_DIR: monitor.dataDir }),
    prompt: 'run the scripted command',
  });
  cleanups.push(() => run.stop());
  const started = await awaitToolStart(
    prep,
    run.done.then((r) => `exit ${r.code}: ${r.stderr.slice(-500)}`),
  );
  const breachDecidedAtMs = await breachA(prep);

  const cli = await run.done;
  await waitUntil(() => transitions.some((t) => t.sessionId === started.sessionId && t.to === null), 15_000, 'the session to end');
  // SessionEnd stops the session's pulser; wait for it so nothing outlives the temp dirs.
  await waitUntil(() => listSafe(join(monitor.dataDir, 'pulsers')).length === 0, 15_000, 'the pulser to stop');
  await watch.stop();
  return recordRun(prep, started, breachDecidedAtMs, cli);
}

/** The recording of a finished run (the CLI is gone, the watch stopped). */
export async function recordRun(
  prep: PreparedRun,
  started: SessionTransition,
  breachDecidedAtMs: number,
  cli: RotationRecording['cli'],
): Promise<RotationRecording> {
  const { accountA, accountB, messages, fingerprintA, fingerprintB, monitor, fail, transitions, watch } = prep;
  const ended = transitions.find((t) => t.sessionId === started.sessionId && t.from?.kind === 'tool');
  if (!ended) throw fail(`the registry never saw the Bash call end (CLI exit ${cli.code}): ${cli.stderr.slice(-500)}`);
  const identity = await readFile(monitor.claudePaths.claudeJson, 'utf8').then(
    (text) => (JSON.parse(text) as { oauthAccount?: { accountUuid?: string } }).oauthAccount?.accountUuid ?? null,
    () => null,
  );
  return {
    fingerprintA,
    fingerprintB,
    accountA,
    accountB,
    sessionId: started.sessionId,
    toolStartedAtMs: transitions.find((t) => t.sessionId === started.sessionId && t.to?.kind === 'tool')?.seenAtMs ?? started.atMs,
    toolEndedAtMs: ended.seenAtMs,
    breachDecidedAtMs,
    credentials: [...watch.changes],
    watchStats: watch.stats(),
    calls: [...messages.calls],
    deferred: monitor.engine.events({ kinds: ['switch-deferred'] }),
    switched: monitor.engine.events({ kinds: ['account-switched'] }),
    lastSwitch: monitor.engine.snapshot().lastSwitch,
    identityAfter: identity,
    cli,
    logLines: [...monitor.logLines],
  };
}

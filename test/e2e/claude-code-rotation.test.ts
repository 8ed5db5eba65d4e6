/**
 * Rotation end to end with the real Claude Code CLI (devDependency) against the loopback stand-in:
 * the monitor as `serve` composes it (engine, HTTP server, heartbeat endpoint, discovery file), hooks
 * installed by `ccmax-monitor hooks install`, a sandboxed HOME/CLAUDE_CONFIG_DIR. A `-p` session runs
 * a slow Bash call while the active account A crosses its 5h threshold: the switch to B must wait for
 * the call to end, land within 1 s of it, and carry the session's very next request.
 * The scenario runs once (rotation/rotation-scenario.ts); each test checks one behaviour of it.
 * Set CCMAX_E2E_REPORT=1 to print the measured latencies. Skipped only when the CLI is absent.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeCliPresent } from '../heartbeat/claude-sandbox.js';
import { runRotationScenario, type RotationRecording } from './rotation/rotation-scenario.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BASH_SECONDS = 4;
/** The product promise: the new login is in place within 1 s after the tool call ended. */
const SWITCH_BOUND_MS = 1_000;

const cleanups: (() => Promise<void> | void)[] = [];
let outDir = '';
let rec: RotationRecording;

/** The recording's timings relative to the tool call's end, for failure messages and the report. */
function figures(r: RotationRecording): Record<string, number | string | null> {
  const toB = r.credentials.find((c) => c.tokenFingerprint === r.fingerprintB);
  const switchedAt = r.switched[0]?.atMs ?? null;
  const next = r.calls[1];
  return {
    toolMs: r.toolEndedAtMs - r.toolStartedAtMs,
    breachDecidedAfterToolStartMs: r.breachDecidedAtMs - r.toolStartedAtMs,
    deferredAfterToolStartMs: r.deferred[0] ? r.deferred[0].atMs - r.toolStartedAtMs : null,
    toolEndToSwitchEventMs: switchedAt === null ? null : switchedAt - r.toolEndedAtMs,
    toolEndToFileChangedMs: toB ? toB.atMs - r.toolEndedAtMs : null,
    toolEndToNextRequestMs: next ? next.atMs - r.toolEndedAtMs : null,
    fileChangedToNextRequestMs: toB && next ? next.atMs - toB.atMs : null,
    fileReads: r.watchStats.reads,
    longestReadGapMs: r.watchStats.longestGapMs,
  };
}

describe.skipIf(!claudeCliPresent())('rotation end to end with the real Claude Code CLI', () => {
  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'ccmax-e2e-rotation-bundle-'));
    const built = spawnSync(process.execPath, [join(ROOT, 'scripts/build-heartbeat.mjs'), '--outdir', outDir], { encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
    rec = await runRotationScenario({ heartbeatDir: outDir, bashSeconds: BASH_SECONDS, cleanups });
    expect(rec.cli.code, rec.cli.stderr.slice(-800)).toBe(0);
    expect(rec.cli.stdout.trim()).toBe('done');
    if (process.env.CCMAX_E2E_REPORT) console.info(`[rotation e2e] ${JSON.stringify(figures(rec))}`);
  }, 120_000);

  afterAll(async () => {
    while (cleanups.length) await cleanups.pop()?.();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  }, 30_000);

  it('reads the breach while the Bash call is still running, so the run tests a deferral', () => {
    expect(rec.breachDecidedAtMs, JSON.stringify(figures(rec))).toBeLessThan(rec.toolEndedAtMs);
    expect(rec.toolEndedAtMs - rec.toolStartedAtMs).toBeGreaterThanOrEqual(BASH_SECONDS * 1000 - 250);
  });

  it('logs a switch-deferred event naming the session inside its Bash call', () => {
    expect(rec.deferred).toHaveLength(1);
    const [deferred] = rec.deferred;
    expect(deferred?.accountId).toBe(rec.accountB);
    expect(deferred?.data).toMatchObject({ trigger: 'breach', blockedBy: rec.sessionId, tool: 'Bash' });
    expect(deferred?.atMs).toBeGreaterThanOrEqual(rec.toolStartedAtMs);
    expect(deferred?.atMs).toBeLessThan(rec.toolEndedAtMs);
  });

  it('keeps A’s login in the credentials file for the whole tool call', () => {
    const duringCall = rec.credentials.filter((c) => c.atMs <= rec.toolEndedAtMs);
    expect(duringCall.length).toBeGreaterThan(0);
    expect(duringCall.map((c) => c.tokenFingerprint)).toEqual([rec.fingerprintA]);
    expect(rec.credentials[0]?.atMs).toBeLessThan(rec.toolStartedAtMs);
    // Atomic writes: no read ever saw a half-written or missing file.
    expect(rec.watchStats.unreadable).toBe(0);
  });

  it('writes B’s login within 1 s after the tool call ends', () => {
    expect(rec.credentials.map((c) => c.tokenFingerprint)).toEqual([rec.fingerprintA, rec.fingerprintB]);
    const changedAtMs = rec.credentials[1]?.atMs ?? Number.NaN;
    expect(changedAtMs - rec.toolEndedAtMs, JSON.stringify(figures(rec))).toBeLessThanOrEqual(SWITCH_BOUND_MS);
    expect(changedAtMs).toBeGreaterThanOrEqual(rec.toolEndedAtMs);
  });

  it('sends the session’s next request with B’s token, and the one before with A’s', () => {
    expect(rec.calls.map((c) => c.answered)).toEqual(['tool_use', 'text']);
    const [before, after] = rec.calls;
    expect(before?.bearerFingerprint).toBe(rec.fingerprintA);
    expect(after?.bearerFingerprint).toBe(rec.fingerprintB);
    expect(after?.accountId).toBe(rec.accountB);
    // The switch was written (and its event logged) before the tool-ended hook was acknowledged.
    expect(after?.atMs).toBeGreaterThanOrEqual(rec.switched[0]?.atMs ?? Number.POSITIVE_INFINITY);
  });

  it('logs one account-switched event with trigger breach from A to B after the call', () => {
    expect(rec.switched).toHaveLength(1);
    const [switched] = rec.switched;
    expect(switched?.accountId).toBe(rec.accountB);
    expect(switched?.data).toMatchObject({
      trigger: 'breach',
      fromId: rec.accountA,
      toId: rec.accountB,
      fromFiveHourPct: 85,
      toToken: rec.fingerprintB,
      forced: false,
    });
    expect(switched?.data?.deferredForMs).toBeGreaterThan(0);
    expect(switched?.atMs).toBeGreaterThanOrEqual(rec.toolEndedAtMs);
    expect(rec.lastSwitch).toMatchObject({ trigger: 'breach', fromId: rec.accountA, toId: rec.accountB });
  });

  it('names B in the oauthAccount block Claude Code shows', () => {
    expect(rec.identityAfter).toBe(rec.accountB);
  });
});

/**
 * Claude Code simulated on a config dir for the simulated-week tests: before each request it
 * refreshes its stored login when that expires within its threshold (5 min,
 * {@link CLAUDE_CODE_REFRESH_THRESHOLD_MS}) — with the stand-in's simulator, which counts a spent
 * refresh token as a reuse. Plus the hub-side helper those tests share: waiting until the hub
 * has done what is due (importing the demo fleet is the engine harness's `importAll`).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { CLAUDE_CODE_REFRESH_THRESHOLD_MS } from '../../src-main/engine/claude-code/claude-refresh-threshold.js';
import { fingerprint } from '../../src-main/engine/vault/credentials.js';
import { settleIo, type EngineHarness } from '../engine/engine-harness.js';

/** Awaits `promise`, failing with a message naming `what` if it takes longer than `timeoutMs` (real time). */
export async function bounded<T>(what: string, promise: Promise<T>, timeoutMs = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

export interface StoredLogin {
  readonly accessToken: string;
  /** Absent on an agent's machine (the hub sends access tokens only). */
  readonly refreshToken?: string;
  readonly expiresAt: number;
}

export const readStoredLogin = async (credentialsFile: string): Promise<StoredLogin> =>
  (JSON.parse(await readFile(credentialsFile, 'utf8')) as { claudeAiOauth: StoredLogin }).claudeAiOauth;

export interface ClaudeCodeFigures {
  /** Refreshes Claude Code had to make itself (the hub should have made them all). */
  claudeRefreshes: number;
  /** Refreshes with a refresh token already spent (a logout on the real service). */
  reuses: number;
  /** Looks where Claude Code needed a refresh but held no refresh token: it needs a login. */
  stranded: number;
}

export const noTrouble = (): ClaudeCodeFigures => ({ claudeRefreshes: 0, reuses: 0, stranded: 0 });

/** What Claude Code does before each request: refresh its stored login when it expires within 5 min. */
export async function claudeCodeTurn(h: EngineHarness, credentialsFile: string, figures: ClaudeCodeFigures): Promise<void> {
  const stored = await readStoredLogin(credentialsFile).catch(() => null);
  if (stored === null || stored.expiresAt > h.clock.now() + CLAUDE_CODE_REFRESH_THRESHOLD_MS) return;
  if (!stored.refreshToken) {
    figures.stranded++;
    return;
  }
  const refreshed = h.simulator.refresh(stored.refreshToken);
  if (!refreshed.ok) {
    figures.reuses++;
    return;
  }
  figures.claudeRefreshes++;
  const doc = JSON.parse(await readFile(credentialsFile, 'utf8')) as { claudeAiOauth: Record<string, unknown> };
  const { accessToken, refreshToken, expiresInSec } = refreshed.value;
  doc.claudeAiOauth = { ...doc.claudeAiOauth, accessToken, refreshToken, expiresAt: h.clock.now() + expiresInSec * 1000 };
  await writeFile(credentialsFile, JSON.stringify(doc), { mode: 0o600 });
}

/**
 * The clock jumps 30 min per step while the hub's I/O takes real time: before Claude Code looks, let
 * the hub finish what is due — nothing left to refresh now, and Claude Code's store (on the hub's
 * machine) holding the active account's newest login. A timer the hub armed for "now" while its I/O
 * ran fires without the clock moving (`advance(0)`), as a real 0 ms timer would. A hub that does not
 * get there within the bound fails the test, saying what it waited for.
 */
export async function hubCaughtUp(h: EngineHarness, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = h.opened.engine.snapshot();
    const row = s.accounts.find((a) => a.id === s.activeAccountId);
    const nextMs = s.nextTokenRefreshAtMs ?? Infinity;
    const held = fingerprint((await readStoredLogin(h.claudePaths.credentialsFile)).accessToken);
    if (nextMs > h.clock.now() && row?.token.fingerprint === held) return;
    if (Date.now() > deadline) {
      const at = new Date(h.clock.now()).toISOString();
      throw new Error(
        `the hub did not catch up by ${at} within ${timeoutMs} ms: next refresh at ${new Date(nextMs).toISOString()}, ` +
          `active ${s.activeAccountId} holds ${row?.token.fingerprint}, Claude Code's store holds ${held}`,
      );
    }
    await h.clock.advance(0);
    await settleIo();
  }
}

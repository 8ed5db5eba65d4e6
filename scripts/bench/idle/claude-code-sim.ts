/**
 * A stand-in for a Claude Code user working all day, for part 2 of the bench: every minute of
 * simulated time it "sends a request" with whatever login is in the Claude config dir (so usage
 * accrues on that account, and rotation has something to react to), and, as Claude Code does,
 * refreshes that login itself shortly before it expires — under Claude Code's own locks, writing
 * the new pair back to `.credentials.json`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FleetSimulator } from '../../../src-main/demo/fleet-simulator.js';
import { claudeCredentialLocks, withLocks } from '../../../src-main/engine/claude-code/credential-targets/claude-locks.js';
import { mergeCredentialsText, readCredentialsText } from '../../../src-main/engine/claude-code/credential-targets/credentials-json.js';
import type { Clock } from '../../../src-main/engine/ports.js';
import { ok } from '../../../src-main/shared/result.js';

/** Claude Code refreshes its login when it expires within this (its own margin is a few minutes). */
const REFRESH_AHEAD_MS = 5 * 60_000;

export interface ClaudeCodeSim {
  /** Stops the minute timer (a step already running finishes). */
  stop(): void;
}

export interface ClaudeCodeSimOptions {
  readonly clock: Clock;
  readonly simulator: FleetSimulator;
  readonly configDir: string;
  /** Receives anything that should not happen (a spent refresh token, an unreadable file). */
  readonly problem: (text: string) => void;
  /** Default one minute. */
  readonly everyMs?: number;
}

/** Starts the minute timer on `clock`. */
export function startClaudeCodeSim(options: ClaudeCodeSimOptions): ClaudeCodeSim {
  const { clock, simulator, configDir } = options;
  const file = join(configDir, '.credentials.json');
  const everyMs = options.everyMs ?? 60_000;
  let stopped = false;
  let timer: ReturnType<Clock['setTimeout']> | null = null;

  async function step(): Promise<void> {
    const result = await withLocks(await claudeCredentialLocks(configDir), { clock }, async () => {
      const text = await readFile(file, 'utf8').catch(() => null);
      const login = readCredentialsText(text, file);
      if (!login.ok || login.value === null) {
        options.problem(`Claude Code holds no readable login (${login.ok ? 'none' : login.error.message})`);
        return ok(undefined);
      }
      let credentials = login.value;
      if (credentials.expiresAtMs - REFRESH_AHEAD_MS <= clock.now()) {
        const refreshed = simulator.refresh(credentials.refreshToken);
        if (!refreshed.ok) {
          options.problem('Claude Code’s refresh token had already been spent (invalid_grant): someone refreshed a login Claude Code owns');
          return ok(undefined);
        }
        credentials = {
          ...credentials,
          accessToken: refreshed.value.accessToken,
          refreshToken: refreshed.value.refreshToken,
          expiresAtMs: clock.now() + refreshed.value.expiresInSec * 1000,
        };
        const merged = mergeCredentialsText(text, credentials, file);
        if (!merged.ok) return merged;
        await writeFile(file, merged.value, { mode: 0o600 });
      }
      simulator.useAccessToken(credentials.accessToken);
      return ok(undefined);
    });
    if (!result.ok) options.problem(`Claude Code could not use its login: ${result.error.message}`);
  }

  const arm = (): void => {
    if (stopped) return;
    timer = clock.setTimeout(() => {
      timer = null;
      void step()
        .catch((e: unknown) => options.problem(`Claude Code step failed: ${String(e)}`))
        .finally(arm);
    }, everyMs);
  };
  arm();
  return {
    stop() {
      stopped = true;
      if (timer !== null) clock.clearTimeout(timer);
    },
  };
}

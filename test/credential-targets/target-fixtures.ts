/** Shared fixtures for credential-target tests: fake logins, temp Claude config dirs, child processes. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OAuthCredentials } from '../../src-main/engine/vault/credentials.js';

export const HELPERS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../helpers');

/** A fake login; the token strings are test data, never real. */
export function login(tag: string, expiresAtMs = 1_795_554_139_000): OAuthCredentials {
  return {
    accessToken: `sk-ant-oat01-test-${tag}`,
    refreshToken: `sk-ant-ort01-test-${tag}`,
    expiresAtMs,
    scopes: ['user:inference', 'user:profile'],
    subscriptionType: 'max',
    rateLimitTier: 'default_claude_max_20x',
  };
}

/** The `claudeAiOauth` object Claude Code stores for `credentials`. */
export function asStored(credentials: OAuthCredentials): Record<string, unknown> {
  return {
    accessToken: credentials.accessToken,
    refreshToken: credentials.refreshToken,
    expiresAt: credentials.expiresAtMs,
    scopes: credentials.scopes,
    subscriptionType: credentials.subscriptionType,
    rateLimitTier: credentials.rateLimitTier,
  };
}

export interface TempClaude {
  readonly root: string;
  readonly configDir: string;
  readonly credentialsFile: string;
  readonly claudeJson: string;
  cleanup(): Promise<void>;
}

/** A temp home with a `.claude` config dir (created) and the paths Claude Code would use. */
export async function makeTempClaude(): Promise<TempClaude> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'ccmax-targets-'));
  const configDir = path.join(root, '.claude');
  await fs.mkdir(configDir, { mode: 0o700 });
  return {
    root,
    configDir,
    credentialsFile: path.join(configDir, '.credentials.json'),
    claudeJson: path.join(root, '.claude.json'),
    cleanup: () => fs.rm(root, { recursive: true, force: true }),
  };
}

/** A running helper process with a way to wait for a line on its stdout and for its exit. */
export interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  waitForLine(line: string, timeoutMs?: number): Promise<void>;
  exited(): Promise<number | null>;
  stderr(): string;
}

export function startChild(script: string, args: readonly string[]): Child {
  const child = spawn(process.execPath, [path.join(HELPERS_DIR, script), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: { line: string; resolve: () => void }[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const w of [...waiters]) {
      if (stdout.split('\n').includes(w.line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    process: child,
    stderr: () => stderr,
    exited: () => exit,
    waitForLine: (line, timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        if (stdout.split('\n').includes(line)) return resolve();
        const timer = setTimeout(
          () => reject(new Error(`no "${line}" from ${script} within ${timeoutMs} ms; stderr: ${stderr}`)),
          timeoutMs,
        );
        waiters.push({ line, resolve: () => (clearTimeout(timer), resolve()) });
        void exit.then((code) => reject(new Error(`${script} exited (${code}) before "${line}"; stderr: ${stderr}`)));
      }),
  };
}

/** Names in `dir` that are temp files of ours. */
export async function ourTemps(dir: string): Promise<string[]> {
  return (await fs.readdir(dir)).filter((name) => name.includes('.ccmax-') && name.endsWith('.tmp'));
}

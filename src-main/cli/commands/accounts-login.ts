/**
 * `ccmax-monitor accounts login`: adds an account without touching the login Claude Code uses now.
 * Runs Claude Code's own `claude auth login` against a fresh private CLAUDE_CONFIG_DIR (a 0700
 * temporary dir), imports the login it wrote, and deletes the dir whatever happens.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccountOpError, AccountSummary } from '../../engine/index.js';
import type { Result } from '../../shared/result.js';
import type { CliIo } from '../cli-types.js';

/** Runs `claude auth login` with `configDir` as its config dir; resolves to its exit code (null: could not start). */
function runClaudeLogin(io: CliIo, configDir: string): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn('claude', ['auth', 'login'], {
      cwd: io.cwd,
      env: { ...io.env, CLAUDE_CONFIG_DIR: configDir },
      stdio: 'inherit',
    });
    child.once('error', () => resolve(null));
    child.once('exit', (code) => resolve(code));
  });
}

/** The whole flow; `add` imports a credentials JSON into the vault (locally or through the monitor). */
export async function loginNewAccount(
  io: CliIo,
  add: (json: string) => Promise<Result<AccountSummary, AccountOpError>>,
  where: string,
): Promise<number> {
  const configDir = await mkdtemp(join(io.env.TMPDIR ?? tmpdir(), 'ccmax-login-'));
  try {
    io.stderr(`Starting 'claude auth login' in a private, temporary config dir; the login Claude Code uses now is not touched.\n`);
    const code = await runClaudeLogin(io, configDir);
    if (code === null) {
      io.stderr("ccmax-monitor: could not run 'claude'. Install Claude Code (npm install -g @anthropic-ai/claude-code) and try again.\n");
      return 1;
    }
    if (code !== 0) {
      io.stderr(`ccmax-monitor: 'claude auth login' did not finish (exit ${code}); nothing was added.\n`);
      return 1;
    }
    let json: string;
    try {
      json = await readFile(join(configDir, '.credentials.json'), 'utf8');
    } catch {
      io.stderr(
        io.platform === 'darwin'
          ? 'ccmax-monitor: the login went to the macOS keychain, not a file; ' +
              "run 'ccmax-monitor accounts import' after logging in with `claude /login` instead.\n"
          : "ccmax-monitor: 'claude auth login' finished but wrote no login; nothing was added.\n",
      );
      return 1;
    }
    const added = await add(json);
    if (!added.ok) {
      io.stderr(`ccmax-monitor: ${added.error.message}\n`);
      return 1;
    }
    const a = added.value;
    const who = `${a.email}${a.plan ? ` (${a.plan})` : ''}`;
    io.stdout(
      a.outcome === 'kept-newer'
        ? `${who} is already there with a newer login; kept the newer one.\n`
        : `${a.outcome === 'updated' ? 'Updated the login of' : 'Added'} ${who} in ${where}.\n`,
    );
    return 0;
  } finally {
    await rm(configDir, { recursive: true, force: true });
  }
}

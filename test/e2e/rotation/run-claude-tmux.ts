/**
 * Runs the real Claude Code CLI interactively in tmux: a private tmux server (its own `-L` socket,
 * so the sandbox environment is the server's and nothing is shared with other users of tmux), a
 * 120×40 pane, keys sent as a user types them.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLAUDE_CLI } from '../../heartbeat/claude-sandbox.js';

export interface ClaudeTmux {
  readonly sessionName: string;
  /** The pane's visible text. */
  pane(): string;
  /** Types `text` and presses Enter. */
  submit(text: string): Promise<void>;
  /** Kills the private tmux server (and the CLI with it). Safe to call twice. */
  stop(): void;
}

const shellQuote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

/** Starts `claude --allowedTools Bash` in `cwd` with exactly `env` (a launcher script sets it). */
export function startClaudeTmux(options: { cwd: string; env: NodeJS.ProcessEnv; scratchDir: string }): ClaudeTmux {
  const unique = `${process.pid}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const socketName = `ccmax-e2e-rot-${unique}`;
  const sessionName = `ccmax-rot-${unique}`;
  const launcher = join(options.scratchDir, `launch-claude-${unique}.sh`);
  const exports = Object.entries(options.env)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([k, v]) => `export ${k}=${shellQuote(v)}`);
  writeFileSync(
    launcher,
    [
      '#!/bin/sh',
      `cd ${shellQuote(options.cwd)}`,
      ...exports,
      `exec ${shellQuote(process.execPath)} ${shellQuote(CLAUDE_CLI)} --allowedTools Bash`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socketName, ...args], { encoding: 'utf8' });
  tmux('new-session', '-d', '-x', '120', '-y', '40', '-s', sessionName, launcher);
  let stopped = false;
  return {
    sessionName,
    pane: () => {
      try {
        return tmux('capture-pane', '-p', '-t', sessionName);
      } catch {
        return '';
      }
    },
    async submit(text) {
      tmux('send-keys', '-t', sessionName, '-l', text);
      await new Promise((r) => setTimeout(r, 300));
      tmux('send-keys', '-t', sessionName, 'Enter');
    },
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        tmux('kill-server');
      } catch {
        // Already gone.
      }
    },
  };
}

/** Runs the real Claude Code CLI in print mode (`-p`) in a sandbox, as a child the test can stop. */
import { spawn } from 'node:child_process';
import { CLAUDE_CLI } from '../../heartbeat/claude-sandbox.js';

export interface ClaudeRun {
  readonly pid: number | undefined;
  /** Settles when the CLI exits, with its exit code and output. */
  readonly done: Promise<{ readonly code: number | null; readonly stdout: string; readonly stderr: string }>;
  /** Kills the CLI if it still runs (cleanup after a failed assertion). */
  stop(): Promise<void>;
}

/** Starts `claude -p <prompt> --allowedTools Bash` (root refuses `--dangerously-skip-permissions`). */
export function runClaudePrint(options: { cwd: string; env: NodeJS.ProcessEnv; prompt: string }): ClaudeRun {
  const child = spawn(process.execPath, [CLAUDE_CLI, '-p', options.prompt, '--allowedTools', 'Bash'], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: the wrapper runs the native binary with spawnSync, so stopping the
    // wrapper alone would orphan the binary; the group takes both (and their hook children).
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.on('error', (error) => resolve({ code: null, stdout, stderr: `${stderr}${error.message}` }));
  });
  return {
    pid: child.pid,
    done,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const signalGroup = (signal: NodeJS.Signals): void => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, signal);
        } catch {
          // Already gone.
        }
      };
      signalGroup('SIGTERM');
      const exited = await Promise.race([done.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 3_000))]);
      if (!exited) signalGroup('SIGKILL');
      await done;
    },
  };
}

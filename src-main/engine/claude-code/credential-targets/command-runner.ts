/** Runs an external command with optional stdin; injectable so tests never touch the real keychain. */
import { spawn } from 'node:child_process';

export interface CommandResult {
  /** Null when the command was killed (e.g. by the timeout). */
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `file` with `args`; resolves for any exit code, rejects only when it cannot be started. */
export type CommandRunner = (file: string, args: readonly string[], options?: { readonly stdin?: string }) => Promise<CommandResult>;

/** The real runner: `spawn` without a shell, stdin written then closed, killed after `timeoutMs` (default 10 s). */
export function createCommandRunner(timeoutMs = 10_000): CommandRunner {
  return (file, args, options = {}) =>
    new Promise((resolve, reject) => {
      const child = spawn(file, [...args], { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ exitCode: code, stdout, stderr });
      });
      // A command that exits before reading stdin makes the write fail with EPIPE; the exit code says why.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.stdin ?? '');
    });
}

/** Runs the user's own statusline command with the same stdin and returns what it printed (bounded). */

/** Output of `command` (empty on failure or timeout), never more than 64 KiB. */
export async function runChained(command: string | null, stdin: string, cwd: string, timeoutMs: number): Promise<string> {
  if (!command) return '';
  const { spawn } = await import('node:child_process');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const child = spawn(command, { shell: true, cwd, stdio: ['pipe', 'pipe', 'ignore'], windowsHide: true });
    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish();
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= 65_536) chunks.push(chunk);
    });
    child.on('error', finish);
    child.on('close', finish);
    child.stdin.on('error', () => {});
    child.stdin.end(stdin);
  });
}

import { describe, expect, it } from 'vitest';
import { createCommandRunner } from '../../src-main/engine/claude-code/credential-targets/command-runner.js';

const run = createCommandRunner(5_000);

describe('createCommandRunner', () => {
  it('passes stdin to the command and returns its output and exit code', async () => {
    const script =
      'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => { process.stdout.write(s.toUpperCase()); process.exit(7); });';
    expect(await run(process.execPath, ['-e', script], { stdin: 'hello\n' })).toEqual({ exitCode: 7, stdout: 'HELLO\n', stderr: '' });
  });

  it('resolves for a failing command with its stderr', async () => {
    const result = await run(process.execPath, ['-e', 'process.stderr.write("nope"); process.exit(3)']);
    expect(result).toEqual({ exitCode: 3, stdout: '', stderr: 'nope' });
  });

  it('rejects when the command cannot be started', async () => {
    await expect(run('/nonexistent/security', [])).rejects.toThrow();
  });

  it('kills a command that outlives its timeout', async () => {
    const quick = createCommandRunner(200);
    expect(await quick(process.execPath, ['-e', 'setTimeout(() => {}, 10_000)'])).toMatchObject({ exitCode: null });
  });
});

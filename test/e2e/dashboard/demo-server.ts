/**
 * Runs `ccmax-monitor serve --demo --port 0` for the dashboard's browser tests: builds first when
 * the bundle or the dashboard build is missing, parses the URL and sandbox data dir from stdout,
 * and stops the process (SIGTERM, then SIGKILL) when done.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Builds the dashboard and the CLI bundle when either is missing. */
export function ensureBuilt(): void {
  const run = (script: string) => {
    const result = spawnSync(process.execPath, [join(ROOT, script)], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    if (result.status !== 0) throw new Error(`${script} failed:\n${result.stderr}${result.stdout}`);
  };
  if (!existsSync(join(ROOT, 'src-renderer/dist/index.html'))) run('scripts/build-renderer.mjs');
  if (!existsSync(join(ROOT, 'out/cli.js')) || !existsSync(join(ROOT, 'out/renderer/assets'))) run('scripts/build.mjs');
}

export interface DemoServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** The sandbox data dir the demo uses (deleted when it exits). */
  readonly dataDir: string | null;
  /** Everything the server wrote, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts the demo server and resolves once it prints its address. */
export async function startDemoServer(timeoutMs = 20_000): Promise<DemoServer> {
  const env: NodeJS.ProcessEnv = {};
  // A clean environment: no CCMAX_* or CLAUDE_* variable of the developer's leaks into the demo.
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('CCMAX_') && !key.startsWith('CLAUDE_')) env[key] = value;
  }
  const child = spawn(process.execPath, [join(ROOT, 'bin/ccmax-monitor.js'), 'serve', '--demo', '--port', '0', '--log-level', 'warn'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve --demo did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const check = () => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve --demo exited with ${code}:\n${output}`));
    });
  });
  const dataDir = /· data (\S+) \(sandbox/.exec(output)?.[1] ?? null;
  return { url, dataDir, output: () => output, stop: () => stopChild(child) };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

// `npm run bench` (after `npm run build`): idle RSS/CPU of `ccmax-monitor serve` with 10 accounts and
// usage-endpoint calls per account-hour. The bench is TypeScript, run through scripts/run-ts.mjs;
// scripts/bench/idle/main.ts lists the env knobs. Exit code: 0 goals met, 1 one missed, 2 bench failed.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(root, 'out', 'cli.js'))) {
  process.stderr.write('bench: out/cli.js is missing; run `npm run build` first (or use `npm run bench`).\n');
  process.exit(2);
}
const child = spawn(process.execPath, [join(root, 'scripts', 'run-ts.mjs'), join(root, 'scripts', 'bench', 'idle', 'main.ts'), root], {
  stdio: 'inherit',
  cwd: root,
});
// Ctrl-C reaches the bench through the process group; a SIGTERM sent to this pid is passed on.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => {
  if (signal) process.stderr.write(`${basename(fileURLToPath(import.meta.url))}: the script ended by ${signal}\n`);
  process.exit(code ?? 128 + (constants.signals[signal] ?? 0));
});

// `npm run test:chaos`: the chaos test (test/chaos) at full length — 200 iterations unless
// CHAOS_ITERATIONS says otherwise. `npm test` runs it with its default of 20.
import { spawnSync } from 'node:child_process';

const iterations = process.env.CHAOS_ITERATIONS ?? '200';
const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
if (build.status !== 0) process.exit(build.status ?? 1);
const run = spawnSync('npx', ['vitest', 'run', 'test/chaos'], {
  stdio: 'inherit',
  env: { ...process.env, CHAOS_ITERATIONS: iterations },
  shell: process.platform === 'win32',
});
process.exit(run.status ?? 1);

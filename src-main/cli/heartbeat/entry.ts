/**
 * Entry of the separately bundled hook client (`out/heartbeat.js`, built by
 * scripts/build-heartbeat.mjs): what Claude Code's hooks and statusline run on every call. Kept
 * free of heavy imports; bounded by a hard deadline; exits 0 whatever happens.
 */
import { homedir } from 'node:os';
import { runHeartbeat } from './run-heartbeat.js';

const argv = process.argv.slice(2);
const mode = argv.find((a) => !a.startsWith('--')) ?? 'hook';
if (mode !== 'pulse') {
  // Never let Claude Code wait on us: hooks get 2 s at most, the statusline (with a chained user
  // command) 4.5 s; Claude Code's own hook timeout is 5 s.
  setTimeout(() => process.exit(0), mode === 'statusline' ? 4_500 : 2_000).unref();
  process.on('uncaughtException', () => process.exit(0));
  process.on('unhandledRejection', () => process.exit(0));
}

const scriptPath = process.argv[1] ?? '';
runHeartbeat(argv, {
  stdin: process.stdin,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  platform: process.platform,
  homeDir: homedir(),
  cwd: process.cwd(),
  ppid: process.ppid,
  selfArgs: [scriptPath],
}).then(
  (code) => {
    // Flush stdout (the status line) before leaving; pending sockets must not hold the process.
    if (process.stdout.writableLength === 0) process.exit(code);
    else process.stdout.once('drain', () => process.exit(code));
  },
  () => process.exit(0),
);

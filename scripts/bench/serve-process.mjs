// One way for the benches to start a real `ccmax-monitor serve` (bench:history, bench:flood): on
// 127.0.0.1 port 0 over a data dir, with a file vault, HOME and CLAUDE_CONFIG_DIR in a temp dir and
// the Anthropic endpoints pointed at a closed loopback port (no traffic leaves the machine). Resolves
// once it prints its URL; `stop()` sends SIGTERM, then SIGKILL after 5 s, and waits for the exit.
// Types: serve-process.d.mts.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** `root`: the project (bin/ccmax-monitor.js, out/); `dataDir`, `home`: temp dirs the caller owns. */
export async function startServe({ root, dataDir, home, startTimeoutMs = 20_000 }) {
  const child = spawn(
    process.execPath,
    [join(root, 'bin', 'ccmax-monitor.js'), 'serve', '--port', '0', '--data-dir', dataDir, '--vault', 'file', '--log-level', 'error'],
    {
      env: {
        ...process.env,
        HOME: home,
        CLAUDE_CONFIG_DIR: join(home, '.claude'),
        CCMAX_API_BASE_URL: 'http://127.0.0.1:9',
        CCMAX_OAUTH_TOKEN_URL: 'http://127.0.0.1:9/token',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  const rssBytes = () => {
    try {
      return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]) * 1024;
    } catch {
      return NaN;
    }
  };
  // utime + stime (fields 14 and 15 of /proc/<pid>/stat, after the parenthesised name), in clock ticks of 10 ms.
  const cpuMs = () => {
    try {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return NaN;
    }
  };
  for (let waitedMs = 0; waitedMs < startTimeoutMs; waitedMs += 50) {
    const m = /listening on (http:\/\/[^\s]+)/.exec(out);
    if (m) return { child, url: m[1], port: Number(new URL(m[1]).port), rssBytes, cpuMs, stop };
    if (child.exitCode !== null || child.signalCode !== null) break;
    await sleep(50);
  }
  await stop();
  throw new Error(`serve did not start:\n${out}`);
}

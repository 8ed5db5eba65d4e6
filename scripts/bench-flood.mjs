// `npm run bench:flood` (after `npm run build`): a hostile local client floods a real `ccmax-monitor serve`
// with session-started messages over the heartbeat socket — CONNECTIONS connections, each within the
// per-connection rate limit, SESSIONS messages in all — while a legitimate client asks /api/health every
// 50 ms and a dashboard stays connected. Reports the server's peak RSS (goal < 200 MB), /api/health
// latency p50/p99/max (goal p99 < 50 ms), live sessions after the flood, /api/state size and time.
// Loopback only; every loop is bounded. Usage: node scripts/bench-flood.mjs [--sessions 10000] [--connections 100] [--json]
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { startServe } from './bench/serve-process.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    sessions: { type: 'string', default: '10000' },
    connections: { type: 'string', default: '100' },
    json: { type: 'boolean', default: false },
  },
});
const SESSIONS = Number(opts.sessions);
const CONNECTIONS = Number(opts.connections);
if (!existsSync(join(root, 'out', 'cli.js'))) {
  process.stderr.write('bench:flood: out/cli.js is missing; run `npm run build` first.\n');
  process.exit(2);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
};

const dataDir = mkdtempSync(join(tmpdir(), 'ccmax-flood-'));
const home = mkdtempSync(join(tmpdir(), 'ccmax-flood-home-'));
const server = await startServe({ root, dataDir, home });
const { url, port } = server;
const rssOf = () => server.rssBytes() || 0;
let peakRss = rssOf();
const baselineRss = peakRss;
const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, rssOf())), 100);

// A dashboard stays connected through the flood.
const dashboard = new WebSocket(`ws://127.0.0.1:${port}/api/ws`, { headers: { host: `127.0.0.1:${port}` } });
let dashboardFrames = 0;
dashboard.on('message', () => (dashboardFrames += 1));
dashboard.on('error', () => {});

// The legitimate client: /api/health every 50 ms.
const health = [];
let healthFailures = 0;
let probing = true;
const prober = (async () => {
  while (probing) {
    const t0 = performance.now();
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5000) });
      await res.text();
      if (!res.ok) healthFailures += 1;
    } catch {
      healthFailures += 1;
    }
    health.push(performance.now() - t0);
    await sleep(50);
  }
})();

// Before the flood: the same probe on the idle server, so the machine's own noise is visible.
await sleep(3000);
const quiet = health.splice(0);

// The flood: each connection sends its share at 9 messages a second (under the 10/s limit).
const perConnection = Math.ceil(SESSIONS / CONNECTIONS);
let sent = 0;
const floodStartMs = performance.now();
await Promise.all(
  Array.from(
    { length: CONNECTIONS },
    (_, c) =>
      new Promise((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/heartbeat`, { headers: { host: `127.0.0.1:${port}` } });
        ws.on('error', () => {});
        ws.on('close', () => resolve());
        ws.on('open', async () => {
          for (let i = 0; i < perConnection && c * perConnection + i < SESSIONS; i++) {
            if (ws.readyState !== WebSocket.OPEN) return resolve();
            ws.send(
              JSON.stringify({
                v: 1,
                type: 'session-started',
                sessionId: `flood-${c}-${i}-${'x'.repeat(20)}`,
                host: 'flood',
                cwd: `/tmp/flood/${c}/${i}`,
                pid: null,
                claudeVersion: '2.1.332',
                source: 'startup',
              }),
            );
            sent += 1;
            await sleep(111);
          }
          ws.close();
        });
      }),
  ),
);
const floodSeconds = (performance.now() - floodStartMs) / 1000;
await sleep(1000);
probing = false;
await prober;
clearInterval(rssTimer);
const stateT0 = performance.now();
const stateRes = await fetch(`${url}/api/state`);
const stateText = await stateRes.text();
const stateMs = performance.now() - stateT0;
let liveSessions = null;
try {
  liveSessions = JSON.parse(stateText).sessions?.length ?? null;
} catch {}
dashboard.terminate();
await server.stop();
rmSync(dataDir, { recursive: true, force: true });
rmSync(home, { recursive: true, force: true });

const result = {
  sessionsSent: sent,
  connections: CONNECTIONS,
  floodSeconds: Number(floodSeconds.toFixed(1)),
  liveSessionsAfter: liveSessions,
  rssBaselineMb: Number((baselineRss / 2 ** 20).toFixed(1)),
  rssPeakMb: Number((peakRss / 2 ** 20).toFixed(1)),
  quietHealthP99Ms: Number(quantile(quiet, 0.99).toFixed(1)),
  healthSamples: health.length,
  healthFailures,
  healthP50Ms: Number(quantile(health, 0.5).toFixed(1)),
  healthP99Ms: Number(quantile(health, 0.99).toFixed(1)),
  healthMaxMs: Number(Math.max(...health).toFixed(1)),
  stateBytes: stateText.length,
  stateMs: Number(stateMs.toFixed(1)),
  dashboardFrames,
};
if (opts.json) console.log(JSON.stringify(result));
else {
  console.log(`bench:flood — ${sent} session-started messages over ${CONNECTIONS} connections in ${result.floodSeconds} s`);
  console.log(`  live sessions after the flood: ${liveSessions}`);
  console.log(`  serve RSS: ${result.rssBaselineMb} MB before, peak ${result.rssPeakMb} MB (goal < 200 MB)`);
  console.log(
    `  /api/health before the flood: p50 ${quantile(quiet, 0.5).toFixed(1)} ms, p99 ${result.quietHealthP99Ms} ms over ${quiet.length} requests`,
  );
  console.log(
    `  /api/health during the flood: p50 ${result.healthP50Ms} ms, p99 ${result.healthP99Ms} ms, max ${result.healthMaxMs} ms over ${health.length} requests, ${healthFailures} failed (goal p99 < 50 ms)`,
  );
  console.log(`  /api/state after: ${stateText.length} bytes in ${result.stateMs} ms; dashboard received ${dashboardFrames} snapshots`);
}
process.exit(result.rssPeakMb < 200 && result.healthP99Ms < 50 && healthFailures === 0 ? 0 : 1);

// Benchmarks the live-session path (issue "Live sessions", `npm run bench:sessions`):
//  1. 1,000 concurrent sessions pulsing every 5 s over the heartbeat WebSocket on loopback:
//     p99 handling latency (goal < 5 ms), server RSS (goal < 100 MB);
//  2. every client dies at once: prune lateness after the last pulse (goal ≤ 5 s late);
//  3. hook client wall time per call, monitor up and down, as a ratio to bare `node -e 0` (≤ 1.6×).
// The server runs in its own process (so its RSS is its own); the clients run here.
// Usage: node scripts/bench-sessions.mjs [--sessions 1000] [--duration-s 30] [--prune-after-ms 60000] [--hook-runs 40] [--json]
import { build } from 'esbuild';
import { fork, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(root, '.tmp', 'bench-sessions');
const { values: opts } = parseArgs({
  options: {
    role: { type: 'string', default: 'bench' },
    sessions: { type: 'string', default: '1000' },
    'duration-s': { type: 'string', default: '30' },
    'prune-after-ms': { type: 'string', default: '60000' },
    'hook-runs': { type: 'string', default: '40' },
    // Extra Node flags for the server process, e.g. "--max-semi-space-size=4" to see how much of the
    // RSS peak is young-generation garbage from the connection burst rather than live memory.
    'server-node-flags': { type: 'string', default: '' },
    json: { type: 'boolean', default: false },
  },
});

const quantile = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN);
const sortNum = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => quantile(sortNum(xs), 0.5);

if (opts.role === 'server') await runServer();
else await runBench();

/** The monitor side: registry + protocol core + ws listener on 127.0.0.1, timing every frame it handles. */
async function runServer() {
  const lib = await import(join(work, 'sessions-lib.mjs'));
  const pruneAfterMs = Number(opts['prune-after-ms']);
  const registry = lib.createSessionRegistry({
    clock: lib.systemClock,
    logger: lib.silentLogger,
    events: { append() {} },
    activeAccount: { accountId: () => 'bench-account' },
    pruneAfterMs,
    // Every bench client connects from 127.0.0.1, one peer; the per-peer bound (200 by default, a
    // flood guard measured by bench:flood) would otherwise cap this bench's 1,000 sessions.
    maxSessionsPerPeer: Number(opts.sessions),
  });
  const core = lib.createHeartbeatCore({ registry, clock: lib.systemClock, logger: lib.silentLogger });
  const handlingMs = [];
  const timedCore = {
    ...core,
    opened: (socket, context) =>
      core.opened(
        {
          ...socket,
          onMessage: (handler) =>
            socket.onMessage((data) => {
              const t0 = performance.now();
              handler(data);
              handlingMs.push(performance.now() - t0);
            }),
        },
        context,
      ),
  };
  const listener = lib.createHeartbeatListener({ core: timedCore, logger: lib.silentLogger, token: null });
  const { port } = await listener.listen({ host: '127.0.0.1', port: 0 });
  let peakRssBytes = 0;
  const rssTimer = setInterval(() => (peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss)), 250);
  const lastPulse = new Map();
  const lateness = [];
  registry.onTransition((t) => {
    if (t.cause === 'pruned') lateness.push(t.atMs - ((lastPulse.get(t.sessionId) ?? NaN) + pruneAfterMs));
  });
  process.on('message', (command) => {
    if (command.type === 'stats') {
      process.send({
        type: 'stats',
        handlingMs,
        peakRssBytes: Math.max(peakRssBytes, process.memoryUsage().rss),
        rssBytes: process.memoryUsage().rss,
        heapUsedBytes: process.memoryUsage().heapUsed,
        sessions: registry.activeSessionCount(),
        connections: listener.connectionCount(),
      });
    } else if (command.type === 'clients-died') {
      for (const s of registry.sessions()) lastPulse.set(s.id, s.lastPulseAtMs);
      process.send({ type: 'noted', sessions: lastPulse.size });
    } else if (command.type === 'prune-stats') {
      process.send({ type: 'prune-stats', lateness, remaining: registry.activeSessionCount() });
    } else if (command.type === 'stop') {
      clearInterval(rssTimer);
      void listener.dispose().then(() => {
        registry.dispose();
        process.exit(0);
      });
    }
  });
  process.send({ type: 'ready', port });
}

async function runBench() {
  mkdirSync(work, { recursive: true });
  await build({
    stdin: {
      contents: [
        `export { createSessionRegistry } from './src-main/engine/sessions/session-registry.ts';`,
        `export { createHeartbeatCore } from './src-main/engine/sessions/heartbeat-core.ts';`,
        `export { createHeartbeatListener } from './src-main/server/heartbeat-socket.ts';`,
        `export { systemClock, silentLogger } from './src-main/engine/ports.ts';`,
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: join(work, 'sessions-lib.mjs'),
    logLevel: 'warning',
  });
  const built = spawnSync(process.execPath, [join(root, 'scripts/build-heartbeat.mjs'), '--outdir', work], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('building the heartbeat client failed');
  const { default: WebSocket } = await import('ws');

  const sessions = Number(opts.sessions);
  const durationMs = Number(opts['duration-s']) * 1000;
  const pruneAfterMs = Number(opts['prune-after-ms']);
  const log = (text) => process.stderr.write(`${text}\n`);

  const server = fork(
    fileURLToPath(import.meta.url),
    ['--role', 'server', '--prune-after-ms', String(pruneAfterMs), '--sessions', String(sessions)],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: opts['server-node-flags'].split(' ').filter(Boolean),
    },
  );
  const ask = (type) =>
    new Promise((resolve) => {
      const onMessage = (m) => {
        if (m.type === type || (type === 'clients-died' && m.type === 'noted')) {
          server.off('message', onMessage);
          resolve(m);
        }
      };
      server.on('message', onMessage);
      server.send({ type });
    });
  const { port } = await new Promise((resolve) => server.once('message', resolve));
  const url = `ws://127.0.0.1:${port}/heartbeat`;

  // Phase 1: N sessions, each on its own socket, pulsing every 5 s from a staggered start.
  log(`phase 1: ${sessions} sessions pulsing every 5 s for ${durationMs / 1000} s …`);
  const rttMs = [];
  const sockets = [];
  let failures = 0;
  const pending = new Map();
  for (let i = 0; i < sessions; i++) {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('error', () => failures++);
    ws.on('message', (data) => {
      const ack = JSON.parse(data.toString());
      const sent = pending.get(ack.id);
      if (sent !== undefined) {
        pending.delete(ack.id);
        // Only steady-state pulses: the opening burst of 1,000 session-started frames is not a pulse.
        if (sent.type === 'alive') rttMs.push(performance.now() - sent.atMs);
      }
    });
    sockets.push(ws);
    if (i % 100 === 99) await new Promise((r) => setTimeout(r, 20));
  }
  await Promise.all(sockets.map((ws) => (ws.readyState === WebSocket.OPEN ? null : new Promise((r) => ws.once('open', r)))));
  let seq = 0;
  const send = (ws, i, type, extra = {}) => {
    const id = `m${++seq}`;
    pending.set(id, { atMs: performance.now(), type });
    ws.send(JSON.stringify({ v: 1, type, id, sessionId: `bench-session-${i}`, host: 'bench', cwd: `/work/project-${i % 50}`, ...extra }));
  };
  sockets.forEach((ws, i) => send(ws, i, 'session-started', { pid: 10_000 + i, claudeVersion: '2.1.331', source: 'startup' }));
  const timers = sockets.map((ws, i) => {
    const offset = Math.floor((i / sessions) * 5000);
    let interval = null;
    const first = setTimeout(() => {
      send(ws, i, 'alive');
      interval = setInterval(() => send(ws, i, 'alive'), 5000);
    }, offset);
    return () => {
      clearTimeout(first);
      if (interval) clearInterval(interval);
    };
  });
  await new Promise((r) => setTimeout(r, durationMs));
  const loaded = await ask('stats');

  // Phase 2: every client dies at once (sockets destroyed, no goodbye).
  log(`phase 2: all ${sessions} clients die at once; waiting for the sweeper (prune after ${pruneAfterMs / 1000} s) …`);
  timers.forEach((stop) => stop());
  for (const ws of sockets) ws.terminate();
  await ask('clients-died');
  const dieAt = Date.now();
  let pruneStats;
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    pruneStats = await ask('prune-stats');
    if (pruneStats.remaining === 0 || Date.now() - dieAt > pruneAfterMs + 30_000) break;
  }

  // Phase 3: hook client wall time, interleaved runs, monitor up and down.
  const runs = Number(opts['hook-runs']);
  log(`phase 3: hook client wall time, ${runs} runs each …`);
  const fixtures = join(root, 'test/heartbeat/fixtures/claude-code-2.1.197');
  const pre = readFileSync(join(fixtures, 'hook-PreToolUse.json'));
  const post = readFileSync(join(fixtures, 'hook-PostToolUse.json'));
  const script = join(work, 'heartbeat.js');
  const baseEnv = { ...process.env, CCMAX_DATA_DIR: work };
  const cases = {
    bare: { args: ['-e', '0'], input: pre, env: baseEnv },
    up: { args: [script, 'hook'], input: pre, env: { ...baseEnv, CCMAX_URL: `http://127.0.0.1:${port}` } },
    upAck: { args: [script, 'hook'], input: post, env: { ...baseEnv, CCMAX_URL: `http://127.0.0.1:${port}` } },
    down: { args: [script, 'hook'], input: pre, env: { ...baseEnv, CCMAX_PORT: '9' } },
  };
  const wall = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (let i = 0; i < runs + 3; i++) {
    for (const [name, c] of Object.entries(cases)) {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, c.args, { input: c.input, env: c.env, stdio: ['pipe', 'ignore', 'ignore'] });
      const ms = performance.now() - t0;
      if (r.status !== 0) throw new Error(`${name} exited ${r.status}`);
      if (i >= 3) wall[name].push(ms); // the first rounds warm the page cache
    }
  }
  const after = await ask('stats');
  await new Promise((resolve) => {
    server.once('exit', resolve);
    server.send({ type: 'stop' });
  });

  const handling = sortNum(loaded.handlingMs);
  const rtt = sortNum(rttMs);
  const lateness = sortNum(pruneStats.lateness);
  const bare = median(wall.bare);
  const results = {
    machine: { node: process.version, cpus: cpus().length, memoryMb: Math.round(totalmem() / 2 ** 20) },
    sessions,
    durationS: durationMs / 1000,
    framesHandled: handling.length,
    clientErrors: failures,
    handlingMs: { p50: quantile(handling, 0.5), p99: quantile(handling, 0.99), max: handling.at(-1) },
    ackRoundTripMs: { p50: quantile(rtt, 0.5), p99: quantile(rtt, 0.99) },
    serverRssMb: { peak: loaded.peakRssBytes / 2 ** 20, atLoad: loaded.rssBytes / 2 ** 20, heapUsedAtLoad: loaded.heapUsedBytes / 2 ** 20 },
    liveAtLoad: { sessions: loaded.sessions, connections: loaded.connections },
    prune: { pruned: lateness.length, remaining: pruneStats.remaining, latenessMs: { p50: quantile(lateness, 0.5), max: lateness.at(-1) } },
    hookWallMs: Object.fromEntries(Object.entries(wall).map(([k, v]) => [k, { median: median(v), p90: quantile(sortNum(v), 0.9) }])),
    hookRatio: { up: median(wall.up) / bare, upWithAck: median(wall.upAck) / bare, down: median(wall.down) / bare },
    serverAfterHooks: { sessions: after.sessions },
  };
  if (opts.json) {
    console.log(JSON.stringify(results, null, 2));
    return;
  }
  const f = (n, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
  const row = (metric, goal, result, pass) =>
    `${metric.padEnd(44)}${goal.padEnd(12)}${result.padEnd(40)}${pass === undefined ? '' : pass ? 'ok' : 'MISSED'}`;
  const lines = [
    `ccmax-monitor sessions bench — Node ${results.machine.node}, ${results.machine.cpus} CPUs, ${sessions} sessions × ${durationMs / 1000} s`,
    row('metric', 'goal', 'result'),
    row('-'.repeat(42), '-'.repeat(10), '-'.repeat(38)),
    row(
      'handling latency p99 (server, per frame)',
      '< 5 ms',
      `${f(results.handlingMs.p99, 3)} ms (p50 ${f(results.handlingMs.p50, 3)})`,
      results.handlingMs.p99 < 5,
    ),
    row('pulse ack round trip p99 (client side)', '', `${f(results.ackRoundTripMs.p99)} ms (p50 ${f(results.ackRoundTripMs.p50)})`),
    row(
      'server RSS peak',
      '< 100 MB',
      `${f(results.serverRssMb.peak, 1)} MB (steady ${f(results.serverRssMb.atLoad, 1)}, heap ${f(results.serverRssMb.heapUsedAtLoad, 1)})`,
      results.serverRssMb.peak < 100,
    ),
    row('live sessions / sockets at load', '', `${loaded.sessions} / ${loaded.connections}`, loaded.sessions === sessions),
    row(
      'prune lateness after last pulse (max)',
      '≤ 5 s',
      `${f(results.prune.latenessMs.max / 1000)} s (p50 ${f(results.prune.latenessMs.p50 / 1000)})`,
      results.prune.latenessMs.max <= 5000 && results.prune.remaining === 0,
    ),
    row('sessions left after all clients died', '0', String(results.prune.remaining), results.prune.remaining === 0),
    row('bare `node -e 0` (median)', '', `${f(bare, 1)} ms`),
    row(
      'hook call, monitor up (median, ratio)',
      '≤ 1.6×',
      `${f(median(wall.up), 1)} ms = ${f(results.hookRatio.up)}×`,
      results.hookRatio.up <= 1.6,
    ),
    row(
      'hook call + ack wait (PostToolUse)',
      '≤ 1.6×',
      `${f(median(wall.upAck), 1)} ms = ${f(results.hookRatio.upWithAck)}×`,
      results.hookRatio.upWithAck <= 1.6,
    ),
    row(
      'hook call, monitor down (median, ratio)',
      '≤ 1.6×',
      `${f(median(wall.down), 1)} ms = ${f(results.hookRatio.down)}×`,
      results.hookRatio.down <= 1.6,
    ),
  ];
  console.log(lines.join('\n'));
}

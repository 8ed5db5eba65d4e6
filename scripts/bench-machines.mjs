// Benchmarks one fleet across several machines (issue 13, `npm run bench:machines`), all real processes on loopback:
// a hub (`serve --token`, file vault, 5 accounts, against the stand-in Anthropic API in the bench's own process) and
// 10 agents (`agent --hub`), each with its own HOME, CLAUDE_CONFIG_DIR and data dir.
//  1. switch propagation: N switches on the hub (POST /api/switch; a few uncounted warm-up switches first) → each
//     agent's `.credentials.json` holds the new account's access token (fs.watch on the config dir + read; a 5 ms
//     poll only as a fallback, and counted): p50/p95/max per agent file and for the last agent of each switch;
//  2. 100 live sessions (10 per agent) through the agents' local hook listeners (found through each agent's discovery
//     file, as the installed hooks find them), pulsing every 5 s like the pulser; the hub sees them relayed. Hub RSS
//     (VmRSS from /proc/<pid>/status, every 100 ms): idle, with 10 agents, with 10 agents + 100 sessions (peak and
//     steady); switch propagation again with the sessions live.
// Every process and temp dir is cleaned up, also on Ctrl-C or a failure.
// Usage: node scripts/bench-machines.mjs [--agents 10] [--warmup 3] [--switches 30] [--switches-live 10] [--sessions 100]
//        [--sessions-s 30] [--idle-s 15] [--json] [--verbose]
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { bundleTs } from './run-ts.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(root, 'bin', 'ccmax-monitor.js');
const TOKEN = `bench-machines-${process.pid}-0123456789`;
const { values: opts } = parseArgs({
  options: {
    agents: { type: 'string', default: '10' },
    switches: { type: 'string', default: '30' },
    'switches-live': { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    'idle-s': { type: 'string', default: '15' },
    sessions: { type: 'string', default: '100' },
    'sessions-s': { type: 'string', default: '30' },
    json: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});
const AGENTS = Number(opts.agents);
const SWITCHES = Number(opts.switches);
const SWITCHES_LIVE = Number(opts['switches-live']);
const SESSIONS = Number(opts.sessions);
const SESSIONS_MS = Number(opts['sessions-s']) * 1000;
const WARMUP = Number(opts.warmup);
/** How long the hub runs alone first (its start-up garbage collected); the idle RSS is the median of the second half. */
const IDLE_MS = Number(opts['idle-s']) * 1000;

const log = (text) => process.stderr.write(`${text}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fp = (secret) => createHash('sha256').update(secret).digest('hex').slice(0, 8);
const quantile = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN);
const sortNum = (xs) => [...xs].sort((a, b) => a - b);
const stats = (xs) => {
  const s = sortNum(xs);
  return { n: s.length, p50: quantile(s, 0.5), p95: quantile(s, 0.95), max: s.at(-1) ?? NaN };
};

// ---- cleanup: every child and the temp dir, on success, failure, Ctrl-C ----
const children = new Set();
const dir = mkdtempSync(join(tmpdir(), 'ccmax-bench-machines-'));
const closers = [];
let cleaned = false;
async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  for (const close of closers) {
    try {
      close();
    } catch {
      // already closed
    }
  }
  await Promise.all(
    [...children].map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }),
  );
  removeDir();
}
function removeDir() {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  } catch (error) {
    log(`could not remove ${dir}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
process.on('exit', () => {
  // Last resort (e.g. process.exit from elsewhere): nothing may outlive the bench.
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (existsSync(dir)) removeDir();
});
// `on`, not `once`: proper-lockfile's signal-exit (in the bundled hub setup) re-raises a signal nobody else listens to.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (cleaned) return;
    log(`\n${signal}: stopping the hub and the agents, removing ${dir} …`);
    void cleanup().finally(() => process.exit(130));
  });
}

// ---- processes ----
function track(child, name) {
  children.add(child);
  let err = '';
  child.stderr.on('data', (d) => (err = (err + d.toString()).slice(-4_000)));
  child.once('exit', (code, signal) => {
    children.delete(child);
    if (!cleaned && code !== 0) log(`${name} exited (${code ?? signal}): ${err.trim()}`);
  });
  return child;
}

async function startHub() {
  // An ordinary `serve` (file vault, 5 accounts) against the stand-in API, which runs in this process.
  const { prepareHub } = await import(pathToFileURL(await bundleTs(join(root, 'scripts/bench/machines/hub-setup.ts'))).href);
  const prepared = await prepareHub(join(dir, 'hub'), 5);
  closers.push(() => void prepared.close());
  const args = ['serve', '--data-dir', prepared.dataDir, '--vault', 'file', '--port', '0', '--token', TOKEN, '--log-level', 'warn'];
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH, ...prepared.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(child, 'the hub');
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve printed no URL: ${out}`)), 60_000);
    child.stdout.on('data', (d) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited early (${code}): ${out}`)));
  });
  child.stdout.resume();
  return { child, url, prepared };
}

function startAgent(hubUrl, i) {
  const home = join(dir, `machine-${i}`);
  const configDir = join(home, '.claude');
  const dataDir = join(home, 'data');
  mkdirSync(configDir, { recursive: true });
  const child = spawn(process.execPath, [BIN, 'agent', '--hub', hubUrl, '--data-dir', dataDir, '--log-level', 'warn'], {
    env: { PATH: process.env.PATH, HOME: home, CLAUDE_CONFIG_DIR: configDir, CCMAX_TOKEN: TOKEN },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  track(child, `agent ${i}`);
  return { i, child, configDir, dataDir, credentialsFile: join(configDir, '.credentials.json'), seen: null, waiters: [] };
}

// ---- the hub's API ----
let hubUrl = '';
async function api(path, init) {
  const res = await fetch(new URL(path, hubUrl), {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
  });
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}
async function until(what, fn, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== null && v !== false && v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

// ---- RSS sampling (/proc/<pid>/status VmRSS) ----
const vmRssMb = (pid) => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
};
function rssSampler(pid) {
  const samples = [];
  const timer = setInterval(() => samples.push({ atMs: performance.now(), mb: vmRssMb(pid) }), 100);
  closers.push(() => clearInterval(timer));
  /** Peak and steady (median of the last `steadyMs`) between two marks. */
  const window = (fromMs, toMs, steadyMs) => {
    const inside = samples.filter((s) => s.atMs >= fromMs && s.atMs <= toMs && Number.isFinite(s.mb));
    const tail = inside.filter((s) => s.atMs >= toMs - steadyMs).map((s) => s.mb);
    return { peakMb: Math.max(...inside.map((s) => s.mb)), steadyMb: quantile(sortNum(tail), 0.5), samples: inside.length };
  };
  return { window };
}

// ---- watching the agents' credentials files ----
/** Reads the agent's file and wakes waiters whose fingerprint it now holds. */
async function check(agent, via) {
  if (agent.waiters.length === 0) return;
  let token = null;
  try {
    token = JSON.parse(await readFile(agent.credentialsFile, 'utf8')).claudeAiOauth?.accessToken ?? null;
  } catch {
    return; // mid-rename or not written yet: the next event or poll reads it again
  }
  const atMs = performance.now();
  const held = token === null ? null : fp(token);
  agent.waiters = agent.waiters.filter((w) => {
    if (w.fingerprint !== held) return true;
    w.resolve({ atMs, via });
    return false;
  });
}
function watchAgent(agent) {
  const watcher = watch(agent.configDir, () => void check(agent, 'watch'));
  const poll = setInterval(() => void check(agent, 'poll'), 5);
  closers.push(
    () => watcher.close(),
    () => clearInterval(poll),
  );
}
const waitForFingerprint = (agent, fingerprint) =>
  new Promise((resolve) => {
    agent.waiters.push({ fingerprint, resolve });
    void check(agent, 'watch');
  });

// ---- one switch, measured ----
let nextTarget = 0;
async function oneSwitch(agents) {
  // An account the hub would use: a fresh token, polled, room in both windows (the hub releases a pin on an unusable one).
  const roomy = (w) => w.utilizationPct === null || w.utilizationPct < 90;
  const usable = (a) =>
    !a.active && a.enabled && a.token?.health === 'healthy' && a.status.kind === 'ok' && roomy(a.sevenDay) && roomy(a.fiveHour);
  const candidates = await until(
    'an account the hub would switch to',
    async () => {
      const found = (await api('/api/state')).accounts.filter(usable);
      return found.length > 0 ? found : null;
    },
    30_000,
  );
  const target = candidates[nextTarget++ % candidates.length];
  const timeout = sleep(10_000).then(() => null);
  const arrivals = agents.map((a) => Promise.race([waitForFingerprint(a, target.token.fingerprint), timeout]));
  const t0 = performance.now();
  await api('/api/switch', { method: 'POST', body: JSON.stringify({ accountId: target.id }) });
  const reached = await Promise.all(arrivals);
  for (const a of agents) a.waiters = [];
  const perAgentMs = reached.filter((r) => r !== null).map((r) => r.atMs - t0);
  if (opts.verbose || reached.includes(null)) {
    const after = await api('/api/state');
    const active = after.accounts.find((a) => a.active);
    log(
      `  switch to ${target.id.slice(0, 8)} (${target.token.fingerprint}): ${perAgentMs.map((ms) => ms.toFixed(1)).join(' ')} ms;` +
        ` hub active ${active?.id.slice(0, 8)} (${active?.token?.fingerprint}), ${JSON.stringify(after.rotation)}`,
    );
    if (reached.includes(null)) {
      const files = await Promise.all(agents.map((a) => readFile(a.credentialsFile, 'utf8').catch(() => null)));
      log(`  the agents' files hold: ${files.map((t) => (t ? fp(JSON.parse(t).claudeAiOauth?.accessToken ?? '') : '-')).join(' ')}`);
      const { events } = await api('/api/events?limit=8');
      for (const e of events) log(`  event ${new Date(e.atMs).toISOString()} ${e.kind}: ${e.message}`);
    }
  }
  const viaPoll = reached.filter((r) => r?.via === 'poll').length;
  // The hub records each machine's ack (after its verified write) before the next switch.
  await until(
    'every agent to acknowledge the new login',
    async () => (await api('/api/machines')).machines.filter((m) => m.connected && m.held?.accountId === target.id).length >= AGENTS,
    10_000,
  ).catch(() => null);
  return {
    perAgentMs,
    lastMs: reached.includes(null) ? null : Math.max(...perAgentMs),
    missed: reached.filter((r) => r === null).length,
    viaPoll,
  };
}
async function switches(agents, count, label) {
  const perAgent = [];
  const last = [];
  let missed = 0;
  let viaPoll = 0;
  for (let k = 0; k < count; k++) {
    const r = await oneSwitch(agents);
    perAgent.push(...r.perAgentMs);
    if (r.lastMs !== null) last.push(r.lastMs);
    missed += r.missed;
    viaPoll += r.viaPoll;
    if ((k + 1) % 10 === 0) log(`  ${label}: ${k + 1}/${count} switches`);
    await sleep(250);
  }
  return { switches: count, perAgentMs: stats(perAgent), lastAgentMs: stats(last), missed, detectedByPoll: viaPoll };
}

// ---- sessions through the agents' hook listeners ----
async function openSessions(agents, count) {
  const rttMs = [];
  const pending = new Map();
  const sockets = [];
  let seq = 0;
  let errors = 0;
  const send = (ws, i, type, extra = {}) => {
    const id = `m${++seq}`;
    pending.set(id, { atMs: performance.now(), type });
    ws.send(
      JSON.stringify({
        v: 1,
        type,
        id,
        sessionId: `bench-machines-${i}`,
        host: `machine-${i % agents.length}`,
        cwd: `/work/p-${i}`,
        ...extra,
      }),
    );
  };
  for (let i = 0; i < count; i++) {
    const agent = agents[i % agents.length];
    const { url } = JSON.parse(await readFile(join(agent.dataDir, 'server.json'), 'utf8'));
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/heartbeat`, { perMessageDeflate: false });
    ws.on('error', () => errors++);
    ws.on('message', (data) => {
      const ack = JSON.parse(String(data));
      const sent = pending.get(ack.id);
      if (sent === undefined) return;
      pending.delete(ack.id);
      if (sent.type === 'alive') rttMs.push(performance.now() - sent.atMs);
    });
    sockets.push(ws);
  }
  await Promise.all(sockets.map((ws) => (ws.readyState === WebSocket.OPEN ? null : new Promise((r) => ws.once('open', r)))));
  sockets.forEach((ws, i) => send(ws, i, 'session-started', { pid: 20_000 + i, claudeVersion: '2.1.332', source: 'startup' }));
  const timers = sockets.map((ws, i) => {
    let interval = null;
    const first = setTimeout(
      () => {
        send(ws, i, 'alive');
        interval = setInterval(() => send(ws, i, 'alive'), 5_000);
      },
      Math.floor((i / count) * 5_000),
    );
    return () => {
      clearTimeout(first);
      if (interval) clearInterval(interval);
    };
  });
  const close = () => {
    timers.forEach((stop) => stop());
    for (const ws of sockets) ws.close(1000);
  };
  closers.push(close);
  return { rtt: () => stats(rttMs), errors: () => errors, close };
}

// ---- the run ----
async function run() {
  if (!existsSync(join(root, 'out', 'cli.js'))) {
    const built = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('npm run build failed');
  }
  const loadAtStart = loadavg();
  log(`hub (serve, 5 accounts, stand-in API) + ${AGENTS} agents on loopback, temp dir ${dir}`);
  const hub = await startHub();
  hubUrl = hub.url;
  const rss = rssSampler(hub.child.pid);
  // Only the bench's switches: each one pins its account, so rotation stays on it (pause would hold manual switches too).
  const first = await until('an active account', async () => (await api('/api/state')).accounts.find((a) => a.active && a.token), 10_000);
  await api('/api/switch', { method: 'POST', body: JSON.stringify({ accountId: first.id }) });
  await sleep(IDLE_MS);
  const idle = rss.window(0, performance.now(), IDLE_MS / 2);

  const agents = Array.from({ length: AGENTS }, (_, i) => startAgent(hubUrl, i));
  agents.forEach(watchAgent);
  const connectT0 = performance.now();
  const active = await until('an active account', async () => (await api('/api/state')).accounts.find((a) => a.active && a.token), 10_000);
  const held = Promise.all(agents.map((a) => waitForFingerprint(a, active.token.fingerprint)));
  await Promise.race([held, sleep(60_000).then(() => Promise.reject(new Error('the agents did not get the login within 60 s')))]);
  const allHeldMs = performance.now() - connectT0;
  await until(
    'every agent connected and acknowledged',
    async () => (await api('/api/machines')).machines.filter((m) => m.connected && m.held?.accountId === active.id).length === AGENTS,
    30_000,
  );
  const agentsUpAt = performance.now();
  await sleep(5_000);
  const withAgents = rss.window(agentsUpAt, performance.now(), 4_000);

  log(`warm-up: ${WARMUP} switches, not counted …`);
  const warmup = await switches(agents, WARMUP, 'warm-up');
  log(`phase 1: ${SWITCHES} switches, ${AGENTS} agents …`);
  const quiet = await switches(agents, SWITCHES, 'quiet');

  log(`phase 2: ${SESSIONS} sessions through the agents' hook listeners for ${SESSIONS_MS / 1000} s …`);
  const sessionsT0 = performance.now();
  const sessions = await openSessions(agents, SESSIONS);
  const hubSessions = await until(
    `the hub to see ${SESSIONS} sessions`,
    async () => {
      const n = (await api('/api/state')).sessions.length;
      return n >= SESSIONS ? n : null;
    },
    30_000,
  );
  await sleep(Math.max(0, SESSIONS_MS / 2 - (performance.now() - sessionsT0)));
  const live = await switches(agents, SWITCHES_LIVE, 'with sessions');
  await sleep(Math.max(0, SESSIONS_MS - (performance.now() - sessionsT0)));
  const withSessions = rss.window(sessionsT0, performance.now(), 10_000);
  const endState = await api('/api/state');
  const machines = (await api('/api/machines')).machines;
  const agentRssMb = stats(agents.map((a) => vmRssMb(a.child.pid)));
  const rtt = sessions.rtt();
  sessions.close();

  return {
    machine: { node: process.version, cpus: cpus().length, load1: [loadAtStart[0], loadavg()[0]] },
    agents: AGENTS,
    connect: { allAgentsHeldLoginMs: allHeldMs },
    propagation: { warmup, quiet, withSessions: live },
    sessions: {
      opened: SESSIONS,
      hubSaw: hubSessions,
      atEnd: endState.sessions.length,
      clientErrors: sessions.errors(),
      relayedAliveAckMs: rtt,
    },
    hubRssMb: { idle, withAgents, withAgentsAndSessions: withSessions },
    agentRssMb,
    tokenEndpointCalls: hub.prepared.tokenCalls(),
    machinesConnectedAtEnd: machines.filter((m) => m.connected).length,
    laggingAtEnd: machines.filter((m) => m.lagging).length,
  };
}

function print(r) {
  const f = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
  const row = (metric, result) => `${metric.padEnd(52)}${result}`;
  const lat = (s) => `p50 ${f(s.p50)} ms · p95 ${f(s.p95)} ms · max ${f(s.max)} ms (n=${s.n})`;
  const q = r.propagation.quiet;
  const l = r.propagation.withSessions;
  console.log(
    [
      `ccmax-monitor machines bench — Node ${r.machine.node}, ${r.machine.cpus} CPUs, load ${f(r.machine.load1[0], 2)} → ${f(r.machine.load1[1], 2)} (1-min)`,
      `hub (serve, 5 accounts, stand-in API) + ${r.agents} agent processes on loopback`,
      row('metric', 'result'),
      row('-'.repeat(50), '-'.repeat(60)),
      row(`all ${r.agents} agents hold the login after start`, `${f(r.connect.allAgentsHeldLoginMs, 0)} ms`),
      row(`first ${r.propagation.warmup.switches} switches (warm-up, not counted): last agent`, lat(r.propagation.warmup.lastAgentMs)),
      row(`switch → an agent's file (${q.switches} switches)`, lat(q.perAgentMs)),
      row(`switch → the last of ${r.agents} agents' files`, lat(q.lastAgentMs)),
      row(`  missed (>10 s) / seen by the 5 ms fallback poll`, `${q.missed} / ${q.detectedByPoll}`),
      row(`switch → an agent's file, ${r.sessions.opened} sessions live (${l.switches})`, lat(l.perAgentMs)),
      row(`switch → the last agent's file, sessions live`, lat(l.lastAgentMs)),
      row(`  missed / seen by the fallback poll`, `${l.missed} / ${l.detectedByPoll}`),
      row('sessions opened / seen by the hub / at the end', `${r.sessions.opened} / ${r.sessions.hubSaw} / ${r.sessions.atEnd}`),
      row('relayed pulse ack round trip (hook → agent → hub)', lat(r.sessions.relayedAliveAckMs)),
      row('hub RSS idle (no agents)', `${f(r.hubRssMb.idle.steadyMb)} MB`),
      row(`hub RSS, ${r.agents} agents`, `steady ${f(r.hubRssMb.withAgents.steadyMb)} MB · peak ${f(r.hubRssMb.withAgents.peakMb)} MB`),
      row(
        `hub RSS, ${r.agents} agents + ${r.sessions.opened} sessions`,
        `steady ${f(r.hubRssMb.withAgentsAndSessions.steadyMb)} MB · peak ${f(r.hubRssMb.withAgentsAndSessions.peakMb)} MB`,
      ),
      row('agent RSS (median · max)', `${f(r.agentRssMb.p50)} MB · ${f(r.agentRssMb.max)} MB`),
      row('machines connected / lagging at the end', `${r.machinesConnectedAtEnd} / ${r.laggingAtEnd}`),
      row('token endpoint calls (refreshes) during the bench', String(r.tokenEndpointCalls)),
    ].join('\n'),
  );
}

let code = 0;
try {
  const results = await run();
  if (opts.json) console.log(JSON.stringify(results, null, 2));
  else print(results);
} catch (error) {
  log(`bench:machines failed: ${error instanceof Error ? error.message : String(error)}`);
  code = 1;
} finally {
  await cleanup();
}
process.exit(code);

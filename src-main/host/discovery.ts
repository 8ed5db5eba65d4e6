/** Finds a running ccmax-monitor server: the discovery file in the data dir, checked with /api/health. */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../engine/index.js';
import { DISCOVERY_FILE, type DiscoveryInfo } from './paths.js';
import { isMonitorAt } from './monitor-probe.js';
import { listRunning } from './running-monitors.js';

/** Writes the discovery file (no secrets), mode 0600. */
export async function writeDiscovery(dataDir: string, info: DiscoveryInfo): Promise<void> {
  await writeFileAtomic(join(dataDir, DISCOVERY_FILE), `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
}

/** Removes the discovery file if it still names this process. */
export async function removeDiscovery(dataDir: string, pid: number): Promise<void> {
  const info = await readDiscovery(dataDir);
  if (info && info.pid === pid) await rm(join(dataDir, DISCOVERY_FILE), { force: true });
}

export async function readDiscovery(dataDir: string): Promise<DiscoveryInfo | null> {
  try {
    const parsed = JSON.parse(await readFile(join(dataDir, DISCOVERY_FILE), 'utf8')) as Partial<DiscoveryInfo>;
    return parsed.version === 1 && typeof parsed.url === 'string' && typeof parsed.pid === 'number' ? (parsed as DiscoveryInfo) : null;
  } catch {
    return null;
  }
}

/** A client for the running server's API (loopback; the token from CCMAX_TOKEN when set). */
export interface ServerClient {
  readonly url: string;
  /** True when the monitor runs the demo fleet; null when unknown (named by CCMAX_URL/CCMAX_PORT). */
  readonly demo: boolean | null;
  /** How it was found, for "which monitor": `CCMAX_URL`, `the data dir …`, `the running monitors`. */
  readonly foundBy: string;
  get<T>(path: string): Promise<T>;
  send<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

/** Options of {@link connectToServer}. */
export interface ConnectOptions {
  /** True when the user chose the data dir (`--data-dir`, `CCMAX_DATA_DIR`): only its monitor counts. */
  readonly dataDirChosen?: boolean;
  readonly timeoutMs?: number;
}

/**
 * Returns a client for the running monitor, or null when none answers: the one named by `CCMAX_URL`
 * or `CCMAX_PORT` when set; else the one whose discovery file is in `dataDir`; else — unless the
 * user chose the data dir — the newest live monitor of this user listed in the runtime dir (the
 * demo included; see running-monitors.ts). A monitor that wants a token we lack still counts (see
 * `isMonitorAt`), so its 401 reaches the user.
 */
export async function connectToServer(dataDir: string, env: NodeJS.ProcessEnv, options: ConnectOptions = {}): Promise<ServerClient | null> {
  const timeoutMs = options.timeoutMs ?? 1500;
  const token = env.CCMAX_TOKEN ?? null;
  if (env.CCMAX_URL)
    return (await isMonitorAt(env.CCMAX_URL, { token, timeoutMs })) ? clientFor(env.CCMAX_URL, null, 'CCMAX_URL', env, timeoutMs) : null;
  if (env.CCMAX_PORT) {
    const url = `http://127.0.0.1:${env.CCMAX_PORT}`;
    return (await isMonitorAt(url, { token, timeoutMs })) ? clientFor(url, null, 'CCMAX_PORT', env, timeoutMs) : null;
  }
  const own = await readDiscovery(dataDir);
  if (own && (await isMonitorAt(own.url, { token, timeoutMs })))
    return clientFor(own.url, own.demo, `the data dir ${dataDir}`, env, timeoutMs);
  if (options.dataDirChosen) return null;
  for (const monitor of await listRunning(env)) {
    if (await isMonitorAt(monitor.url, { token, timeoutMs })) {
      return clientFor(monitor.url, monitor.demo, `the running monitors (data dir ${monitor.dataDir})`, env, timeoutMs);
    }
  }
  return null;
}

/** One line saying which monitor a command talks to: `monitor: http://127.0.0.1:47821 (DEMO)`. */
export function describeServer(client: ServerClient): string {
  return `monitor: ${client.url}${client.demo ? ' (DEMO)' : ''} · found by ${client.foundBy}`;
}

function clientFor(url: string, demo: boolean | null, foundBy: string, env: NodeJS.ProcessEnv, timeoutMs: number): ServerClient {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (env.CCMAX_TOKEN) headers.authorization = `Bearer ${env.CCMAX_TOKEN}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(new URL(path, url), {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(method === 'GET' ? timeoutMs * 4 : 60_000),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  return {
    url,
    demo,
    foundBy,
    async get<T>(path: string) {
      const r = await call('GET', path);
      if (r.status >= 400) throw new Error(errorMessage(r.body, r.status));
      return r.body as T;
    },
    async send<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) {
      const r = await call(method, path, body);
      return { status: r.status, body: r.body as T };
    },
  };
}

/** The `{error:{message}}` text of an API error response. */
export function errorMessage(body: unknown, status: number): string {
  const message = (body as { error?: { message?: unknown } } | null)?.error?.message;
  return typeof message === 'string' ? message : `the server answered HTTP ${status}`;
}

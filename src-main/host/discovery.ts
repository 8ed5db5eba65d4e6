/** Finds a running ccmax-monitor server: the discovery file in the data dir, checked with /api/health. */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DISCOVERY_FILE, type DiscoveryInfo } from '../engine/paths.js';
import { writeFileAtomic } from '../engine/storage/atomic-file.js';
import { isMonitorAt } from './monitor-probe.js';

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
  get<T>(path: string): Promise<T>;
  send<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

/**
 * Returns a client for the running server named by `CCMAX_URL`, `CCMAX_PORT` or the discovery file,
 * or null when no ccmax-monitor answers there within `timeoutMs` (see `isMonitorAt`: a monitor that
 * wants a token we lack still counts, so its 401 reaches the user).
 */
export async function connectToServer(dataDir: string, env: NodeJS.ProcessEnv, timeoutMs = 1500): Promise<ServerClient | null> {
  const url = env.CCMAX_URL ?? (env.CCMAX_PORT ? `http://127.0.0.1:${env.CCMAX_PORT}` : (await readDiscovery(dataDir))?.url);
  if (!url) return null;
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
  if (!(await isMonitorAt(url, { token: env.CCMAX_TOKEN ?? null, timeoutMs }))) return null;
  return {
    url,
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

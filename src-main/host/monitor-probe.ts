/**
 * Asks whether another ccmax-monitor (a headless `serve`, usually) already answers at an address,
 * so the tray app can leave the fleet to it instead of fighting over Claude Code's login, and the
 * CLI talks to it instead of writing the data dir behind its back.
 */
import type { FetchFn } from '../engine/index.js';

export interface PeerProbeOptions {
  /** Sent as a Bearer token when set (`CCMAX_TOKEN`), as the CLI does. */
  readonly token: string | null;
  /** How long to wait for an answer; default 1 s (the tray app's start waits on it). */
  readonly timeoutMs?: number;
  readonly fetch?: FetchFn;
}

/**
 * True when `GET <baseUrl>/api/health` answers as ccmax-monitor (`ok: true`, product
 * `ccmax-monitor`), or refuses us with ccmax-monitor's own `WWW-Authenticate` realm (a server that
 * wants a token we do not have is still another engine). Never throws: anything else is false.
 */
export async function isMonitorAt(baseUrl: string, options: PeerProbeOptions): Promise<boolean> {
  const doFetch = options.fetch ?? globalThis.fetch;
  let healthUrl: URL;
  try {
    healthUrl = new URL('/api/health', baseUrl);
  } catch {
    return false;
  }
  if (healthUrl.protocol !== 'http:' && healthUrl.protocol !== 'https:') return false;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  try {
    const res = await doFetch(healthUrl, { headers, signal: AbortSignal.timeout(options.timeoutMs ?? 1_000), redirect: 'error' });
    if (res.status === 401) {
      await res.body?.cancel();
      return (res.headers.get('www-authenticate') ?? '').includes('realm="ccmax-monitor"');
    }
    if (!res.ok) {
      await res.body?.cancel();
      return false;
    }
    const body = (await res.json()) as { ok?: unknown; product?: unknown } | null;
    return body?.ok === true && body.product === 'ccmax-monitor';
  } catch {
    return false;
  }
}

/**
 * Where the hook client sends heartbeats: `CCMAX_URL`, else `CCMAX_PORT` on 127.0.0.1, else the
 * discovery file a running monitor writes in its data dir. Synchronous and dependency-light: it runs
 * on every hook call.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DISCOVERY_FILE } from '../../host/paths.js';
import { HEARTBEAT_PATH } from '../../shared/heartbeat-protocol.js';

export interface MonitorTarget {
  /** The heartbeat WebSocket URL. */
  readonly url: URL;
  readonly token: string | null;
}

/** Turns a server base URL (`http://host:port`, `ws://…`, or a full `/heartbeat` URL) into the heartbeat URL. */
export function toHeartbeatUrl(base: string): URL | null {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return null;
  }
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  else if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return null;
  if (!url.pathname.endsWith(HEARTBEAT_PATH)) url.pathname = `${url.pathname.replace(/\/+$/, '')}${HEARTBEAT_PATH}`;
  return url;
}

/** Finds the monitor, or null when none is configured or advertised. Never throws. */
export function findMonitor(env: NodeJS.ProcessEnv, dataDir: string): MonitorTarget | null {
  const token = env.CCMAX_TOKEN || null;
  if (env.CCMAX_URL) {
    const url = toHeartbeatUrl(env.CCMAX_URL);
    return url ? { url, token } : null;
  }
  if (env.CCMAX_PORT && /^\d{1,5}$/.test(env.CCMAX_PORT)) {
    const url = toHeartbeatUrl(`http://127.0.0.1:${env.CCMAX_PORT}`);
    return url ? { url, token } : null;
  }
  try {
    const info = JSON.parse(readFileSync(join(dataDir, DISCOVERY_FILE), 'utf8')) as { version?: unknown; url?: unknown };
    if (info.version !== 1 || typeof info.url !== 'string') return null;
    const url = toHeartbeatUrl(info.url);
    return url ? { url, token } : null;
  } catch {
    return null;
  }
}

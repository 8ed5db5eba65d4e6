/** Where ccmax-monitor keeps its own files. */
import { join } from 'node:path';

/**
 * The data dir: `$CCMAX_DATA_DIR`, else the same folder Electron's `app.getPath('userData')` uses,
 * so the tray app and the headless server share accounts and settings:
 * Linux `$XDG_CONFIG_HOME/ccmax-monitor` (default `~/.config/ccmax-monitor`),
 * macOS `~/Library/Application Support/ccmax-monitor`, Windows `%APPDATA%\ccmax-monitor`.
 */
export function resolveDataDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, homeDir: string): string {
  if (env.CCMAX_DATA_DIR) return env.CCMAX_DATA_DIR;
  if (platform === 'darwin') return join(homeDir, 'Library', 'Application Support', 'ccmax-monitor');
  if (platform === 'win32') return join(env.APPDATA ?? join(homeDir, 'AppData', 'Roaming'), 'ccmax-monitor');
  return join(env.XDG_CONFIG_HOME ?? join(homeDir, '.config'), 'ccmax-monitor');
}

/** The discovery file a running server writes so CLI commands and hook clients can find it. */
export const DISCOVERY_FILE = 'server.json';

/** Contents of the discovery file (no secrets: the token is never written here). */
export interface DiscoveryInfo {
  readonly version: 1;
  /** Base URL reachable from this machine, e.g. `http://127.0.0.1:47821`. */
  readonly url: string;
  readonly pid: number;
  readonly startedAtMs: number;
  readonly demo: boolean;
  /** Product version of the running server. */
  readonly productVersion: string;
}

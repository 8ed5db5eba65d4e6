/**
 * Launch at login, from the `launchAtLogin` setting. macOS and Windows use Electron's login items;
 * Linux has none in Electron (`setLoginItemSettings` is a no-op there), so we write the XDG
 * autostart entry `~/.config/autostart/ccmax-monitor.desktop` ourselves.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../engine/index.js';
import type { AppPort } from './electron-ports.js';

export const AUTOSTART_FILE = 'ccmax-monitor.desktop';

export interface LoginItem {
  /** Turns launch at login on or off; repeated calls with the same value do nothing. Never rejects. */
  apply(openAtLogin: boolean): Promise<void>;
}

export interface LoginItemDeps {
  readonly platform: NodeJS.Platform;
  readonly app: Pick<AppPort, 'setLoginItemSettings'>;
  /** Linux: the XDG autostart folder (`$XDG_CONFIG_HOME/autostart`, default `~/.config/autostart`). */
  readonly autostartDir: string;
  /** What to start: the AppImage path when packaged as one, else the executable. */
  readonly execPath: string;
  /** Extra arguments (in development: the app's main script). */
  readonly args: readonly string[];
  readonly logger: Logger;
}

/** The autostart folder for Linux from the environment. */
export function autostartDirFrom(env: NodeJS.ProcessEnv, homeDir: string): string {
  return join(env.XDG_CONFIG_HOME || join(homeDir, '.config'), 'autostart');
}

/** The `.desktop` entry that starts ccmax-monitor at login (Desktop Entry Specification 1.5). */
export function toAutostartEntry(execPath: string, args: readonly string[]): string {
  const exec = [execPath, ...args].map(quoteExecArg).join(' ');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=ccmax-monitor',
    'Comment=Keeps a fleet of Claude Max accounts working for Claude Code',
    `Exec=${exec}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/**
 * Quotes one `Exec` argument: plain arguments stay bare; others are double-quoted with `"`, `` ` ``,
 * `$` and `\` escaped, and `%` doubled (field codes), as the specification asks.
 */
export function quoteExecArg(arg: string): string {
  const escapedPercent = arg.replace(/%/g, '%%');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(escapedPercent)) return escapedPercent;
  return `"${escapedPercent.replace(/(["`$\\])/g, '\\$1')}"`;
}

/** Creates the login-item applier for this platform. */
export function createLoginItem(deps: LoginItemDeps): LoginItem {
  let applied: boolean | null = null;
  return {
    async apply(openAtLogin) {
      if (applied === openAtLogin) return;
      try {
        if (deps.platform === 'linux') await applyLinux(deps, openAtLogin);
        // Windows starts exactly `path args` from the registry, so development builds need the script.
        else if (deps.platform === 'win32') deps.app.setLoginItemSettings({ openAtLogin, path: deps.execPath, args: [...deps.args] });
        else deps.app.setLoginItemSettings({ openAtLogin });
        applied = openAtLogin;
      } catch (error) {
        deps.logger.warn('could not change launch at login', {
          openAtLogin,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    },
  };
}

async function applyLinux(deps: LoginItemDeps, openAtLogin: boolean): Promise<void> {
  const file = join(deps.autostartDir, AUTOSTART_FILE);
  if (!openAtLogin) {
    await rm(file, { force: true });
    return;
  }
  await mkdir(deps.autostartDir, { recursive: true });
  await writeFile(file, toAutostartEntry(deps.execPath, deps.args), { mode: 0o644 });
}

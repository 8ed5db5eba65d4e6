/**
 * Installs ccmax-monitor's heartbeat hooks and statusline into Claude Code's `settings.json`:
 * merged next to the user's own hooks, marked so that uninstall removes exactly ours, idempotent,
 * with the user's own statusline command kept working (chained through ours and restored verbatim
 * on uninstall). Invalid or unreadable settings are refused and left untouched.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok, type Result } from '../../shared/result.js';
import { findSettingsBackup, jsonEqual, readSettingsFile, spliceTopLevel, writeSettingsFile, type JsonObject } from './settings-file.js';

/** Every command we install carries this argument; it is how uninstall recognises ours. */
export const HOOK_MARKER = '--by=ccmax-monitor';

/**
 * The hook events we install. The six PRODUCT §5 names, plus the failure variants (Claude Code
 * 2.1.2xx+) so a failed tool call or an API error also ends the tool/turn state.
 */
export const HOOK_EVENTS = [
  'SessionStart',
  'UserPromptSubmit',
  'PreToolUse',
  'PostToolUse',
  'PostToolUseFailure',
  'Stop',
  'StopFailure',
  'SessionEnd',
] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

const TOOL_EVENTS = new Set<HookEvent>(['PreToolUse', 'PostToolUse', 'PostToolUseFailure']);
/** Seconds; Claude Code's default is 600. Our client exits within 2 s on its own. */
const HOOK_TIMEOUT_S = 5;

/** How to run our client; the installer fills in the statusline's chained command. */
export interface HeartbeatCommands {
  /** The hook command line (must contain {@link HOOK_MARKER}). */
  readonly hook: string;
  /** The statusline command line for a chained user command (base64url JSON of their statusLine), or none. */
  readonly statusline: (chain: string | null) => string;
}

/** Quotes one argument for the shell Claude Code runs hook commands with. */
export function shellQuote(arg: string, platform: NodeJS.Platform = process.platform): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  if (platform === 'win32') return `"${arg.replace(/"/g, '\\"')}"`;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Builds the commands that run `node <script> hook|statusline` with our marker and baked options. */
export function heartbeatCommands(options: {
  nodePath: string;
  scriptPath: string;
  extraArgs?: readonly string[];
  platform?: NodeJS.Platform;
}): HeartbeatCommands {
  const q = (a: string): string => shellQuote(a, options.platform);
  const base = `${q(options.nodePath)} ${q(options.scriptPath)}`;
  const extra = (options.extraArgs ?? []).map(q).join(' ');
  const tail = `${HOOK_MARKER}${extra ? ` ${extra}` : ''}`;
  return {
    hook: `${base} hook ${tail}`,
    statusline: (chain) => `${base} statusline ${tail}${chain ? ` --chain ${chain}` : ''}`,
  };
}

export type InstallError =
  | { readonly kind: 'unreadable'; readonly message: string }
  | { readonly kind: 'invalid'; readonly message: string };

export interface HooksStatus {
  /** Events where our hook is present. */
  readonly installed: readonly HookEvent[];
  readonly missing: readonly HookEvent[];
  /** `chained` when ours wraps the user's own statusline command. */
  readonly statusLine: 'ours' | 'chained' | 'theirs' | 'none';
  /** Claude Code's `disableAllHooks` switch: when true nothing of ours runs. */
  readonly hooksDisabled: boolean;
}

export interface ChangeReport {
  readonly settingsPath: string;
  readonly changed: boolean;
  /** Copy of the file before the change; null when nothing changed or there was no file. */
  readonly backupPath: string | null;
  readonly status: HooksStatus;
}

export const isOurCommand = (command: unknown): boolean => typeof command === 'string' && command.includes(HOOK_MARKER);

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function groupHasOurs(group: unknown): boolean {
  return isObject(group) && Array.isArray(group.hooks) && group.hooks.some((h) => isObject(h) && isOurCommand(h.command));
}

/** An event's groups without our hook entries; groups left empty by that are dropped. */
function stripOurs(groups: readonly unknown[]): unknown[] {
  const kept: unknown[] = [];
  for (const group of groups) {
    if (!groupHasOurs(group)) {
      kept.push(group);
      continue;
    }
    const g = group as JsonObject & { hooks: unknown[] };
    const hooks = g.hooks.filter((h) => !(isObject(h) && isOurCommand(h.command)));
    if (hooks.length > 0) kept.push({ ...g, hooks });
  }
  return kept;
}

function ourGroup(event: HookEvent, command: string): JsonObject {
  const hook = { type: 'command', command, timeout: HOOK_TIMEOUT_S };
  return TOOL_EVENTS.has(event) ? { matcher: '*', hooks: [hook] } : { hooks: [hook] };
}

/** The `--chain` value inside one of our statusline commands, or null. */
export function chainOf(command: string): string | null {
  return /--chain ([A-Za-z0-9_-]+)/.exec(command)?.[1] ?? null;
}

function checkShape(settings: JsonObject): string | null {
  if (settings.hooks !== undefined && !isObject(settings.hooks)) return '"hooks" is not an object';
  if (isObject(settings.hooks)) {
    for (const event of HOOK_EVENTS) {
      const groups = settings.hooks[event];
      if (groups !== undefined && !Array.isArray(groups)) return `"hooks.${event}" is not an array`;
    }
  }
  if (settings.statusLine !== undefined && !isObject(settings.statusLine)) return '"statusLine" is not an object';
  return null;
}

/** What our entries look like in `settings` (pure). */
export function describeHooks(settings: JsonObject): HooksStatus {
  const hooks = isObject(settings.hooks) ? settings.hooks : {};
  const installed = HOOK_EVENTS.filter((e) => Array.isArray(hooks[e]) && (hooks[e] as unknown[]).some(groupHasOurs));
  const line = settings.statusLine;
  const command = isObject(line) ? line.command : undefined;
  const statusLine = line === undefined ? 'none' : isOurCommand(command) ? (chainOf(command as string) ? 'chained' : 'ours') : 'theirs';
  return {
    installed,
    missing: HOOK_EVENTS.filter((e) => !installed.includes(e)),
    statusLine,
    hooksDisabled: settings.disableAllHooks === true,
  };
}

/** The `hooks` and `statusLine` values with ours installed (pure; the input is not modified). */
export function toInstalled(settings: JsonObject, commands: HeartbeatCommands): { hooks: JsonObject; statusLine: JsonObject } {
  const hooks: JsonObject = isObject(settings.hooks) ? { ...settings.hooks } : {};
  for (const event of HOOK_EVENTS) {
    const groups = Array.isArray(hooks[event]) ? (hooks[event] as unknown[]) : [];
    const wanted = ourGroup(event, commands.hook);
    const ours = groups.filter(groupHasOurs);
    // Already exactly as we want it (wherever it sits among the user's groups): leave it.
    if (ours.length === 1 && jsonEqual(ours[0], wanted)) continue;
    hooks[event] = [...stripOurs(groups), wanted];
  }
  const current = settings.statusLine;
  let statusLine: JsonObject;
  if (!isObject(current)) statusLine = { type: 'command', command: commands.statusline(null) };
  else if (isOurCommand(current.command)) statusLine = { ...current, command: commands.statusline(chainOf(current.command as string)) };
  else {
    const chain = typeof current.command === 'string' ? Buffer.from(JSON.stringify(current)).toString('base64url') : null;
    statusLine = { ...current, type: 'command', command: commands.statusline(chain) };
  }
  return { hooks, statusLine };
}

/** The `hooks` and `statusLine` values with ours removed; `undefined` means the key goes (pure). */
export function toUninstalled(settings: JsonObject): { hooks: JsonObject | undefined; statusLine: unknown } {
  let hooks: JsonObject | undefined;
  if (isObject(settings.hooks)) {
    hooks = { ...settings.hooks };
    for (const event of HOOK_EVENTS) {
      const groups = hooks[event];
      if (!Array.isArray(groups) || !groups.some(groupHasOurs)) continue;
      const kept = stripOurs(groups);
      if (kept.length > 0) hooks[event] = kept;
      else delete hooks[event];
    }
    if (Object.keys(hooks).length === 0 && Object.keys(settings.hooks).length > 0) hooks = undefined;
  }
  const current = settings.statusLine;
  let statusLine: unknown = current;
  if (isObject(current) && isOurCommand(current.command)) {
    const chain = chainOf(current.command as string);
    statusLine = chain ? (JSON.parse(Buffer.from(chain, 'base64url').toString('utf8')) as unknown) : undefined;
  }
  return { hooks, statusLine };
}

const settingsPathOf = (configDir: string): string => join(configDir, 'settings.json');

async function change(
  configDir: string,
  nowMs: number,
  compute: (settings: JsonObject) => Record<string, unknown>,
  removeWhenEmpty = false,
): Promise<Result<ChangeReport, InstallError>> {
  const settingsPath = settingsPathOf(configDir);
  const read = await readSettingsFile(settingsPath);
  if (!read.ok)
    return err({ kind: read.error.kind, message: `Refusing to change ${settingsPath}: ${read.error.message}. Nothing was changed.` });
  const { data, text, bom } = read.value;
  const shape = checkShape(data);
  if (shape) return err({ kind: 'invalid', message: `Refusing to change ${settingsPath}: ${shape}. Nothing was changed.` });
  const changes = compute(data);
  const unchanged = Object.entries(changes).every(([key, value]) => jsonEqual(data[key], value) || (value === undefined && !(key in data)));
  if (unchanged) return ok({ settingsPath, changed: false, backupPath: null, status: describeHooks(data) });
  const next = spliceTopLevel(text, data, changes);
  const after = JSON.parse(next) as JsonObject;
  // No backup means no settings file existed before ours: uninstall leaves none, not `{}`.
  if (removeWhenEmpty && Object.keys(after).length === 0 && (await findSettingsBackup(settingsPath)) === null) {
    await rm(settingsPath, { force: true });
    return ok({ settingsPath, changed: true, backupPath: null, status: describeHooks(after) });
  }
  const backupPath = await writeSettingsFile(settingsPath, next, bom, nowMs);
  return ok({ settingsPath, changed: true, backupPath, status: describeHooks(after) });
}

/** Installs (or updates) our hooks and statusline in `<configDir>/settings.json`. */
export function installHooks(options: {
  configDir: string;
  commands: HeartbeatCommands;
  nowMs: number;
}): Promise<Result<ChangeReport, InstallError>> {
  return change(options.configDir, options.nowMs, (settings) => toInstalled(settings, options.commands));
}

/** Removes exactly our hooks and statusline (restoring a chained user statusline). */
export function uninstallHooks(options: { configDir: string; nowMs: number }): Promise<Result<ChangeReport, InstallError>> {
  return change(options.configDir, options.nowMs, (settings) => toUninstalled(settings), true);
}

/** Reports what is installed, without changing anything. */
export async function readHooksStatus(configDir: string): Promise<Result<HooksStatus & { settingsPath: string }, InstallError>> {
  const settingsPath = settingsPathOf(configDir);
  const read = await readSettingsFile(settingsPath);
  if (!read.ok) return err({ kind: read.error.kind, message: `Cannot read ${settingsPath}: ${read.error.message}.` });
  return ok({ settingsPath, ...describeHooks(read.value.data) });
}

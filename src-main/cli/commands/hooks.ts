/**
 * `ccmax-monitor hooks install|uninstall|status`: puts our heartbeat hooks and statusline into
 * Claude Code's settings.json (`$CLAUDE_CONFIG_DIR`, default `~/.claude`), or takes them out.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type ChangeReport,
  heartbeatCommands,
  type HooksStatus,
  installHooks,
  readHooksStatus,
  resolveClaudePaths,
  uninstallHooks,
} from '../../engine/index.js';
import type { CliIo, CommandHandler } from '../cli-types.js';
import { findMonitor } from '../heartbeat/find-monitor.js';
import { connectWebSocket } from '../heartbeat/mini-ws.js';
import { dataDirFrom } from '../common-options.js';

const USAGE = `Usage:
  ccmax-monitor hooks install [--data-dir DIR] [--url URL] [--heartbeat-script PATH] [--node PATH]
  ccmax-monitor hooks uninstall
  ccmax-monitor hooks status [--json]
Edits $CLAUDE_CONFIG_DIR/settings.json (default ~/.claude/settings.json); a backup is kept next to it.
`;

/** Where the bundled hook client sits: next to the CLI bundle (out/), or in out/ from the sources. */
export function defaultHeartbeatScript(moduleUrl: string = import.meta.url): string | null {
  const here = dirname(fileURLToPath(moduleUrl));
  const candidates = [join(here, 'heartbeat.js'), join(here, '..', '..', '..', 'out', 'heartbeat.js')];
  return candidates.find((c) => existsSync(c)) ?? null;
}

function describe(status: HooksStatus): string[] {
  const lines = [
    status.missing.length === 0
      ? `Hooks: installed (${status.installed.join(', ')})`
      : status.installed.length === 0
        ? 'Hooks: not installed'
        : `Hooks: partly installed; missing ${status.missing.join(', ')}`,
    `Statusline: ${
      { ours: 'ours', chained: 'ours, chaining your own statusline command', theirs: 'yours only (not ours)', none: 'none' }[
        status.statusLine
      ]
    }`,
  ];
  if (status.hooksDisabled) lines.push('Warning: "disableAllHooks" is true in settings.json, so no hook runs (ours included).');
  return lines;
}

function reportChange(io: CliIo, report: ChangeReport, verb: string): void {
  io.stdout(report.changed ? `${verb} ${report.settingsPath}\n` : `Nothing to change in ${report.settingsPath}\n`);
  if (report.backupPath) io.stdout(`Backup of the previous file: ${report.backupPath}\n`);
  for (const line of describe(report.status)) io.stdout(`${line}\n`);
}

async function monitorReachable(io: CliIo, dataDir: string): Promise<string> {
  const target = findMonitor(io.env, dataDir);
  if (!target) return 'Monitor: not running (no CCMAX_URL/CCMAX_PORT and no discovery file); hooks stay silent until it runs';
  try {
    const socket = await connectWebSocket(target.url, { token: target.token, timeoutMs: 1_000 });
    socket.close();
    return `Monitor: reachable at ${target.url.href}`;
  } catch (error) {
    return `Monitor: not reachable at ${target.url.href} (${(error as Error).message})`;
  }
}

/** Runs `hooks <install|uninstall|status>`; exit 0 on success, 1 on refusal/failure, 2 on usage errors. */
export const hooksCommand: CommandHandler = async (argv, io) => {
  const [action, ...rest] = argv;
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: rest,
      options: {
        'data-dir': { type: 'string' },
        url: { type: 'string' },
        'heartbeat-script': { type: 'string' },
        node: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    io.stderr(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { configDir } = resolveClaudePaths(io.env, io.homeDir, io.platform);
  const nowMs = Date.now();
  const dataDir = dataDirFrom(values['data-dir'] as string | undefined, io);

  if (action === 'install') {
    const flagScript = values['heartbeat-script'] as string | undefined;
    const script = flagScript ? resolve(io.cwd, flagScript) : defaultHeartbeatScript();
    if (!script || !existsSync(script)) {
      io.stderr(
        `The heartbeat client ${script ?? 'out/heartbeat.js'} is missing: run \`npm run build\` first (or pass --heartbeat-script).\n`,
      );
      return 1;
    }
    const extraArgs = [
      ...(values['data-dir'] || io.env.CCMAX_DATA_DIR ? ['--data-dir', resolve(io.cwd, dataDir)] : []),
      ...(values.url ? ['--url', values.url as string] : []),
    ];
    const commands = heartbeatCommands({
      nodePath: (values.node as string | undefined) ?? process.execPath,
      scriptPath: script,
      extraArgs,
      platform: io.platform,
    });
    const result = await installHooks({ configDir, commands, nowMs });
    if (!result.ok) {
      io.stderr(`${result.error.message}\n`);
      return 1;
    }
    reportChange(io, result.value, 'Installed ccmax-monitor hooks in');
    return 0;
  }
  if (action === 'uninstall') {
    const result = await uninstallHooks({ configDir, nowMs });
    if (!result.ok) {
      io.stderr(`${result.error.message}\n`);
      return 1;
    }
    reportChange(io, result.value, 'Removed ccmax-monitor hooks from');
    return 0;
  }
  if (action === 'status') {
    const result = await readHooksStatus(configDir);
    if (!result.ok) {
      io.stderr(`${result.error.message}\n`);
      return 1;
    }
    if (values.json) io.stdout(`${JSON.stringify(result.value, null, 2)}\n`);
    else {
      io.stdout(`Claude Code settings: ${result.value.settingsPath}\n`);
      for (const line of [...describe(result.value), await monitorReachable(io, dataDir)]) io.stdout(`${line}\n`);
    }
    return result.value.missing.length === 0 && result.value.statusLine !== 'theirs' && result.value.statusLine !== 'none' ? 0 : 1;
  }
  io.stderr(USAGE);
  return 2;
};

/** The `ccmax-monitor` command: dispatches subcommands. Each subcommand lives in cli/commands/. */
import { homedir } from 'node:os';
import type { CliIo, CommandHandler } from './cli-types.js';
import { PRODUCT_VERSION } from '../engine/version.js';

const USAGE = `ccmax-monitor ${PRODUCT_VERSION} — keeps a fleet of Claude Max accounts working for Claude Code

Usage:
  ccmax-monitor serve [--host 127.0.0.1] [--port N] [--data-dir DIR] [--token T] [--vault keychain|file] [--demo]
  ccmax-monitor status [--json] [--data-dir DIR]
  ccmax-monitor accounts import|add <file>|list|label <account> <label>|disable <account>|enable <account>|remove <account>
  ccmax-monitor switch <account> | switch --auto | pause | resume
  ccmax-monitor hooks install|uninstall|status
  ccmax-monitor heartbeat <event>          (called by Claude Code hooks and the statusline)
  ccmax-monitor --version | --help

Environment: CCMAX_DATA_DIR, CCMAX_PORT, CCMAX_TOKEN, CCMAX_VAULT, CCMAX_API_BASE_URL,
CCMAX_OAUTH_TOKEN_URL, CLAUDE_CONFIG_DIR.
`;

const COMMANDS: Record<string, () => Promise<CommandHandler>> = {
  serve: async () => (await import('./commands/serve.js')).serveCommand,
  status: async () => (await import('./commands/status.js')).statusCommand,
  accounts: async () => (await import('./commands/accounts.js')).accountsCommand,
  switch: async () => (await import('./commands/rotation.js')).switchCommand,
  pause: async () => (await import('./commands/rotation.js')).pauseCommand,
  resume: async () => (await import('./commands/rotation.js')).resumeCommand,
  hooks: async () => (await import('./commands/hooks.js')).hooksCommand,
  heartbeat: async () => (await import('./commands/heartbeat.js')).heartbeatCommand,
};

/** Runs the CLI with the given arguments; resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${PRODUCT_VERSION}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr(`ccmax-monitor: unknown command '${name}'. Run 'ccmax-monitor --help'.\n`);
    return 2;
  }
  const handler = await load();
  return handler(rest, io);
}

function processIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
    stdin: process.stdin,
    platform: process.platform,
    homeDir: homedir(),
  };
}

/** The process entry point, called by `bin/ccmax-monitor.js`. */
export async function main(): Promise<void> {
  try {
    const code = await runCli(process.argv.slice(2), processIo());
    process.exitCode = code;
  } catch (error: unknown) {
    process.stderr.write(`ccmax-monitor: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}

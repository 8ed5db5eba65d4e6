/** The `ccmax-monitor` command: dispatches subcommands. Each subcommand lives in cli/commands/. */
import { homedir } from 'node:os';
import type { CliIo, CommandHandler } from './cli-types.js';
import { COMMAND_CATALOG, commandHelp, ENVIRONMENT_HELP, suggest } from './command-catalog.js';
import { PRODUCT_VERSION } from '../engine/index.js';

function usage(): string {
  const width = Math.max(...COMMAND_CATALOG.map((c) => c.name.length));
  const commands = COMMAND_CATALOG.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    `ccmax-monitor ${PRODUCT_VERSION} — keeps a fleet of Claude Max accounts working for Claude Code`,
    '',
    'Usage: ccmax-monitor <command> [options]      ccmax-monitor <command> --help for its options',
    '',
    'Commands:',
    ...commands,
    `  ${'--version'.padEnd(width)}  the version`,
    '',
    ENVIRONMENT_HELP,
  ].join('\n');
}

const COMMANDS: Record<string, () => Promise<CommandHandler>> = {
  serve: async () => (await import('./commands/serve.js')).serveCommand,
  status: async () => (await import('./commands/status.js')).statusCommand,
  accounts: async () => (await import('./commands/accounts.js')).accountsCommand,
  switch: async () => (await import('./commands/rotation.js')).switchCommand,
  pause: async () => (await import('./commands/rotation.js')).pauseCommand,
  resume: async () => (await import('./commands/rotation.js')).resumeCommand,
  hooks: async () => (await import('./commands/hooks.js')).hooksCommand,
  history: async () => (await import('./commands/history.js')).historyCommand,
  insights: async () => (await import('./commands/history.js')).insightsCommand,
  replay: async () => (await import('./commands/replay.js')).replayCommand,
  heartbeat: async () => (await import('./commands/heartbeat.js')).heartbeatCommand,
  agent: async () => (await import('./commands/agent.js')).agentCommand,
  machines: async () => (await import('./commands/machines.js')).machinesCommand,
};

/** The words of a `node:util` parseArgs error for an unknown option, with a suggestion; null for other errors. */
function unknownOptionText(error: unknown, command: string): string | null {
  const code = (error as NodeJS.ErrnoException | null)?.code ?? '';
  if (!code.startsWith('ERR_PARSE_ARGS')) return null;
  const message = error instanceof Error ? error.message : String(error);
  const option = /option '(-{1,2}[^']*)'/.exec(message)?.[1];
  const info = COMMAND_CATALOG.find((c) => c.name === command);
  const match = option && info ? suggest(option, Object.keys(info.options)) : null;
  const first = option ? `unknown option '${option}' for '${command}'` : message.split('\n')[0];
  return `ccmax-monitor: ${first}.${match ? ` Did you mean '${match}'?` : ''} Run 'ccmax-monitor ${command} --help'.\n`;
}

/** Runs the CLI with the given arguments; resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? COMMAND_CATALOG.find((c) => c.name === rest[0]) : undefined;
    (name === undefined ? io.stderr : io.stdout)(topic ? commandHelp(topic) : usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${PRODUCT_VERSION}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  const info = COMMAND_CATALOG.find((c) => c.name === name);
  if (!load || !info) {
    const match = suggest(name, Object.keys(COMMANDS));
    io.stderr(`ccmax-monitor: unknown command '${name}'.${match ? ` Did you mean '${match}'?` : ''} Run 'ccmax-monitor --help'.\n`);
    return 2;
  }
  // Every command's --help is the same kind of page, exit 0 (the heartbeat client's arguments are its own).
  const asksHelp = name === 'heartbeat' ? rest[0] === '--help' || rest[0] === '-h' : rest.includes('--help') || rest.includes('-h');
  if (asksHelp) {
    io.stdout(commandHelp(info));
    return 0;
  }
  const handler = await load();
  try {
    return await handler(rest, io);
  } catch (error: unknown) {
    const text = unknownOptionText(error, name);
    if (text === null) throw error;
    io.stderr(text);
    return 2;
  }
}

function processIo(): CliIo {
  const columns = Number(process.env.COLUMNS) || (process.stdout.isTTY ? process.stdout.columns : 0) || 0;
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
    stdin: process.stdin,
    platform: process.platform,
    homeDir: homedir(),
    stdoutIsTty: process.stdout.isTTY === true,
    stdinIsTty: process.stdin.isTTY === true,
    ...(columns > 0 ? { columns } : {}),
  };
}

/** The process entry point, called by `bin/ccmax-monitor.js`. */
export async function main(): Promise<void> {
  // A closed pipe (`ccmax-monitor status | head -1`) ends the command quietly, like any Unix tool.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  try {
    const code = await runCli(process.argv.slice(2), processIo());
    process.exitCode = code;
  } catch (error: unknown) {
    process.stderr.write(`ccmax-monitor: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}

/**
 * `ccmax-monitor agent --hub <url> [--token T]`: runs this machine as an agent of a hub (another
 * machine's `serve` or tray app). Holds only the login the hub assigns, written where this
 * machine's Claude Code reads it; reconnects until SIGINT/SIGTERM or until the hub refuses it.
 */
import { parseArgs } from 'node:util';
import { defaultCredentialTarget, defaultIdentityTarget, PRODUCT_VERSION, resolveClaudePaths } from '../../engine/index.js';
import { createAgent } from '../../agent/agent-client.js';
import { openAgentState } from '../../agent/agent-state.js';
import { createConsoleLogger, isLogLevel } from '../../host/console-logger.js';
import type { CommandHandler } from '../cli-types.js';
import { dataDirFrom } from '../common-options.js';

export const agentCommand: CommandHandler = async (argv, io) => {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      hub: { type: 'string' },
      token: { type: 'string' },
      'data-dir': { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
    },
    strict: true,
  });
  const hub = values.hub ?? io.env.CCMAX_HUB_URL;
  const token = values.token ?? io.env.CCMAX_TOKEN;
  if (!hub) throw new Error('agent needs the hub address: --hub https://hub.example:47821 (or CCMAX_HUB_URL)');
  if (!token) throw new Error('agent needs the hub token: --token T (or CCMAX_TOKEN), the one the hub was started with');
  const level = values['log-level'];
  if (!isLogLevel(level)) throw new Error(`--log-level must be debug, info, warn or error; got '${level}'`);
  const logger = createConsoleLogger({ level });
  const dataDir = dataDirFrom(values['data-dir'], io);
  const state = await openAgentState(dataDir);
  const paths = resolveClaudePaths(io.env, io.homeDir, io.platform);
  let fatal: string | null = null;
  let wake: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    wake = resolve;
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  const agent = createAgent({
    hubUrl: hub,
    token,
    state,
    credentialsTarget: defaultCredentialTarget(io.platform, paths, logger),
    identityTarget: defaultIdentityTarget(paths, logger),
    logger,
    agentVersion: PRODUCT_VERSION,
    onFatal: (code, reason) => {
      fatal = `the hub refused this agent (${code}: ${reason})`;
      wake();
    },
  });
  agent.start();
  io.stdout(
    `ccmax-monitor ${PRODUCT_VERSION} agent of ${hub} · machine ${state.get().machineId} · Claude Code at ${paths.configDir} · Ctrl-C to stop\n`,
  );
  await done;
  await agent.stop();
  if (fatal !== null) {
    io.stderr(`ccmax-monitor: ${fatal}\n`);
    return 1;
  }
  return 0;
};

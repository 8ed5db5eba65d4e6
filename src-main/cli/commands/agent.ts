/**
 * `ccmax-monitor agent --hub <url> [--token T] [--ca PEM] [--hooks-port N]`: runs this machine as an agent of a
 * hub (another machine's `serve` or tray app). Holds only the login the hub assigns, written where
 * this machine's Claude Code reads it; relays this machine's hooks and statusline to the hub;
 * reconnects until SIGINT/SIGTERM or until the hub refuses it.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PRODUCT_VERSION } from '../../engine/index.js';
import { startAgentRunner } from '../../host/agent-runner.js';
import { createConsoleLogger, isLogLevel } from '../../host/console-logger.js';
import type { CommandHandler } from '../cli-types.js';
import { dataDirFrom } from '../common-options.js';

export const agentCommand: CommandHandler = async (argv, io) => {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      hub: { type: 'string' },
      token: { type: 'string' },
      ca: { type: 'string' },
      'hooks-port': { type: 'string' },
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
  const hooksPort = values['hooks-port'] === undefined ? 0 : Number(values['hooks-port']);
  if (!Number.isInteger(hooksPort) || hooksPort < 0 || hooksPort > 65_535)
    throw new Error(`--hooks-port must be a port number (0 picks a free one); got '${values['hooks-port']}'`);
  const logger = createConsoleLogger({ level });
  let fatal: string | null = null;
  let wake: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    wake = resolve;
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  const runner = await startAgentRunner({
    hubUrl: hub,
    token,
    ...(values.ca !== undefined ? { ca: readCa(values.ca) } : {}),
    dataDir: dataDirFrom(values['data-dir'], io),
    env: io.env,
    homeDir: io.homeDir,
    platform: io.platform,
    logger,
    hooksPort,
    onFatal: (code, reason) => {
      fatal = `the hub refused this agent (${code}: ${reason})`;
      wake();
    },
  });
  io.stdout(
    `ccmax-monitor ${PRODUCT_VERSION} agent of ${hub} · machine ${runner.machineId} · ` +
      `Claude Code at ${runner.configDir} · hooks report to ${runner.hooksUrl} · Ctrl-C to stop\n`,
  );
  await done;
  await runner.stop();
  if (fatal !== null) {
    io.stderr(`ccmax-monitor: ${fatal}\n`);
    return 1;
  }
  return 0;
};

/** `--ca FILE`: the PEM certificate(s) to trust for the hub's `wss://` (a self-signed hub certificate). */
function readCa(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`cannot read the CA certificate ${path}: ${(error as Error).message}`);
  }
}

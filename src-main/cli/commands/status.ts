/** `ccmax-monitor status [--json]`: the fleet table, from the running server or the data dir. */
import { parseArgs } from 'node:util';
import type { FleetSnapshot } from '../../shared/view-model.js';
import type { CommandHandler } from '../cli-types.js';
import { dataDirFrom, vaultKindFrom } from '../common-options.js';
import { createConsoleLogger } from '../../host/console-logger.js';
import { connectToServer } from '../../host/discovery.js';
import { formatFleetTable } from '../format-table.js';
import { openEngine } from '../../host/open-engine.js';

export const statusCommand: CommandHandler = async (argv, io) => {
  const { values } = parseArgs({
    args: [...argv],
    options: { json: { type: 'boolean', default: false }, 'data-dir': { type: 'string' }, vault: { type: 'string' } },
    strict: true,
  });
  const dataDir = dataDirFrom(values['data-dir'], io);
  let snapshot: FleetSnapshot;
  let source: string;
  const server = await connectToServer(dataDir, io.env);
  if (server) {
    snapshot = await server.get<FleetSnapshot>('/api/state');
    source = `from the server at ${server.url}`;
  } else {
    const opened = await openEngine({
      dataDir,
      env: io.env,
      platform: io.platform,
      homeDir: io.homeDir,
      vaultKind: vaultKindFrom(values.vault, io),
      logger: createConsoleLogger({ level: 'warn' }),
    });
    try {
      await opened.engine.load();
      snapshot = opened.engine.snapshot();
    } finally {
      await opened.eventLog.close();
    }
    source = `from ${dataDir} (no server running: figures are the last ones saved)`;
  }
  if (values.json) {
    io.stdout(`${JSON.stringify(snapshot, null, 2)}\n`);
  } else {
    io.stdout(formatFleetTable(snapshot, Date.now()));
    io.stdout(`\n(${source})\n`);
  }
  return 0;
};

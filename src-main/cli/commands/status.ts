/** `ccmax-monitor status [--json]`: the fleet table, from the running server or the data dir. */
import { parseArgs } from 'node:util';
import { toGuardNotice } from '../../shared/guard-words.js';
import type { FleetSnapshot } from '../../shared/view-model.js';
import type { CommandHandler } from '../cli-types.js';
import { dataDirChosen, dataDirFrom, vaultKindFrom } from '../common-options.js';
import { createConsoleLogger } from '../../host/console-logger.js';
import { connectToServer, describeServer } from '../../host/discovery.js';
import type { MachineView } from '../../shared/machines-view.js';
import { formatMachinesSection } from '../format-machines.js';
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
  const server = await connectToServer(dataDir, io.env, { dataDirChosen: dataDirChosen(values['data-dir'], io) });
  if (server) {
    snapshot = await server.get<FleetSnapshot>('/api/state');
    source = describeServer(server);
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
    source = `no running monitor found: the last figures saved in ${dataDir}`;
  }
  if (values.json) {
    io.stdout(`${JSON.stringify(snapshot, null, 2)}\n`);
  } else {
    // Which monitor answered comes first: `status | head -1` says where the figures are from.
    const color = io.stdoutIsTty === true && !io.env.NO_COLOR;
    const columns = io.columns;
    io.stdout(`${columns && source.length > columns ? `${source.slice(0, columns - 1)}…` : source}\n`);
    io.stdout(formatFleetTable(snapshot, Date.now(), { ...(columns ? { columns } : {}), color }));
    const guard = toGuardNotice(snapshot);
    if (guard) io.stdout(`\n${guard.headline}. ${guard.detail}${guard.held ? ' Run `ccmax-monitor switch --now`.' : ''}\n`);
    // A hub lists its machines (a monitor without agents, or one that is not a hub, prints nothing more).
    const machines =
      snapshot.machines ??
      (server
        ? await server.get<{ machines: MachineView[] }>('/api/machines').then(
            (r) => r.machines,
            () => [],
          )
        : []);
    const section = formatMachinesSection(snapshot, machines, Date.now(), { ...(columns ? { columns } : {}), color });
    if (section.length > 0) io.stdout(`${section.join('\n')}\n`);
  }
  return 0;
};

/** `ccmax-monitor machines list|revoke <id>`: the agents of the running hub (see README "Several machines"). */
import { parseArgs } from 'node:util';
import { connectToServer, errorMessage } from '../../host/discovery.js';
import { isBehind, isOutOfReach } from '../../shared/machine-reach.js';
import type { MachineView } from '../../shared/machines-view.js';
import type { CommandHandler } from '../cli-types.js';
import { dataDirFrom } from '../common-options.js';

export const machinesCommand: CommandHandler = async (argv, io) => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { json: { type: 'boolean', default: false }, 'data-dir': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const [action = 'list', id] = positionals;
  if ((action !== 'list' && action !== 'revoke') || (action === 'revoke' && !id)) {
    io.stderr('Usage: ccmax-monitor machines list [--json]\n       ccmax-monitor machines revoke <machine id>\n');
    return 2;
  }
  const client = await connectToServer(dataDirFrom(values['data-dir'], io), io.env);
  if (!client) {
    io.stderr("ccmax-monitor: no running monitor found. Start the hub with 'ccmax-monitor serve --token T'.\n");
    return 1;
  }
  if (action === 'revoke') {
    const r = await client.send('POST', `/api/machines/${encodeURIComponent(id ?? '')}/revoke`);
    if (r.status >= 300) {
      io.stderr(`ccmax-monitor: ${errorMessage(r.body, r.status)}\n`);
      return 1;
    }
    io.stdout(
      `Revoked ${id ?? ''}: its connection is closed and refused from now on. ` +
        'Its Claude Code keeps the login it holds until that expires; change the hub token to lock out every copy of it.\n',
    );
    return 0;
  }
  let machines: readonly MachineView[];
  try {
    machines = (await client.get<{ machines: MachineView[] }>('/api/machines')).machines;
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    io.stderr(`ccmax-monitor: ${text}${/not-found|no route|404/i.test(text) ? ' (is this monitor a hub? start it with --token)' : ''}\n`);
    return 1;
  }
  if (values.json) {
    io.stdout(`${JSON.stringify({ machines }, null, 2)}\n`);
    return 0;
  }
  if (machines.length === 0)
    io.stdout('No machine has connected yet. On each other machine: ccmax-monitor agent --hub <this hub URL> --token T\n');
  for (const m of machines) io.stdout(`${formatMachine(m, Date.now())}\n`);
  return 0;
};

/** One line per machine: host, state, what it holds, lag. */
export function formatMachine(m: MachineView, nowMs: number): string {
  const away = `${isOutOfReach(m, nowMs) ? 'OUT OF REACH, ' : ''}last seen ${Math.round((nowMs - m.lastSeenMs) / 60_000)} min ago`;
  const state = m.revoked ? 'revoked' : m.connected ? (m.lagging ? 'lagging' : 'connected') : away;
  const behind = isBehind(m) ? ` behind gen ${m.currentGeneration ?? ''}` : '';
  const held = m.held ? `${m.held.accountId} gen ${m.held.generation} (${m.held.fingerprint})${behind}` : 'no login yet';
  return `${m.host}  ${state}  agent ${m.agentVersion}  holds ${held}${m.lagMs > 0 ? `  waiting ${Math.round(m.lagMs / 1000)} s` : ''}  id ${m.id}`;
}

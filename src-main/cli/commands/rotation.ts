/**
 * `ccmax-monitor switch <account>|--auto`, `pause`, `resume`: rotation control. These act on the
 * running server (rotation lives there); without one they say how to start it.
 */
import { parseArgs } from 'node:util';
import { findAccountByRef } from '../../engine/accounts/find-account.js';
import type { CliIo, CommandHandler } from '../cli-types.js';
import { dataDirFrom } from '../common-options.js';
import { connectToServer, errorMessage, type ServerClient } from '../../host/discovery.js';

async function server(dataDirFlag: string | undefined, io: CliIo): Promise<ServerClient | null> {
  const client = await connectToServer(dataDirFrom(dataDirFlag, io), io.env);
  if (!client) io.stderr("ccmax-monitor: no running monitor found. Start it with 'ccmax-monitor serve' (or the tray app).\n");
  return client;
}

export const switchCommand: CommandHandler = async (argv, io) => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { auto: { type: 'boolean', default: false }, 'data-dir': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const ref = positionals.join(' ').trim();
  if (!values.auto && !ref) {
    io.stderr(
      'Usage: ccmax-monitor switch <email|label|uuid>   (pins it)\n       ccmax-monitor switch --auto            (unpins: automatic rotation)\n',
    );
    return 2;
  }
  const client = await server(values['data-dir'], io);
  if (!client) return 1;
  let accountId: string | null = null;
  let email = '';
  if (!values.auto) {
    const { accounts } = await client.get<{ accounts: { id: string; email: string; label: string | null }[] }>('/api/accounts');
    const match = findAccountByRef(accounts, ref);
    if (!match) {
      io.stderr(`ccmax-monitor: no account matches '${ref}'. Run 'ccmax-monitor accounts list'.\n`);
      return 1;
    }
    accountId = match.id;
    email = match.email;
  }
  const r = await client.send('POST', '/api/switch', { accountId });
  if (r.status >= 300) {
    io.stderr(`ccmax-monitor: ${errorMessage(r.body, r.status)}\n`);
    return 1;
  }
  io.stdout(
    accountId
      ? `Pinned ${email}: Claude Code switches to it as soon as no tool call is running, and stays there until 'ccmax-monitor switch --auto'.\n`
      : 'Unpinned: rotation is automatic again.\n',
  );
  return 0;
};

const toggle =
  (path: '/api/pause' | '/api/resume', done: string): CommandHandler =>
  async (argv, io) => {
    const { values } = parseArgs({ args: [...argv], options: { 'data-dir': { type: 'string' } }, strict: true });
    const client = await server(values['data-dir'], io);
    if (!client) return 1;
    const r = await client.send('POST', path, {});
    if (r.status >= 300) {
      io.stderr(`ccmax-monitor: ${errorMessage(r.body, r.status)}\n`);
      return 1;
    }
    io.stdout(`${done}\n`);
    return 0;
  };

export const pauseCommand = toggle('/api/pause', 'Rotation paused: no automatic switches until `ccmax-monitor resume`.');
export const resumeCommand = toggle('/api/resume', 'Rotation resumed.');

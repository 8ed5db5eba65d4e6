/**
 * `ccmax-monitor switch <account>|--auto|--now`, `pause`, `resume`: rotation control. These act on the
 * running server (rotation lives there); without one they say how to start it.
 */
import { parseArgs } from 'node:util';
import { findAccountByRef } from '../../engine/index.js';
import type { CliIo, CommandHandler } from '../cli-types.js';
import { dataDirChosen, dataDirFrom } from '../common-options.js';
import { connectToServer, describeServer, errorMessage, type ServerClient } from '../../host/discovery.js';

async function server(dataDirFlag: string | undefined, io: CliIo): Promise<ServerClient | null> {
  const client = await connectToServer(dataDirFrom(dataDirFlag, io), io.env, { dataDirChosen: dataDirChosen(dataDirFlag, io) });
  if (!client) io.stderr("ccmax-monitor: no running monitor found. Start it with 'ccmax-monitor serve' (or the tray app).\n");
  else io.stdout(`${describeServer(client)}\n`);
  return client;
}

export const switchCommand: CommandHandler = async (argv, io) => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { auto: { type: 'boolean', default: false }, now: { type: 'boolean', default: false }, 'data-dir': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const ref = positionals.join(' ').trim();
  if (values.now) {
    if (!ref && !values.auto) return switchNow(values['data-dir'], io);
    io.stderr("ccmax-monitor: 'switch --now' takes no account and no --auto: it lets the held switch go ahead.\n");
    return 2;
  }
  if (values.auto && ref) {
    io.stderr(`ccmax-monitor: 'switch --auto' takes no account ('${ref}'): --auto unpins. To pin ${ref}: ccmax-monitor switch ${ref}\n`);
    return 2;
  }
  if (!values.auto && !ref) {
    io.stderr(
      'Usage: ccmax-monitor switch <email|label|uuid>   (pins it)\n' +
        '       ccmax-monitor switch --auto            (unpins: automatic rotation)\n' +
        '       ccmax-monitor switch --now             (the switch the session-owner guard holds goes ahead)\n',
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

/** `switch --now`: the switch Claude Code's session-owner guard holds goes ahead. */
async function switchNow(dataDirFlag: string | undefined, io: CliIo): Promise<number> {
  const client = await server(dataDirFlag, io);
  if (!client) return 1;
  const r = await client.send('POST', '/api/switch/now', {});
  if (r.status >= 300) {
    io.stderr(`ccmax-monitor: ${errorMessage(r.body, r.status)}\n`);
    return 1;
  }
  io.stdout(
    'Switching now (as soon as no tool call is running). ' +
      'Your running Claude Code sessions show "This session belongs to another account": answer it in each.\n',
  );
  return 0;
}

const toggle =
  (path: '/api/pause' | '/api/resume', done: string, already: string): CommandHandler =>
  async (argv, io) => {
    const { values } = parseArgs({ args: [...argv], options: { 'data-dir': { type: 'string' } }, strict: true });
    const client = await server(values['data-dir'], io);
    if (!client) return 1;
    const before = await client.get<{ paused?: boolean }>('/api/state').catch(() => null);
    if (before?.paused === (path === '/api/pause')) {
      io.stdout(`${already}\n`);
      return 0;
    }
    const r = await client.send('POST', path, {});
    if (r.status >= 300) {
      io.stderr(`ccmax-monitor: ${errorMessage(r.body, r.status)}\n`);
      return 1;
    }
    io.stdout(`${done}\n`);
    return 0;
  };

export const pauseCommand = toggle(
  '/api/pause',
  'Rotation paused: no automatic switches until `ccmax-monitor resume`.',
  'Rotation is already paused (since before this command); `ccmax-monitor resume` resumes it.',
);
export const resumeCommand = toggle('/api/resume', 'Rotation resumed.', 'Rotation is already running; nothing to resume.');

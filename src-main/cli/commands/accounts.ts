/**
 * `ccmax-monitor accounts import|add|list|label|disable|enable|remove`. Goes through the running
 * server when there is one (so the dashboard updates at once), else works on the data dir directly.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type AccountOpError,
  type AccountsApi,
  type AccountSummary,
  findAccountByRef,
  readClaudeCredentials,
  resolveClaudePaths,
} from '../../engine/index.js';
import type { Result } from '../../shared/result.js';
import type { CliIo, CommandHandler } from '../cli-types.js';
import { dataDirChosen, dataDirFrom, describeVault, vaultKindFrom } from '../common-options.js';
import { suggest } from '../command-catalog.js';
import { loginNewAccount } from './accounts-login.js';
import { createConsoleLogger } from '../../host/console-logger.js';
import { connectToServer, describeServer, errorMessage, type ServerClient } from '../../host/discovery.js';
import { openEngine } from '../../host/open-engine.js';

const USAGE = `Usage:
  ccmax-monitor accounts login                   log in another account with Claude Code (the current login is untouched)
  ccmax-monitor accounts import                  add the login Claude Code holds now
  ccmax-monitor accounts add <credentials.json>  add a login from a credentials file
  ccmax-monitor accounts list
  ccmax-monitor accounts label <account> <label> (an empty label removes it)
  ccmax-monitor accounts disable <account> | enable <account> | remove <account>
  ccmax-monitor accounts remove <account> [--yes]  (asks first on a terminal; --yes skips the question)
<account> is an email, a label or an account uuid. Options: --data-dir DIR, --vault keychain|file
`;

/** The operations, whether they run in this process or on the server. */
interface AccountOps {
  readonly where: string;
  importLogin(): Promise<Result<AccountSummary, AccountOpError>>;
  addJson(json: string): Promise<Result<AccountSummary, AccountOpError>>;
  list(): Promise<readonly AccountSummary[]>;
  resolveRef(ref: string): Promise<AccountSummary | null>;
  patch(id: string, change: { label?: string | null; enabled?: boolean }): Promise<Result<AccountSummary, AccountOpError>>;
  remove(id: string): Promise<Result<AccountSummary, AccountOpError>>;
  close(): Promise<void>;
}

export const accountsCommand: CommandHandler = async (argv, io) => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { 'data-dir': { type: 'string' }, vault: { type: 'string' }, yes: { type: 'boolean', short: 'y', default: false } },
    allowPositionals: true,
    strict: true,
  });
  const [verb, ...rest] = positionals;
  if (!verb) {
    io.stderr(USAGE);
    return 2;
  }
  if (!VERBS.includes(verb)) {
    const match = suggest(verb, VERBS);
    io.stderr(`ccmax-monitor: unknown accounts command '${verb}'.${match ? ` Did you mean '${match}'?` : ''}\n${USAGE}`);
    return 2;
  }
  const dataDir = dataDirFrom(values['data-dir'], io);
  const server = await connectToServer(dataDir, io.env, { dataDirChosen: dataDirChosen(values['data-dir'], io) });
  if (server && verb !== 'list') io.stderr(`${describeServer(server)}\n`);
  const ops = server ? serverOps(server, io) : await localOps(dataDir, values.vault, io);
  try {
    return await run(verb, rest, ops, io, values.yes);
  } finally {
    await ops.close();
  }
};

const VERBS = ['login', 'import', 'add', 'list', 'label', 'disable', 'enable', 'remove'];

/** Asks a yes/no question on the terminal; anything but y/yes is no. */
async function confirm(io: CliIo, question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: io.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

async function run(verb: string, args: readonly string[], ops: AccountOps, io: CliIo, yes: boolean): Promise<number> {
  const report = (r: Result<AccountSummary, AccountOpError>, done: (a: AccountSummary) => string): number => {
    if (!r.ok) {
      io.stderr(`ccmax-monitor: ${r.error.message}\n`);
      return 1;
    }
    io.stdout(`${done(r.value)}\n`);
    return 0;
  };
  const withAccount = async (f: (a: AccountSummary) => Promise<number>): Promise<number> => {
    const ref = args[0];
    if (!ref) {
      io.stderr(`ccmax-monitor: name the account (email, label or uuid).\n${USAGE}`);
      return 2;
    }
    const account = await ops.resolveRef(ref);
    if (!account) {
      io.stderr(`ccmax-monitor: no account matches '${ref}'. Run 'ccmax-monitor accounts list'.\n`);
      return 1;
    }
    return f(account);
  };
  switch (verb) {
    case 'login':
      return loginNewAccount(io, (json) => ops.addJson(json), ops.where);
    case 'import':
      return report(await ops.importLogin(), (a) => outcomeText(a, ops.where));
    case 'add': {
      const file = args[0];
      if (!file) {
        io.stderr(`ccmax-monitor: name the credentials file.\n${USAGE}`);
        return 2;
      }
      let json: string;
      try {
        json = await readFile(resolve(io.cwd, file), 'utf8');
      } catch (e) {
        io.stderr(`ccmax-monitor: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}\n`);
        return 1;
      }
      return report(await ops.addJson(json), (a) => outcomeText(a, ops.where));
    }
    case 'list': {
      const all = await ops.list();
      if (all.length === 0) {
        io.stdout("No accounts yet. Log in with `claude /login`, then run 'ccmax-monitor accounts import'.\n");
        return 0;
      }
      const table = [
        ['Account', 'Label', 'Plan', 'State', 'Id'],
        ...all.map((a) => [a.email, a.label ?? '—', a.plan ?? '—', a.enabled ? 'enabled' : 'disabled', a.id]),
      ];
      const widths = table[0]?.map((_, col) => Math.max(...table.map((r) => (r[col] ?? '').length))) ?? [];
      for (const r of table)
        io.stdout(
          `${r
            .map((cell, col) => cell.padEnd(widths[col] ?? 0))
            .join('  ')
            .trimEnd()}\n`,
        );
      io.stdout(`(${ops.where})\n`);
      return 0;
    }
    case 'label':
      return withAccount(async (a) => {
        const label = args.slice(1).join(' ');
        return report(await ops.patch(a.id, { label: label.trim() ? label : null }), (r) =>
          r.label ? `Labelled ${r.email} '${r.label}'.` : `Removed the label of ${r.email}.`,
        );
      });
    case 'disable':
    case 'enable':
      return withAccount(async (a) =>
        report(await ops.patch(a.id, { enabled: verb === 'enable' }), (r) => `${verb === 'enable' ? 'Enabled' : 'Disabled'} ${r.email}.`),
      );
    case 'remove':
      return withAccount(async (a) => {
        if (!yes && io.stdinIsTty === true && !(await confirm(io, `Remove ${a.email} and delete its stored login from ${ops.where}?`))) {
          io.stdout('Nothing removed.\n');
          return 1;
        }
        return report(await ops.remove(a.id), (r) => `Removed ${r.email}. Its login in Claude Code, if any, is untouched.`);
      });
    default:
      io.stderr(`ccmax-monitor: unknown accounts command '${verb}'.\n${USAGE}`);
      return 2;
  }
}

function outcomeText(a: AccountSummary, where: string): string {
  const who = `${a.email}${a.plan ? ` (${a.plan})` : ''}`;
  if (a.outcome === 'updated') return `Updated the login of ${who} in ${where}.`;
  if (a.outcome === 'kept-newer') return `${who} is already there with a newer login; kept the newer one.`;
  return `Added ${who} to ${where}.`;
}

async function localOps(dataDir: string, vaultFlag: string | undefined, io: CliIo): Promise<AccountOps> {
  const opened = await openEngine({
    dataDir,
    env: io.env,
    platform: io.platform,
    homeDir: io.homeDir,
    vaultKind: vaultKindFrom(vaultFlag, io),
    logger: createConsoleLogger({ level: 'warn' }),
  });
  if (opened.vault.warning) io.stderr(`ccmax-monitor: ${opened.vault.warning}\n`);
  const accounts: AccountsApi = opened.engine.accounts;
  return {
    where: describeVault(opened.vault),
    importLogin: () => accounts.importFromClaudeCode(),
    addJson: (json) => accounts.addFromCredentialsJson(json),
    list: async () => accounts.list(),
    resolveRef: async (ref) => accounts.find(ref),
    patch: async (id, change) => {
      let last: Result<AccountSummary, AccountOpError> | null = null;
      if (change.label !== undefined) last = accounts.setLabel(id, change.label);
      if (change.enabled !== undefined && (last === null || last.ok)) last = accounts.setEnabled(id, change.enabled);
      return last ?? { ok: false, error: { kind: 'not-found', message: 'nothing to change' } };
    },
    remove: (id) => accounts.remove(id),
    close: () => opened.eventLog.close(),
  };
}

function serverOps(server: ServerClient, io: CliIo): AccountOps {
  const asResult = (r: { status: number; body: unknown }): Result<AccountSummary, AccountOpError> =>
    r.status < 300
      ? { ok: true, value: (r.body as { account: AccountSummary }).account }
      : { ok: false, error: { kind: r.status === 404 ? 'not-found' : 'profile-failed', message: errorMessage(r.body, r.status) } };
  const list = async () => (await server.get<{ accounts: AccountSummary[] }>('/api/accounts')).accounts;
  return {
    where: `the running monitor (${server.url}${server.demo ? ', DEMO' : ''})`,
    async importLogin() {
      // The login is read here, with this shell's CLAUDE_CONFIG_DIR, and handed to the server.
      const paths = resolveClaudePaths(io.env, io.homeDir, io.platform);
      const login = await readClaudeCredentials(paths, { platform: io.platform });
      if (!login.ok)
        return {
          ok: false,
          error: {
            kind: 'no-login',
            message: `No login found in Claude Code (${login.error.message}). Log in with \`claude /login\` first.`,
          },
        };
      const c = login.value.credentials;
      const claudeAiOauth = {
        accessToken: c.accessToken,
        refreshToken: c.refreshToken,
        expiresAt: c.expiresAtMs,
        scopes: c.scopes,
        subscriptionType: c.subscriptionType,
        rateLimitTier: c.rateLimitTier,
      };
      return asResult(await server.send('POST', '/api/accounts', { credentials: { claudeAiOauth } }));
    },
    async addJson(json) {
      let credentials: unknown;
      try {
        credentials = JSON.parse(json);
      } catch {
        return { ok: false, error: { kind: 'invalid-credentials', message: 'the file is not valid JSON' } };
      }
      return asResult(await server.send('POST', '/api/accounts', { credentials }));
    },
    list,
    resolveRef: async (ref) => findAccountByRef(await list(), ref),
    patch: async (id, change) => asResult(await server.send('PATCH', `/api/accounts/${encodeURIComponent(id)}`, change)),
    remove: async (id) => asResult(await server.send('DELETE', `/api/accounts/${encodeURIComponent(id)}`)),
    close: async () => {},
  };
}

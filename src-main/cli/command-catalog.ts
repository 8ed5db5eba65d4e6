/**
 * Every `ccmax-monitor` command with its one-line description, usage and options: the source of
 * `--help`, `<command> --help` and the "did you mean" suggestions. Pure data plus two helpers.
 */

export interface CommandInfo {
  readonly name: string;
  readonly summary: string;
  /** Usage lines after `ccmax-monitor `. */
  readonly usage: readonly string[];
  /** `--option` names the command accepts (for suggestions), with a few words each. */
  readonly options: Readonly<Record<string, string>>;
}

const DATA_DIR = { '--data-dir': 'DIR  the monitor data dir (default: CCMAX_DATA_DIR or the platform default)' };

export const COMMAND_CATALOG: readonly CommandInfo[] = [
  {
    name: 'serve',
    summary: 'run the monitor headless: API, dashboard and heartbeat on 127.0.0.1',
    usage: [
      'serve [--host 127.0.0.1] [--port N] [--data-dir DIR] [--token T] [--tls-cert PEM --tls-key PEM] ' +
        '[--vault keychain|file] [--demo] [--log-level L]',
    ],
    options: {
      '--host': 'ADDR  address to listen on (default 127.0.0.1; anything else needs --token)',
      '--port': 'N  port (default CCMAX_PORT or 47821; 0 picks a free one)',
      ...DATA_DIR,
      '--token': 'T  bearer token required from every client',
      '--vault': 'keychain|file  where logins are stored',
      '--demo': 'a simulated fleet in a throw-away sandbox',
      '--log-level': 'debug|info|warn|error',
    },
  },
  {
    name: 'status',
    summary: 'the fleet in rotation order, from the running monitor (or the data dir)',
    usage: ['status [--json] [--data-dir DIR]'],
    options: { '--json': 'the whole snapshot as JSON', ...DATA_DIR, '--vault': 'keychain|file' },
  },
  {
    name: 'history',
    summary: "one account's recorded usage, resets and what expired unused",
    usage: ['history <account> [--days N] [--json|--csv] [--data-dir DIR]'],
    options: { '--days': 'how far back (default 7)', '--json': 'the history as JSON', '--csv': 'the samples as CSV', ...DATA_DIR },
  },
  {
    name: 'insights',
    summary: 'quota expired unused, limit hits and switches, per account and fleet-wide',
    usage: ['insights [--days N] [--json|--csv] [--data-dir DIR]'],
    options: {
      '--days': 'how far back (default: all history)',
      '--json': 'the figures as JSON',
      '--csv': 'per week and account as CSV',
      ...DATA_DIR,
    },
  },
  {
    name: 'replay',
    summary: 'what-if: replay your recorded history under other settings or another fleet',
    usage: [
      'replay [--threshold PCT] [--dwell MIN] [--hysteresis PTS] [--accounts +N|-N] [--plan PLAN]',
      '       [--days N | --from DATE --to DATE] [--json] [--data-dir DIR]',
    ],
    options: {
      '--threshold': 'PCT  5-hour threshold to replay with',
      '--dwell': 'MIN  minimum dwell to replay with',
      '--hysteresis': 'PTS  hysteresis to replay with',
      '--accounts': '+N|-N  add N accounts, or leave the last N out',
      '--plan': 'PLAN  plan of added accounts: "Max 20x" (default), "Max 5x", "Pro"',
      '--days': 'N  the last N days (default 28, at most 35)',
      '--from': 'DATE  start (2026-11-20 or epoch ms)',
      '--to': 'DATE  end (default now)',
      '--json': 'the result as JSON',
      ...DATA_DIR,
    },
  },
  {
    name: 'accounts',
    summary: 'add, list, label, disable, enable or remove accounts',
    usage: [
      'accounts login                     log in another account with Claude Code, in a private temporary config dir',
      'accounts import                    add the login Claude Code holds now',
      'accounts add <credentials.json>    add a login from a credentials file',
      'accounts list',
      'accounts label <account> <label>   (an empty label removes it)',
      'accounts disable|enable <account>',
      'accounts remove <account> [--yes]  asks first on a terminal; --yes skips the question',
      '<account> is an email, a label or an account uuid',
    ],
    options: { ...DATA_DIR, '--vault': 'keychain|file', '--yes': 'do not ask for confirmation' },
  },
  {
    name: 'switch',
    summary: 'pin an account (switch to it when safe), or --auto to unpin',
    usage: [
      'switch <account>     pins it: rotation stays there until you unpin',
      'switch --auto        back to automatic rotation',
      "switch --now         the switch Claude Code's session-owner guard holds goes ahead",
    ],
    options: { '--auto': 'unpin', '--now': 'let the held switch go ahead (session-owner guard)', ...DATA_DIR },
  },
  { name: 'pause', summary: 'pause automatic rotation', usage: ['pause'], options: DATA_DIR },
  { name: 'resume', summary: 'resume automatic rotation', usage: ['resume'], options: DATA_DIR },
  {
    name: 'hooks',
    summary: "install, remove or check Claude Code's hooks and statusline for live sessions",
    usage: ['hooks install|uninstall|status [--data-dir DIR] [--url URL] [--json]'],
    options: { ...DATA_DIR, '--url': 'URL  the monitor the hooks report to', '--heartbeat-script': 'FILE', '--node': 'PATH', '--json': '' },
  },
  {
    name: 'agent',
    summary:
      'run this machine as an agent of a hub: it holds the login the hub assigns and relays this machine\'s hooks (README "Several machines")',
    usage: ['agent --hub <url> [--token T] [--ca PEM] [--hooks-port N] [--data-dir DIR] [--log-level L]'],
    options: {
      '--hub': 'URL  the hub (http(s):// or ws(s)://; default CCMAX_HUB_URL)',
      '--token': 'T  the token the hub was started with (default CCMAX_TOKEN)',
      ...DATA_DIR,
      '--log-level': 'debug|info|warn|error',
    },
  },
  {
    name: 'machines',
    summary: "the hub's agents: list them, or revoke one",
    usage: ['machines list [--json]', 'machines revoke <machine id>'],
    options: { '--json': 'the list as JSON', ...DATA_DIR },
  },
  {
    name: 'heartbeat',
    summary: 'the client Claude Code hooks and the statusline call (not for direct use)',
    usage: ['heartbeat hook|statusline|pulse'],
    options: { '--url': 'URL', ...DATA_DIR },
  },
];

export const ENVIRONMENT_HELP = `Environment:
  CCMAX_URL            the monitor to talk to (else CCMAX_PORT, the data dir's monitor, any running one)
  CCMAX_PORT           the monitor's port on 127.0.0.1
  CCMAX_DATA_DIR       the data dir (accounts, settings, event log)
  CCMAX_TOKEN          bearer token for a monitor started with --token (and an agent's hub token)
  CCMAX_HUB_URL        the hub an agent connects to
  CCMAX_VAULT          keychain|file: where logins are stored
  CLAUDE_CONFIG_DIR    Claude Code's config dir (default ~/.claude)
  NO_COLOR             no colour in the terminal output
  COLUMNS              terminal width for status (default: the terminal's)
`;

/** Levenshtein distance (small strings only). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] ?? 0;
}

/** The closest candidate to `typed` (a prefix, or within a third of its length in edits), or null. */
export function suggest(typed: string, candidates: readonly string[]): string | null {
  const prefixed = candidates.filter((c) => typed.length >= 2 && c.startsWith(typed));
  if (prefixed.length === 1) return prefixed[0] ?? null;
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(typed, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return bestDistance <= Math.max(1, Math.floor(typed.length / 3)) + 1 ? best : null;
}

/** `ccmax-monitor <command> --help`. */
export function commandHelp(info: CommandInfo): string {
  const options = Object.entries(info.options).map(([name, text]) => `  ${name} ${text}`.trimEnd());
  return [
    `ccmax-monitor ${info.name} — ${info.summary}`,
    '',
    'Usage:',
    ...info.usage.map((u) => `  ccmax-monitor ${u}`),
    ...(options.length ? ['', 'Options:', ...options, '  --help  this help'] : []),
    '',
  ].join('\n');
}

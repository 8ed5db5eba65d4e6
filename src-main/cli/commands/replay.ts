/**
 * `ccmax-monitor replay [--threshold PCT] [--dwell MIN] [--hysteresis PTS] [--accounts +N|-N]
 * [--plan PLAN] [--days N | --from DATE --to DATE] [--json]`: the what-if replay of the recorded
 * history, from the running monitor (or, when none runs, from `history.db` and `state.json` in the
 * data dir), as a table that fits 80 columns.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  createHistoryStore,
  createReplayCommand,
  HISTORY_FILE,
  openHistoryDb,
  readJsonFileSync,
  SettingsSchema,
  toRotationSettings,
} from '../../engine/index.js';
import { connectToServer } from '../../host/discovery.js';
import { COMMAND_ARGS } from '../../shared/command-schemas.js';
import { REPLAY_PLANS, type ReplayQuery, type ReplayView } from '../../shared/replay-view.js';
import type { CliIo, CommandHandler } from '../cli-types.js';
import { dataDirChosen, dataDirFrom } from '../common-options.js';
import { formatReplay } from './replay-format.js';

const DAY_MS = 86_400_000;
const OPTIONS = {
  threshold: { type: 'string' },
  dwell: { type: 'string' },
  hysteresis: { type: 'string' },
  accounts: { type: 'string' },
  plan: { type: 'string' },
  days: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  json: { type: 'boolean', default: false },
  'data-dir': { type: 'string' },
} as const;

/** A time as epoch ms or an ISO date (`2026-11-20`, `2026-11-20T08:00Z`). */
function timeFrom(raw: string, name: string): number {
  const ms = /^\d{1,16}$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`--${name} must be a date (2026-11-20) or epoch ms, not "${raw}"`);
  return ms;
}

function numberFrom(raw: string | undefined, name: string, scale = 1): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new Error(`--${name} must be a number, not "${raw}"`);
  return value * scale;
}

/** The command's arguments from the options; the command's schema checks the ranges. */
export function replayQueryFrom(values: { readonly [K in keyof typeof OPTIONS]?: string | boolean }, nowMs: number): ReplayQuery {
  const text = (name: keyof typeof OPTIONS) => {
    const v = values[name];
    return typeof v === 'string' ? v : undefined;
  };
  const plan = text('plan');
  if (plan !== undefined && !(REPLAY_PLANS as readonly string[]).includes(plan))
    throw new Error(`--plan must be one of ${REPLAY_PLANS.map((p) => `"${p}"`).join(', ')}, not "${plan}"`);
  const days = numberFrom(text('days'), 'days');
  const toMs = text('to') === undefined ? undefined : timeFrom(text('to') ?? '', 'to');
  const fromMs =
    text('from') !== undefined ? timeFrom(text('from') ?? '', 'from') : days !== undefined ? (toMs ?? nowMs) - days * DAY_MS : undefined;
  const raw = {
    fromMs: fromMs === undefined ? undefined : Math.round(fromMs),
    toMs,
    fiveHourThresholdPct: numberFrom(text('threshold'), 'threshold'),
    minDwellMs: numberFrom(text('dwell'), 'dwell', 60_000),
    hysteresisPct: numberFrom(text('hysteresis'), 'hysteresis'),
    accountsDelta: numberFrom(text('accounts'), 'accounts'),
    addPlan: plan,
  };
  const parsed = COMMAND_ARGS.replay.safeParse(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)));
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${String(i.path[0] ?? 'options')}: ${i.message}`).join('; '));
  return parsed.data;
}

function toSearch(query: ReplayQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    params.set(key === 'fromMs' ? 'from' : key === 'toMs' ? 'to' : key, String(value));
  }
  return params.toString();
}

/** Asks the running monitor, else replays the data dir's history with its saved settings. */
async function runReplay(io: CliIo, dataDirOption: string | undefined, query: ReplayQuery): Promise<ReplayView> {
  const dataDir = dataDirFrom(dataDirOption, io);
  const server = await connectToServer(dataDir, io.env, { dataDirChosen: dataDirChosen(dataDirOption, io), timeoutMs: 15_000 });
  if (server) return server.get<ReplayView>(`/api/replay?${toSearch(query)}`);
  const file = join(dataDir, HISTORY_FILE);
  if (!existsSync(file)) throw new Error(`no history yet: ${file} does not exist (the monitor records it while it runs)`);
  const state = readJsonFileSync(join(dataDir, 'state.json'));
  const saved = state.ok ? SettingsSchema.safeParse((state.value as { settings?: unknown } | null)?.settings ?? {}) : null;
  const settings = saved?.success ? saved.data : SettingsSchema.parse({});
  const store = createHistoryStore(openHistoryDb(file, Date.now()).db);
  try {
    const result = await createReplayCommand(store)(query, toRotationSettings(settings), Date.now());
    if (!result.ok) throw new Error(result.error.message);
    return result.value;
  } finally {
    store.close();
  }
}

/** `--accounts -1` as `--accounts=-1` (parseArgs reads a value starting with a dash as an option). */
function joinNegative(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const next = argv[i + 1];
    if (arg === '--accounts' && next !== undefined && /^-\d/.test(next)) {
      out.push(`--accounts=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

export const replayCommand: CommandHandler = async (argv, io) => {
  const { values } = parseArgs({ args: joinNegative(argv), options: OPTIONS, strict: true });
  let query: ReplayQuery;
  try {
    query = replayQueryFrom(values, Date.now());
  } catch (e) {
    io.stderr(`replay: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const view = await runReplay(io, values['data-dir'], query);
  if (values.json) io.stdout(`${JSON.stringify(view, null, 2)}\n`);
  else io.stdout(formatReplay(view).join('\n') + '\n');
  return 0;
};

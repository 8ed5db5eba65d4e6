/**
 * `ccmax-monitor history <account> [--days N] [--json|--csv]` and `ccmax-monitor insights
 * [--days N] [--json|--csv]`: the recorded history, from the running monitor (or, when none runs,
 * straight from `history.db` in the data dir).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createHistoryStore, HISTORY_FILE, openHistoryDb } from '../../engine/index.js';
import { connectToServer } from '../../host/discovery.js';
import { historyToCsv, insightsToCsv } from '../../shared/history-csv.js';
import type { HistoryView, InsightFigures, InsightsView } from '../../shared/history-view.js';
import type { CliIo, CommandHandler } from '../cli-types.js';
import { dataDirChosen, dataDirFrom } from '../common-options.js';

const DAY_MS = 86_400_000;
const SPARKS = '▁▂▃▄▅▆▇█';
const OPTIONS = {
  json: { type: 'boolean', default: false },
  csv: { type: 'boolean', default: false },
  days: { type: 'string' },
  'data-dir': { type: 'string' },
} as const;

/** A sparkline of percentages (0–100), `width` characters, the last value of each slice. */
export function sparkline(values: readonly (number | null)[], width = 48): string {
  if (values.length === 0) return '';
  const out: string[] = [];
  for (let i = 0; i < Math.min(width, values.length); i++) {
    const v = values[Math.floor(((i + 1) * values.length) / Math.min(width, values.length)) - 1] ?? null;
    out.push(v === null ? ' ' : (SPARKS[Math.min(7, Math.max(0, Math.floor((v / 100) * 8)))] ?? ' '));
  }
  return out.join('');
}

const pct = (v: number | null) => (v === null ? '—' : `${v} %`);

/** Asks the running monitor, else opens the data dir's history.db. */
async function query<T>(
  io: CliIo,
  dataDirOption: string | undefined,
  path: string,
  local: (store: ReturnType<typeof createHistoryStore>) => T,
): Promise<T> {
  const dataDir = dataDirFrom(dataDirOption, io);
  const server = await connectToServer(dataDir, io.env, { dataDirChosen: dataDirChosen(dataDirOption, io) });
  if (server) return server.get<T>(path);
  const file = join(dataDir, HISTORY_FILE);
  if (!existsSync(file)) throw new Error(`no history yet: ${file} does not exist (the monitor records it while it runs)`);
  const store = createHistoryStore(openHistoryDb(file, Date.now()).db);
  try {
    return local(store);
  } finally {
    store.close();
  }
}

function daysFrom(raw: string | undefined, fallback: number | null): number | null {
  if (raw === undefined) return fallback;
  const days = Number(raw);
  if (!(days > 0 && days <= 3650)) throw new Error(`--days must be a number of days between 1 and 3650, not "${raw}"`);
  return days;
}

export const historyCommand: CommandHandler = async (argv, io) => {
  const { values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  const account = positionals[0];
  if (!account) {
    io.stderr('usage: ccmax-monitor history <account> [--days N] [--json|--csv]\n');
    return 2;
  }
  const toMs = Date.now();
  const fromMs = toMs - (daysFrom(values.days, 7) ?? 7) * DAY_MS;
  const params = new URLSearchParams({ account, from: String(fromMs), to: String(toMs), points: '1000' });
  const view = await query<HistoryView>(io, values['data-dir'], `/api/history?${params.toString()}`, (store) => {
    const id = store.resolveAccount(account);
    if (!id) throw new Error(`the history knows no account '${account}' (give an id, email or label)`);
    return store.history({ accountId: id, fromMs, toMs, points: 1000 });
  });
  if (values.json) io.stdout(`${JSON.stringify(view, null, 2)}\n`);
  else if (values.csv) io.stdout(historyToCsv(view));
  else {
    io.stdout(
      `${view.account}: ${view.samples.length} readings from ${new Date(view.fromMs).toISOString()} to ${new Date(view.toMs).toISOString()}\n`,
    );
    io.stdout(`  7d ${sparkline(view.samples.map((s) => s.sevenDayPct))}  ${pct(view.samples.at(-1)?.sevenDayPct ?? null)}\n`);
    io.stdout(`  5h ${sparkline(view.samples.map((s) => s.fiveHourPct))}  ${pct(view.samples.at(-1)?.fiveHourPct ?? null)}\n`);
    for (const r of view.resets.filter((x) => x.window === 'seven_day'))
      io.stdout(
        `  weekly reset ${new Date(r.resetAtMs).toISOString()}: ` +
          `expired unused ${pct(r.expiredUnusedPct)}${r.uncertain ? ' (uncertain: gap in readings)' : ''}\n`,
      );
    io.stdout(`  limit hits: ${view.limitHits.length} · switches: ${view.switches.length}\n`);
  }
  return 0;
};

function figuresLine(f: InsightFigures): string {
  const wait = f.avgDeferralWaitMs === null ? '' : `, avg deferral ${Math.round(f.avgDeferralWaitMs / 1000)} s`;
  const uncertain = f.uncertainResets ? `, ${f.uncertainResets} uncertain` : '';
  return (
    `expired unused ${pct(f.expiredUnusedPct)} (${f.expiredUnusedMax20xDays} Max 20x days, ${f.weeklyResets} weekly resets${uncertain})` +
    ` · limit hits ${f.limitHits} (${f.limitHitMinutes} min) · switches ${f.switches}${wait}`
  );
}

export const insightsCommand: CommandHandler = async (argv, io) => {
  const { values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true });
  const nowMs = Date.now();
  const days = daysFrom(values.days, null);
  const fromMs = days === null ? 0 : nowMs - days * DAY_MS;
  const view = await query<InsightsView>(io, values['data-dir'], `/api/insights?from=${fromMs}&to=${nowMs}`, (store) =>
    store.insights({ fromMs, toMs: nowMs }, nowMs),
  );
  if (values.json) io.stdout(`${JSON.stringify(view, null, 2)}\n`);
  else if (values.csv) io.stdout(insightsToCsv(view));
  else {
    io.stdout(
      `Weekly quota expired unused this month: ${pct(view.headline.thisMonthExpiredUnusedPct)} ` +
        `(last month: ${pct(view.headline.previousMonthExpiredUnusedPct)})\n`,
    );
    io.stdout(`fleet    ${figuresLine(view.fleet)}\n`);
    for (const a of view.accounts) io.stdout(`${a.email ?? a.accountId}  ${figuresLine(a.figures)}\n`);
  }
  return 0;
};

/**
 * The history panel's exports: the recorded samples (every account, full resolution up to the
 * query's limit) and the insight figures of the chosen period, as CSV (the same columns as
 * `GET /api/history?format=csv` / `ccmax-monitor history`) or JSON (the API's shapes), asked of the
 * bridge and handed to the browser as a download. No token is ever part of either.
 */
import { historyToCsv, insightsToCsv } from '../../src-main/shared/history-csv.js';
import { MAX_HISTORY_POINTS, type HistoryView, type InsightsView } from '../../src-main/shared/history-view.js';
import type { CommandResult } from '../../src-main/shared/contract.js';
import type { HistoryBridge } from './history-feed.svelte.js';

export type ExportWhat = 'samples' | 'insights';
export type ExportFormat = 'csv' | 'json';

export interface ExportFile {
  readonly name: string;
  readonly mime: string;
  readonly body: string;
}

export interface ExportRequest {
  readonly what: ExportWhat;
  readonly format: ExportFormat;
  readonly accountIds: readonly string[];
  readonly fromMs: number;
  readonly toMs: number;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Several accounts' samples as one CSV: one header, then each account's rows. */
export function samplesToCsv(views: readonly HistoryView[]): string {
  const empty: HistoryView = { account: '', fromMs: 0, toMs: 0, samples: [], resets: [], limitHits: [], switches: [] };
  const head = historyToCsv(empty).trimEnd();
  const rows = views.flatMap((view) => historyToCsv(view).trimEnd().split('\n').slice(1));
  return `${[head, ...rows].join('\n')}\n`;
}

/** Builds the file for a request; a failed command is returned as its result. */
export async function buildExport(bridge: HistoryBridge, request: ExportRequest): Promise<CommandResult<ExportFile>> {
  const range = { fromMs: request.fromMs, toMs: request.toMs };
  const stem = `ccmax-${request.what}-${day(request.fromMs)}-to-${day(request.toMs)}`;
  const file = (body: string): CommandResult<ExportFile> => ({
    ok: true,
    value: {
      name: `${stem}.${request.format}`,
      mime: request.format === 'csv' ? 'text/csv;charset=utf-8' : 'application/json',
      body,
    },
  });
  if (request.what === 'insights') {
    const result = await bridge.getInsights(range);
    if (!result.ok) return result;
    const view: InsightsView = result.value;
    return file(request.format === 'csv' ? insightsToCsv(view) : `${JSON.stringify(view, null, 2)}\n`);
  }
  const results = await Promise.all(
    request.accountIds.map((account) => bridge.getHistory({ account, ...range, points: MAX_HISTORY_POINTS })),
  );
  const views: HistoryView[] = [];
  for (const result of results) {
    if (!result.ok) return result;
    views.push(result.value);
  }
  return file(request.format === 'csv' ? samplesToCsv(views) : `${JSON.stringify(views, null, 2)}\n`);
}

/** The part of a document and URL API a download needs (injectable for tests). */
export interface DownloadHost {
  createObjectURL(blob: Blob): string;
  revokeObjectURL(url: string): void;
  document: Pick<Document, 'createElement' | 'body'>;
}

/** Hands `file` to the browser as a download through a temporary `<a download>`. */
export function download(file: ExportFile, host: DownloadHost): void {
  const url = host.createObjectURL(new Blob([file.body], { type: file.mime }));
  const link = host.document.createElement('a');
  link.href = url;
  link.download = file.name;
  link.rel = 'noopener';
  host.document.body.append(link);
  link.click();
  link.remove();
  // Let the click's navigation start before the URL goes away.
  setTimeout(() => host.revokeObjectURL(url), 10_000);
}

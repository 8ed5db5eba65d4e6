/**
 * The history panel's data: the insight figures and every account's recorded history for the
 * chosen period, asked of the bridge (`getInsights`, one `getHistory` per account). At most one
 * load is in flight; asks made meanwhile collapse into one follow-up with the latest query.
 */
import type { HistoryView, InsightsView } from '../../src-main/shared/history-view.js';
import type { DashboardBridge } from './bridge-types.js';

/** Samples asked per account for the charts: about one per pixel of a wide chart (the SQL downsamples). */
export const CHART_POINTS = 720;

export interface HistoryRequest {
  readonly accountIds: readonly string[];
  readonly fromMs: number;
  readonly toMs: number;
  readonly points: number;
}

export type HistoryBridge = Pick<DashboardBridge, 'getHistory' | 'getInsights'>;

/** The loaded history (see the file comment). */
export class HistoryFeed {
  insights = $state.raw<InsightsView | null>(null);
  /** Account id → its history, in the order asked. */
  histories = $state.raw<ReadonlyMap<string, HistoryView>>(new Map());
  error = $state<string | null>(null);
  /** Set when this monitor keeps no history (e.g. it observes another): the message to show instead of charts. */
  unavailable = $state<string | null>(null);
  /** The request the data shown answers; null before the first load. */
  loaded = $state.raw<HistoryRequest | null>(null);
  readonly #bridge: HistoryBridge;
  #inFlight = false;
  #queued: HistoryRequest | null = null;

  constructor(bridge: HistoryBridge) {
    this.#bridge = bridge;
  }

  async load(request: HistoryRequest): Promise<void> {
    if (this.#inFlight) {
      this.#queued = request;
      return;
    }
    this.#inFlight = true;
    try {
      const fetched = await fetchHistory(this.#bridge, request);
      this.insights = fetched.insights;
      this.histories = fetched.histories;
      this.loaded = request;
      this.unavailable = fetched.unavailable;
      this.error = fetched.problems.length > 0 ? fetched.problems.join(' ') : null;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.#inFlight = false;
    }
    const next = this.#queued;
    this.#queued = null;
    if (next !== null) await this.load(next);
  }
}

export interface FetchedHistory {
  readonly insights: InsightsView | null;
  readonly histories: ReadonlyMap<string, HistoryView>;
  /** One sentence per command that failed. */
  readonly problems: readonly string[];
  /** The engine's message when it keeps no history at all (`unavailable`); null otherwise. */
  readonly unavailable: string | null;
}

/** Asks for the insights and each account's history at once; failures become sentences, not throws. */
export async function fetchHistory(bridge: HistoryBridge, request: HistoryRequest): Promise<FetchedHistory> {
  const range = { fromMs: request.fromMs, toMs: request.toMs };
  const [insights, ...histories] = await Promise.all([
    bridge.getInsights(range),
    ...request.accountIds.map((account) => bridge.getHistory({ account, ...range, points: request.points })),
  ]);
  if (insights && !insights.ok && insights.error.code === 'unavailable') {
    return { insights: null, histories: new Map(), problems: [], unavailable: insights.error.message };
  }
  const problems: string[] = [];
  if (insights && !insights.ok) problems.push(`Insights: ${insights.error.message}`);
  const byId = new Map<string, HistoryView>();
  histories.forEach((result, i) => {
    const id = request.accountIds[i] as string;
    if (result.ok) byId.set(id, result.value);
    else problems.push(`History of ${id}: ${result.error.message}`);
  });
  return { insights: insights?.ok ? insights.value : null, histories: byId, problems, unavailable: null };
}

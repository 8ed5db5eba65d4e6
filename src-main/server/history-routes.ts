/**
 * `GET /api/history` and `GET /api/insights`: query parameters to the contract's `getHistory` /
 * `getInsights` commands, answered as JSON (or CSV with `format=csv`).
 */
import { historyToCsv, insightsToCsv } from '../shared/history-csv.js';
import type { CommandError, CommandHandlers } from '../shared/contract.js';
import { COMMAND_ERROR_STATUS } from './command-routes.js';
import { httpError } from './http-io.js';
import type { Reply, Route } from './routes.js';

function failure(error: CommandError): Reply {
  return {
    error: httpError(COMMAND_ERROR_STATUS[error.code], error.code === 'invalid-arguments' ? 'bad-request' : error.code, error.message),
  };
}

/** Reads an optional non-negative integer query parameter; a string when it is not one. */
function intParam(query: URLSearchParams, name: string): number | undefined | string {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  return /^\d{1,16}$/.test(raw) ? Number(raw) : `${name} must be a non-negative integer (epoch ms or a count), not "${raw.slice(0, 40)}"`;
}

function csv(body: string, name: string): Reply {
  return {
    status: 200,
    text: body,
    contentType: 'text/csv; charset=utf-8',
    headers: { 'Content-Disposition': `attachment; filename="${name}"` },
  };
}

/** The two history routes over the command handlers. */
export function createHistoryRoutes(handlers: CommandHandlers): Route[] {
  const range = (query: URLSearchParams) => {
    const fromMs = intParam(query, 'from');
    const toMs = intParam(query, 'to');
    const points = intParam(query, 'points');
    const bad = [fromMs, toMs, points].find((v) => typeof v === 'string');
    return { fromMs, toMs, points, bad: typeof bad === 'string' ? bad : null };
  };
  const wantsCsv = (query: URLSearchParams) => query.get('format') === 'csv';
  return [
    {
      method: 'GET',
      path: '/api/history',
      handle: async ({ query }) => {
        const account = query.get('account');
        if (!account) return { error: httpError(400, 'bad-request', 'account is required: an account id, email or label.') };
        const { fromMs, toMs, points, bad } = range(query);
        if (bad !== null) return { error: httpError(400, 'bad-request', bad) };
        const r = await handlers.getHistory({
          account,
          ...(typeof fromMs === 'number' ? { fromMs } : {}),
          ...(typeof toMs === 'number' ? { toMs } : {}),
          ...(typeof points === 'number' ? { points } : {}),
        });
        if (!r.ok) return failure(r.error);
        return wantsCsv(query) ? csv(historyToCsv(r.value), 'ccmax-history.csv') : { status: 200, json: r.value };
      },
    },
    {
      method: 'GET',
      path: '/api/insights',
      handle: async ({ query }) => {
        const { fromMs, toMs, bad } = range(query);
        if (bad !== null) return { error: httpError(400, 'bad-request', bad) };
        const r = await handlers.getInsights({
          ...(typeof fromMs === 'number' ? { fromMs } : {}),
          ...(typeof toMs === 'number' ? { toMs } : {}),
        });
        if (!r.ok) return failure(r.error);
        return wantsCsv(query) ? csv(insightsToCsv(r.value), 'ccmax-insights.csv') : { status: 200, json: r.value };
      },
    },
  ];
}

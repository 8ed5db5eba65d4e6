/** `GET /api/replay`: the query parameters of the contract's `replay` command, through the one command adapter. */
import { COMMAND_ARGS } from '../shared/command-schemas.js';
import type { ReplayQuery } from '../shared/replay-view.js';
import { err, ok, type Result } from '../shared/result.js';
import { command, commandRoute, type RouteFactory } from './command-routes.js';

/** Query parameters and whether each is a number (the command's schema checks ranges). */
const PARAMS = {
  from: 'number',
  to: 'number',
  fiveHourThresholdPct: 'number',
  minDwellMs: 'number',
  hysteresisPct: 'number',
  accountsDelta: 'number',
  addPlan: 'text',
} as const;
type Param = keyof typeof PARAMS;

/** The replay's arguments from the query string, checked with the command's own schema. */
export function parseReplayQuery(query: URLSearchParams): Result<ReplayQuery, string> {
  const args: Record<string, number | string> = {};
  for (const name of new Set(query.keys())) {
    if (!(name in PARAMS)) return err(`Unknown query parameter "${name}"; use ${Object.keys(PARAMS).join(', ')}.`);
    if (query.getAll(name).length > 1) return err(`Give the query parameter "${name}" once.`);
    const raw = query.get(name) ?? '';
    const key = name === 'from' ? 'fromMs' : name === 'to' ? 'toMs' : name;
    if (PARAMS[name as Param] === 'text') {
      args[key] = raw;
      continue;
    }
    if (!/^[+-]?\d{1,16}(\.\d{1,6})?$/.test(raw)) return err(`${name} must be a number, not "${raw.slice(0, 40)}".`);
    args[key] = Number(raw);
  }
  const parsed = COMMAND_ARGS.replay.safeParse(args);
  if (parsed.success) return ok(parsed.data);
  return err(parsed.error.issues.map((i) => `${String(i.path[0] ?? 'query')}: ${i.message}`).join('; '));
}

export const replayRoute: RouteFactory = commandRoute(command('replay'))({
  method: 'GET',
  path: '/api/replay',
  args: ({ query }) => parseReplayQuery(query),
  reply: (view) => ({ status: 200, json: view }),
});

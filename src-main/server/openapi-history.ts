/** The OpenAPI description of `GET /api/history` and `GET /api/insights` and their schemas. */
import type {
  AccountInsights,
  HistorySample,
  HistoryView,
  InsightFigures,
  InsightsView,
  LimitHitView,
  SwitchView,
  WeekInsights,
  WindowResetView,
} from '../shared/history-view.js';
import { common, errorResponse, responseRef, type Operation } from './openapi-helpers.js';
import { objectOf, type JsonSchema } from './openapi-schemas.js';

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const ms = (description: string): JsonSchema => ({ type: 'integer', description: `${description} (epoch ms)` });
const pct = (description: string): JsonSchema => ({
  anyOf: [{ type: 'number' }, { type: 'null' }],
  description: `${description} (percent)`,
});
const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });
const arrayOf = (items: JsonSchema): JsonSchema => ({ type: 'array', items });
const windowName: JsonSchema = { type: 'string', enum: ['five_hour', 'seven_day'] };
const num: JsonSchema = { type: 'number' };
const int: JsonSchema = { type: 'integer' };

const figures = objectOf<InsightFigures>({
  weeklyResets: { type: 'integer', description: 'Weekly windows that reset in the period with a certain figure.' },
  uncertainResets: { type: 'integer', description: 'Weekly resets with a gap in readings or no reading (left out of the percentages).' },
  expiredUnusedPct: pct('Share of those weekly windows that expired unused, weighted by plan'),
  expiredUnusedMax20xDays: {
    type: 'number',
    description: 'The same in days of a Max 20x weekly quota (a Max 20x week = 7, Max 5x = 1.75).',
  },
  limitHits: int,
  limitHitMinutes: { type: 'number', description: 'Minutes at 100 % of a window while the account was active.' },
  switches: int,
  switchesByTrigger: { type: 'object', additionalProperties: { type: 'integer' } },
  avgDeferralWaitMs: nullable({ type: 'integer', description: 'Mean wait of the deferred switches (ms).' }),
  deferredSwitches: int,
});

export const HISTORY_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  HistorySample: objectOf<HistorySample>({
    atMs: ms('When read'),
    fiveHourPct: pct('5-hour utilization'),
    sevenDayPct: pct('7-day utilization'),
    source: { type: 'string', enum: ['poll', 'statusline', 'demo'] },
  }),
  WindowReset: objectOf<WindowResetView>({
    accountId: { type: 'string' },
    window: windowName,
    resetAtMs: ms('When the window reset (the server’s resets_at)'),
    lastPct: pct('Utilization of the last reading before the reset'),
    expiredUnusedPct: pct('100 − lastPct: what expired unused'),
    lastReadingAgeMs: nullable({ type: 'integer', description: 'How long before the reset that reading was taken (ms).' }),
    uncertain: { type: 'boolean', description: 'Readings were missing around the reset.' },
  }),
  LimitHit: objectOf<LimitHitView>({
    accountId: { type: 'string' },
    window: windowName,
    startedAtMs: ms('First reading at 100 %'),
    endedAtMs: nullable(ms('First reading below 100 %, or the reset')),
    activeMinutes: { type: 'number', description: 'Minutes at 100 % while it was the active account.' },
  }),
  HistorySwitch: objectOf<SwitchView>({
    atMs: ms('When the login was switched'),
    fromId: nullable({ type: 'string' }),
    toId: { type: 'string' },
    trigger: { type: 'string', description: 'token, exhaustion, breach, velocity, manual, recovered or perishable.' },
    deferralWaitMs: { type: 'integer', description: 'How long it waited for a tool call to end (ms).' },
  }),
  History: objectOf<HistoryView>({
    account: { type: 'string', description: 'The account id.' },
    fromMs: ms('Start of the range'),
    toMs: ms('End of the range'),
    samples: arrayOf(ref('HistorySample')),
    resets: arrayOf(ref('WindowReset')),
    limitHits: arrayOf(ref('LimitHit')),
    switches: arrayOf(ref('HistorySwitch')),
  }),
  InsightFigures: figures,
  AccountInsights: objectOf<AccountInsights>({
    accountId: { type: 'string' },
    email: nullable({ type: 'string' }),
    plan: nullable({ type: 'string' }),
    figures: ref('InsightFigures'),
  }),
  WeekInsights: objectOf<WeekInsights>({
    weekStartMs: ms('Monday 00:00 UTC'),
    fleet: ref('InsightFigures'),
    accounts: arrayOf(ref('AccountInsights')),
  }),
  Insights: objectOf<InsightsView>({
    fromMs: ms('Start of the period'),
    toMs: ms('End of the period'),
    fleet: ref('InsightFigures'),
    accounts: arrayOf(ref('AccountInsights')),
    weeks: arrayOf(ref('WeekInsights')),
    headline: {
      type: 'object',
      description: '"Weekly quota expired unused this month: X %" and the previous month (calendar months, UTC).',
      required: ['monthStartMs', 'thisMonthExpiredUnusedPct', 'previousMonthExpiredUnusedPct'],
      properties: { monthStartMs: int, thisMonthExpiredUnusedPct: nullable(num), previousMonthExpiredUnusedPct: nullable(num) },
      additionalProperties: false,
    },
  }),
};

const rangeParams = [
  { name: 'from', in: 'query', description: 'Start (epoch ms).', schema: { type: 'integer', minimum: 0 } },
  { name: 'to', in: 'query', description: 'End (epoch ms); default now.', schema: { type: 'integer', minimum: 0 } },
  {
    name: 'format',
    in: 'query',
    description: '`csv` for a CSV download instead of JSON.',
    schema: { type: 'string', enum: ['json', 'csv'] },
  },
];

const unavailable = errorResponse(
  'This monitor keeps no history (it observes another one).',
  'unavailable',
  'This monitor keeps no history.',
);
const csvContent = { 'text/csv': { schema: { type: 'string' } } };

export function historyPaths(): Record<string, Record<string, Operation>> {
  return {
    '/api/history': {
      get: {
        operationId: 'getHistory',
        summary: 'One account’s recorded history',
        description:
          'Samples (an unchanged reading is stored once; older than 35 days: one per hour) downsampled in SQL to at most `points` ' +
          '(the last reading of each time bucket), plus the window resets with what expired unused, limit hits and switches in the range. ' +
          'Default range: the last 7 days.',
        parameters: [
          { name: 'account', in: 'query', required: true, description: 'Account id, email or label.', schema: { type: 'string' } },
          ...rangeParams,
          {
            name: 'points',
            in: 'query',
            description: 'Most samples (default 1000).',
            schema: { type: 'integer', minimum: 1, maximum: 5000 },
          },
        ],
        responses: {
          '200': { description: 'The history.', content: { 'application/json': { schema: ref('History') }, ...csvContent } },
          '400': responseRef('BadRequest'),
          '404': responseRef('NotFound'),
          '503': unavailable,
          ...common,
        },
      },
    },
    '/api/insights': {
      get: {
        operationId: 'getInsights',
        summary: 'Quota expired unused, limit hits and switches: per account, fleet-wide, per week',
        description: 'Figures over the period (default: all recorded history) and per week, plus the monthly headline.',
        parameters: rangeParams,
        responses: {
          '200': { description: 'The figures.', content: { 'application/json': { schema: ref('Insights') }, ...csvContent } },
          '400': responseRef('BadRequest'),
          '503': unavailable,
          ...common,
        },
      },
    },
  };
}

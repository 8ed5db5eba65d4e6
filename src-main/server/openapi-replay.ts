/** The OpenAPI description of `GET /api/replay` (the what-if replay of the recorded history) and its schemas. */
import type { ReplayAccountView, ReplayDemandView, ReplayFigures, ReplaySettingsView, ReplayView } from '../shared/replay-view.js';
import { REPLAY_PLANS } from '../shared/replay-view.js';
import { common, errorResponse, responseRef, type Operation } from './openapi-helpers.js';
import { objectOf, type JsonSchema } from './openapi-schemas.js';

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });
const num = (description: string): JsonSchema => ({ type: 'number', description });
const int = (description: string): JsonSchema => ({ type: 'integer', description });
const side = (description: string): JsonSchema => ({
  type: 'object',
  description,
  required: ['settings', 'fleet'],
  properties: { settings: ref('ReplaySettings'), fleet: { type: 'array', items: ref('ReplayAccount') } },
  additionalProperties: false,
});

export const REPLAY_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  ReplayFigures: objectOf<ReplayFigures>({
    expiredUnusedPct: nullable(num('Share of the weekly quota of windows that reset in the period left unused (plan-weighted, percent)')),
    expiredUnusedMax20xDays: nullable(num('The same in days of a Max 20x weekly quota')),
    weeklyResets: int('Weekly resets counted'),
    limitHitMinutes: num('Minutes the account in use was at 100 % of a window (recorded: while active; replayed: while there was work)'),
    avoidableLimitHitMinutes: nullable(num('Of those, minutes when another account still had room (replayed only)')),
    switches: int('Switches of the login'),
    demandServedPct: nullable(num('Share of the rebuilt work the fleet served (replayed only, percent)')),
  }),
  ReplaySettings: objectOf<ReplaySettingsView>({
    fiveHourThresholdPct: num('5-hour threshold (percent)'),
    minDwellMs: int('Minimum dwell (ms)'),
    hysteresisPct: num('Hysteresis (points)'),
  }),
  ReplayAccount: objectOf<ReplayAccountView>({
    accountId: { type: 'string' },
    email: nullable({ type: 'string' }),
    plan: { type: 'string' },
    added: { type: 'boolean', description: 'An account the what-if added (it exists only in the replay).' },
  }),
  ReplayDemand: objectOf<ReplayDemandView>({
    max20xWeeks: num('The period’s work in weeks of a Max 20x quota'),
    readings: int('Readings it was rebuilt from'),
    fiveHourPerSevenDayPct: num('5-hour points one weekly point costs'),
    fiveHourRatioEstimated: { type: 'boolean', description: 'False: too few readings, a default ratio was used.' },
    stepMs: int('Simulation step (ms)'),
  }),
  Replay: objectOf<ReplayView>({
    fromMs: int('Start of the period (epoch ms)'),
    toMs: int('End of the period (epoch ms)'),
    demand: ref('ReplayDemand'),
    asIs: side('Today’s settings and fleet.'),
    whatIf: side('The changed settings and fleet.'),
    recorded: ref('ReplayFigures'),
    replayedAsIs: ref('ReplayFigures'),
    replayedWhatIf: ref('ReplayFigures'),
    notes: { type: 'array', items: { type: 'string' }, description: 'What to keep in mind reading the figures.' },
  }),
};

const param = (name: string, description: string, schema: JsonSchema) => ({ name, in: 'query', description, schema });

export function replayPaths(): Record<string, Record<string, Operation>> {
  return {
    '/api/replay': {
      get: {
        operationId: 'replay',
        summary: 'What-if replay of the recorded history',
        description:
          'Rebuilds the period’s work from the recorded readings and runs it through the rotation policy with today’s settings ' +
          'and fleet and with the ones given, beside what the history recorded: quota expired unused, limit-hit minutes and switches. ' +
          'Default period: the last 28 days (at most 35). One replay runs at a time (a second answers 503 busy); it takes a few seconds.',
        parameters: [
          param('from', 'Start (epoch ms).', { type: 'integer', minimum: 0 }),
          param('to', 'End (epoch ms); default now.', { type: 'integer', minimum: 0 }),
          param('fiveHourThresholdPct', 'The 5-hour threshold to replay with.', { type: 'number', minimum: 1, maximum: 100 }),
          param('minDwellMs', 'The minimum dwell to replay with (ms).', { type: 'integer', minimum: 0, maximum: 3_600_000 }),
          param('hysteresisPct', 'The hysteresis to replay with (points).', { type: 'number', minimum: 0, maximum: 50 }),
          param('accountsDelta', 'Accounts to add (1–5) or leave out (negative: the last ones in the fleet order).', {
            type: 'integer',
            minimum: -50,
            maximum: 5,
          }),
          param('addPlan', 'Plan of added accounts (default Max 20x).', { type: 'string', enum: [...REPLAY_PLANS] }),
        ],
        responses: {
          '200': { description: 'The three columns.', content: { 'application/json': { schema: ref('Replay') } } },
          '400': responseRef('BadRequest'),
          '503': errorResponse(
            'No history here, or another replay is running.',
            'busy',
            'Another replay is running; try again when it is done.',
          ),
          ...common,
        },
      },
    },
  };
}

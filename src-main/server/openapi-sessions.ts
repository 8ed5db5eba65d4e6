/** The OpenAPI schemas of a live Claude Code session as the snapshot carries it (`SessionView`, `SessionState`). */
import { LOGIN_OVERRIDES } from '../shared/heartbeat-protocol.js';
import type { SessionState, SessionView } from '../shared/view-model.js';
import { objectOf, type JsonSchema } from './openapi-schemas.js';

const str: JsonSchema = { type: 'string' };
const ms = (description: string): JsonSchema => ({ type: 'integer', description: `${description} (epoch ms)` });
const kind = (value: SessionState['kind']): JsonSchema => ({ const: value });

export const SESSION_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  SessionState: {
    oneOf: [
      objectOf<Extract<SessionState, { kind: 'idle' }>>({ kind: kind('idle') }),
      objectOf<Extract<SessionState, { kind: 'in-turn' }>>({ kind: kind('in-turn'), sinceMs: ms('Turn start') }),
      objectOf<Extract<SessionState, { kind: 'tool' }>>({ kind: kind('tool'), toolName: str, sinceMs: ms('Tool call start') }),
    ],
  },
  SessionView: objectOf<SessionView>(
    {
      id: str,
      host: { type: 'string', description: 'The host name its hook client reported.' },
      cwd: str,
      state: { $ref: '#/components/schemas/SessionState' },
      lastPulseAtMs: ms('Last heartbeat'),
      accountId: { anyOf: [str, { type: 'null' }] },
      loginOverrides: {
        type: 'array',
        items: { type: 'string', enum: LOGIN_OVERRIDES },
        description: 'Login sources that override the stored login in this session (a swap does not reach it); empty when none.',
      },
      machineId: {
        type: 'string',
        description: 'On a hub: the machine (`MachineView.id`) whose agent relayed this session; absent for this machine’s own sessions.',
      },
    },
    { optional: ['machineId'] },
  ),
};

/**
 * The OpenAPI part for the dashboard socket `/api/ws`: the protocol in words, the message schemas,
 * every command with its arguments and value (`x-commands`), and example messages (`x-messages`),
 * all rendered on `/docs`. Typed against the contract, so a new command fails the build here.
 */
import { COMMAND_ARGS } from '../shared/command-schemas.js';
import { COMMAND_ERROR_CODES, COMMAND_NAMES, type CommandError, type CommandName } from '../shared/contract.js';
import type { Err, Ok } from '../shared/result.js';
import { DEFAULT_CALL_LIMITS } from './call-limiter.js';
import { CloseCode } from './close-codes.js';
import { EXAMPLE_ACCOUNT, exampleSnapshot } from './openapi-examples.js';
import { common, errorResponse, schemaRef, type Operation } from './openapi-helpers.js';
import { fromZod, objectOf, type JsonSchema } from './openapi-schemas.js';
import { MAX_CLIENT_MESSAGE_BYTES, type DashboardClientMessage, type DashboardServerMessage } from './socket-protocol.js';

const L = DEFAULT_CALL_LIMITS;

/** The socket protocol in words. */
export const SOCKET_TEXT = [
  'Upgrade to a WebSocket (authenticate with ?token= or the cookie). The server sends {"type":"snapshot","snapshot":…} on connect',
  'and after every change (at most one per 100 ms, always the latest). Run any dashboard command by sending',
  '{"type":"call","id":<whole number ≥ 0, chosen by you>,"name":"<command>","args":{…}}; the server answers',
  '{"type":"result","id":<the same id>,"result":{"ok":true,"value":…}} or ' +
    '{"type":"result","id":…,"result":{"ok":false,"error":{"code":"…","message":"…"}}}.',
  'Results can arrive in any order and between snapshots: match them by id. A failed command never closes the socket; error codes include',
  'invalid-arguments, unknown-command, rate-limited, busy, not-found, unusable, invalid-settings, internal and the account errors',
  '(no-login, invalid-credentials, profile-failed, vault-failed). {"type":"ping"} is answered with {"type":"pong"}.',
  `Per connection: messages up to ${MAX_CLIENT_MESSAGE_BYTES / 1024} KiB (larger closes with 1009); ` +
    `${L.callsPerSec} calls a second (pings count too) with bursts of ${L.burst}`,
  `(more are answered rate-limited, and a client that keeps going is closed with ${CloseCode.TooManyRequests}); ` +
    `${L.maxInFlight} calls running at once`,
  `(more are answered busy). A message that is not a ping or a well-formed call (not JSON, binary, an id that is not a whole number, no name,`,
  `extra fields) closes the socket with ${CloseCode.BadRequest} and a reason. Close ${CloseCode.GoingAway}: the server is shutting down;`,
  `${CloseCode.InternalError}: the snapshot was unavailable, reconnect.`,
].join(' ');

/** Every command's arguments and success value, in TypeScript notation (src-main/shared/contract.ts). */
export const COMMAND_DOCS: Readonly<Record<CommandName, { readonly args: string; readonly value: string; readonly does: string }>> = {
  getSnapshot: { args: '{}', value: 'FleetSnapshot', does: 'The current snapshot (the same as GET /api/state).' },
  getEvents: {
    args: '{ sinceMs?, kinds?, accountId?, limit? }',
    value: 'EngineEvent[]',
    does: 'The event history, newest first (limit 1–1000, default 200).',
  },
  refreshNow: { args: '{ accountId? }', value: '{ accepted: true }', does: 'Polls usage now; new figures arrive in the snapshot.' },
  switchTo: {
    args: '{ accountId: string | null }',
    value: '{ accepted: true }',
    does: 'Pins the account and switches when safe; null unpins (as POST /api/switch).',
  },
  switchNow: {
    args: '{}',
    value: '{ accepted: true }',
    does: 'Lets the switch the session-owner guard holds go ahead (as POST /api/switch/now); nothing-held when none is.',
  },
  pauseRotation: { args: '{}', value: '{ paused: true }', does: 'Pauses automatic rotation.' },
  resumeRotation: { args: '{}', value: '{ paused: false }', does: 'Resumes automatic rotation.' },
  importFromClaudeCode: { args: '{}', value: 'AccountSummary', does: 'Adds the login Claude Code holds now.' },
  addFromCredentialsJson: {
    args: '{ json: string }',
    value: 'AccountSummary',
    does: 'Adds an account from a pasted .credentials.json (at most 64 KiB).',
  },
  setLabel: { args: '{ accountId, label: string | null }', value: 'AccountSummary', does: 'Names an account (null clears the label).' },
  setEnabled: { args: '{ accountId, enabled: boolean }', value: 'AccountSummary', does: 'Takes an account out of rotation or back in.' },
  removeAccount: { args: '{ accountId }', value: 'AccountSummary', does: 'Removes an account and its stored login.' },
  updateSettings: { args: 'SettingsPatch', value: 'SettingsView', does: 'Changes some settings (as PATCH /api/settings).' },
  getHistory: {
    args: '{ account, fromMs?, toMs?, points? }',
    value: 'HistoryView',
    does: 'One account’s recorded history (as GET /api/history): samples downsampled to ≤ points, resets, limit hits, switches.',
  },
  getInsights: {
    args: '{ fromMs?, toMs? }',
    value: 'InsightsView',
    does: 'Insight figures per account, fleet-wide and per week (as GET /api/insights).',
  },
  replay: {
    args: '{ fromMs?, toMs?, fiveHourThresholdPct?, minDwellMs?, hysteresisPct?, accountsDelta?, addPlan? }',
    value: 'ReplayView',
    does: 'Replays the recorded history under other settings or another fleet, beside what happened (as GET /api/replay).',
  },
  revokeMachine: {
    args: '{ machineId: string }',
    value: '{ revoked: string }',
    does: 'On a hub: closes the machine’s connection and refuses it from now on (as POST /api/machines/{id}/revoke).',
  },
};

const commandResult: JsonSchema = {
  description: 'A command outcome: `value` on success (see x-commands for each command), `error` otherwise.',
  oneOf: [
    objectOf<Ok<unknown>>({ ok: { const: true }, value: { description: 'The command value.' } }),
    objectOf<Err<CommandError>>({ ok: { const: false }, error: schemaRef('CommandError') }),
  ],
};

/** The socket schemas for `components.schemas`. */
export const SOCKET_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  CommandError: objectOf<CommandError>({
    code: { type: 'string', enum: COMMAND_ERROR_CODES, description: 'A stable machine-readable code, e.g. `rate-limited`.' },
    message: { type: 'string', description: 'A sentence a user can act on.' },
  }),
  CommandResult: commandResult,
  SocketClientMessage: {
    description: 'What a client may send on /api/ws.',
    oneOf: [
      objectOf<Extract<DashboardClientMessage, { type: 'call' }>>(
        {
          type: { const: 'call' },
          id: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Chosen by the client; echoed in the result.' },
          name: { type: 'string', enum: COMMAND_NAMES, description: 'Another name is answered with an unknown-command result.' },
          args: { description: 'The command arguments (see x-commands); absent means {}.' },
        },
        { optional: ['args'] },
      ),
      objectOf<Extract<DashboardClientMessage, { type: 'ping' }>>({ type: { const: 'ping' } }),
    ],
  },
  SocketServerMessage: {
    description: 'What the server sends on /api/ws.',
    oneOf: [
      objectOf<Extract<DashboardServerMessage, { type: 'snapshot' }>>({
        type: { const: 'snapshot' },
        snapshot: schemaRef('FleetSnapshot'),
      }),
      objectOf<Extract<DashboardServerMessage, { type: 'result' }>>({
        type: { const: 'result' },
        id: { type: 'integer', minimum: 0, description: 'The id of the call this answers.' },
        result: schemaRef('CommandResult'),
      }),
      objectOf<Extract<DashboardServerMessage, { type: 'pong' }>>({ type: { const: 'pong' } }),
    ],
  },
};

/** Example messages each way, checked against the schemas by the tests. */
export function socketExamples(version: string): {
  readonly client: Readonly<Record<string, DashboardClientMessage>>;
  readonly server: Readonly<Record<string, DashboardServerMessage>>;
} {
  return {
    client: {
      getSnapshot: { type: 'call', id: 1, name: 'getSnapshot', args: {} },
      switchTo: { type: 'call', id: 2, name: 'switchTo', args: { accountId: EXAMPLE_ACCOUNT.id } },
      setLabel: { type: 'call', id: 3, name: 'setLabel', args: { accountId: EXAMPLE_ACCOUNT.id, label: 42 } },
      ping: { type: 'ping' },
    },
    server: {
      snapshot: { type: 'snapshot', snapshot: exampleSnapshot(version) },
      switched: { type: 'result', id: 2, result: { ok: true, value: { accepted: true } } },
      invalidArguments: {
        type: 'result',
        id: 3,
        result: {
          ok: false,
          error: { code: 'invalid-arguments', message: 'setLabel: label Invalid input: expected string, received number' },
        },
      },
      rateLimited: {
        type: 'result',
        id: 41,
        result: {
          ok: false,
          error: {
            code: 'rate-limited',
            message: `Too many calls on this connection (at most ${L.callsPerSec} a second); wait a moment and try again.`,
          },
        },
      },
      pong: { type: 'pong' },
    },
  };
}

/** The `/api/ws` path item. */
export function socketPath(version: string): Record<string, Operation> {
  return {
    get: {
      operationId: 'dashboardSocket',
      summary: 'Live snapshots and commands over WebSocket',
      description: SOCKET_TEXT,
      // Each command's arguments as JSON Schema, from the schema its handler validates with.
      'x-commands': COMMAND_NAMES.map((name) => ({ name, ...COMMAND_DOCS[name], argsSchema: fromZod(COMMAND_ARGS[name], 'input') })),
      'x-messages': socketExamples(version),
      responses: {
        '101': {
          description: 'Switched to WebSocket; the server sends SocketServerMessage, the client sends SocketClientMessage.',
          content: { 'application/json': { schema: schemaRef('SocketServerMessage') } },
        },
        '426': errorResponse(
          'A plain HTTP request reached the WebSocket address.',
          'upgrade-required',
          'This address is a WebSocket; connect with a WebSocket client.',
        ),
        ...common,
      },
    },
  };
}

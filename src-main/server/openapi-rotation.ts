/**
 * The OpenAPI part for rotation control: `POST /api/switch`, `/api/switch/now`, `/api/pause`, `/api/resume`, with
 * their schemas. Reply schemas are keyed by the reply types, so they cannot drift from the routes.
 */
import { SwitchBodySchema, type PauseReplyBody, type SwitchReplyBody } from './api-schemas.js';
import { EXAMPLE_ACCOUNT } from './openapi-examples.js';
import { errorResponse, jsonBody, requestBody, responseRef, withBody, type Operation } from './openapi-helpers.js';
import { fromZod, objectOf, type JsonSchema } from './openapi-schemas.js';

/** What a pin means and when the switch happens, in words (also on `/docs` via the descriptions). */
export const SWITCH_TEXT = [
  'Pins the account and switches Claude Code to it as soon as it is safe: while any live session is in the middle of a tool call',
  '(or a whole turn, with deferralMode "turn") the switch waits (event switch-deferred) and is carried out the moment that call ends;',
  'with deferralMode "never" it happens at once. The pin stays until you unpin ({"accountId": null}) or the account becomes unusable',
  '(disabled, or its login died); then rotation is automatic again (event rotation-unpinned). While rotation is paused the pin is',
  'recorded and carried out when rotation resumes. The reply comes at once (202); the switch itself shows in the snapshot',
  '(lastSwitch, rotation.pendingSwitch) and the event log.',
].join(' ');

/** The rotation schemas for `components.schemas`. */
export const ROTATION_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  SwitchRequest: fromZod(SwitchBodySchema, 'input'),
  SwitchReply: objectOf<SwitchReplyBody>({
    ok: { const: true },
    pinnedAccountId: { anyOf: [{ type: 'string' }, { type: 'null' }], description: 'The pin now in force; null means automatic rotation.' },
  }),
  PauseReply: objectOf<PauseReplyBody>({
    ok: { const: true },
    paused: { type: 'boolean', description: 'Whether automatic rotation is paused now.' },
  }),
};

/** The rotation path items. */
export function rotationPaths(): Record<string, Record<string, Operation>> {
  return {
    '/api/switch': {
      post: {
        operationId: 'switchAccount',
        summary: 'Pin an account and switch to it (or unpin)',
        description: SWITCH_TEXT,
        requestBody: requestBody('SwitchRequest', { accountId: EXAMPLE_ACCOUNT.id }, true),
        responses: {
          '202': jsonBody(
            'SwitchReply',
            { ok: true, pinnedAccountId: EXAMPLE_ACCOUNT.id },
            'Pinned; the switch happens as soon as no tool call is running ({"accountId": null} answers pinnedAccountId null).',
          ),
          '404': responseRef('NotFound'),
          '409': errorResponse(
            'The account cannot be used now: it is disabled or needs a new login.',
            'unusable',
            'me@example.com cannot be used now (it needs a new login).',
          ),
          ...withBody,
        },
      },
    },
    '/api/switch/now': {
      post: {
        operationId: 'switchNow',
        summary: 'Switch now, despite the session-owner guard',
        description: [
          "While Claude Code's session-owner guard is on (snapshot sessionOwnerGuard.on), a due switch waits until no interactive",
          'session is running (snapshot rotation.guardHold, event rotation-held). This lets it go ahead now: each running session then',
          'shows "This session belongs to another account" until you answer it. It still waits for a running tool call. No body, or {}.',
        ].join(' '),
        responses: {
          '202': jsonBody('Accepted', { ok: true }, 'The held switch goes ahead; it shows in the snapshot and the event log.'),
          '409': errorResponse(
            'No switch is held (the guard is off, or no session holds one back).',
            'nothing-held',
            "No switch is held: Claude Code's session-owner guard is off, or no session holds one back.",
          ),
          ...withBody,
        },
      },
    },
    '/api/pause': {
      post: {
        operationId: 'pauseRotation',
        summary: 'Pause automatic rotation',
        description:
          'No automatic switches until resumed (persisted across restarts); a switch waiting for a tool call is dropped. ' +
          'Usage polling and token care go on. No body, or {}.',
        responses: { '202': jsonBody('PauseReply', { ok: true, paused: true }, 'Rotation is paused.'), ...withBody },
      },
    },
    '/api/resume': {
      post: {
        operationId: 'resumeRotation',
        summary: 'Resume automatic rotation',
        description: 'Rotation decides again at once (a pin set while paused is carried out now). No body, or {}.',
        responses: { '202': jsonBody('PauseReply', { ok: true, paused: false }, 'Rotation is running.'), ...withBody },
      },
    },
  };
}

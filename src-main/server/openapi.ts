/**
 * The hand-written OpenAPI 3.1 document for every route the server implements (a test checks the
 * route table and `paths` match key for key). Served at `/openapi.json` and rendered at `/docs`.
 */
import { EVENT_KINDS } from '../engine/index.js';
import { EXAMPLE_ACCOUNT, EXAMPLE_EVENTS, exampleHealth, exampleSnapshot } from './openapi-examples.js';
import { common, errorResponse, jsonBody, requestBody, responseRef, withBody, type Operation } from './openapi-helpers.js';
import { ROTATION_SCHEMAS, rotationPaths } from './openapi-rotation.js';
import { HISTORY_SCHEMAS, historyPaths } from './openapi-history.js';
import { REPLAY_SCHEMAS, replayPaths } from './openapi-replay.js';
import { COMPONENT_SCHEMAS, type JsonSchema } from './openapi-schemas.js';
import { socketPath, SOCKET_SCHEMAS } from './openapi-socket.js';
import { accountPaths } from './openapi-accounts.js';
import { MACHINE_SCHEMAS, machinePaths } from './openapi-machines.js';
import { SESSION_SCHEMAS } from './openapi-sessions.js';

/** How to authenticate, in words; shown in `info.description` and on `/docs`. */
export const AUTH_TEXT = [
  'On 127.0.0.1 (the default) the server needs no token and answers only to the Host names',
  '127.0.0.1, localhost and [::1] with its own port. Listening on any other address requires a token',
  '(--token or CCMAX_TOKEN); once the server has one, every request needs it, including /api/health,',
  'dashboard files and WebSocket upgrades. Send it as "Authorization: Bearer <token>", or as',
  '?token=<token> in the query (for WebSockets, which cannot set headers). Opening a page with ?token=',
  'stores the token in an HttpOnly, SameSite=Strict cookie (ccmax_token) and redirects to the same',
  "address without it, so the page's own requests work. Requests carrying an Origin other than the",
  "server's own are refused with 403.",
].join(' ');

const ERROR_RESPONSES: Readonly<Record<string, JsonSchema>> = {
  BadRequest: errorResponse('The request is not valid.', 'bad-request', 'The request body is not valid: unknown field colour.'),
  Unauthorized: errorResponse(
    'A token is required and was missing or wrong.',
    'unauthorized',
    'This server needs a token: send "Authorization: Bearer <token>", or open the page with ?token=<token>.',
  ),
  Forbidden: errorResponse(
    'Foreign Origin or Host header.',
    'forbidden',
    'Requests from other web origins are refused; open the dashboard from this server itself.',
  ),
  NotFound: errorResponse('No such account or resource.', 'not-found', 'No account has the id "x"; GET /api/accounts lists them.'),
  PayloadTooLarge: errorResponse(
    'The body is larger than the limit (64 KiB by default).',
    'payload-too-large',
    'The request body is larger than 65536 bytes; send less.',
  ),
  UnsupportedMediaType: errorResponse(
    'The body is not application/json.',
    'unsupported-media-type',
    'Send the request body as JSON with content-type application/json.',
  ),
  Internal: errorResponse(
    'Something failed inside the server; the log has the details.',
    'internal',
    'Something went wrong inside ccmax-monitor; the server log has the details.',
  ),
};

function buildPaths(version: string): Record<string, Record<string, Operation>> {
  return {
    '/api/health': {
      get: {
        operationId: 'getHealth',
        summary: 'Is the server up?',
        description: 'Liveness and version. Needs the token when the server has one; reveals no ids, emails, paths or usage figures.',
        responses: { '200': jsonBody('Health', exampleHealth(version), 'The server is up.'), ...common },
      },
    },
    '/api/state': {
      get: {
        operationId: 'getState',
        summary: 'The fleet snapshot',
        description: 'Everything the dashboard shows: accounts in rotation order, sessions, settings. Secret-free.',
        responses: { '200': jsonBody('FleetSnapshot', exampleSnapshot(version), 'The current snapshot.'), ...common },
      },
    },
    '/api/events': {
      get: {
        operationId: 'getEvents',
        summary: 'The event history, newest first',
        parameters: [
          {
            name: 'since',
            in: 'query',
            description: 'Only events at or after this time (epoch ms).',
            schema: { type: 'integer', minimum: 0 },
          },
          {
            name: 'kind',
            in: 'query',
            description: 'Comma-separated event kinds.',
            schema: { type: 'string' },
            example: 'account-switched,token-refreshed',
            'x-values': EVENT_KINDS,
          },
          { name: 'account', in: 'query', description: 'Only events about this account id.', schema: { type: 'string' } },
          {
            name: 'limit',
            in: 'query',
            description: 'At most this many events (default 200).',
            schema: { type: 'integer', minimum: 1, maximum: 1000 },
          },
        ],
        responses: {
          '200': jsonBody('EventList', { events: EXAMPLE_EVENTS }, 'Matching events.'),
          '400': responseRef('BadRequest'),
          ...common,
        },
      },
    },
    '/api/refresh': {
      post: {
        operationId: 'refresh',
        summary: 'Poll usage now',
        description:
          'Starts a poll of one account (or all enabled ones) and answers at once; the new figures arrive in the snapshot. ' +
          'A rate-limit backoff is still honoured.',
        requestBody: requestBody('RefreshRequest', { accountId: EXAMPLE_ACCOUNT.id }, false),
        responses: { '202': jsonBody('Accepted', { ok: true }, 'The poll was started.'), '404': responseRef('NotFound'), ...withBody },
      },
    },
    ...rotationPaths(),
    ...historyPaths(),
    ...replayPaths(),
    ...accountPaths(),
    ...machinePaths(),
    '/api/ws': socketPath(version),
    '/openapi.json': {
      get: {
        operationId: 'getOpenApi',
        summary: 'This document',
        responses: {
          '200': { description: 'The OpenAPI 3.1 document.', content: { 'application/json': { schema: { type: 'object' } } } },
          ...common,
        },
      },
    },
    '/docs': {
      get: {
        operationId: 'getDocs',
        summary: 'This API as a web page',
        responses: {
          '200': { description: 'Human-readable documentation.', content: { 'text/html': { schema: { type: 'string' } } } },
          ...common,
        },
      },
    },
  };
}

/** The OpenAPI 3.1 document for server `version`. */
export function buildOpenApiDocument(
  version: string,
): Readonly<Record<string, unknown>> & { readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>> } {
  return {
    openapi: '3.1.0',
    info: {
      title: 'ccmax-monitor API',
      version,
      description:
        'The local API of ccmax-monitor: the fleet snapshot, event history, accounts, rotation control and settings, ' +
        'plus the dashboard WebSocket (/api/ws) that pushes snapshots and runs every dashboard command. ' +
        `Every other GET path serves the dashboard. ${AUTH_TEXT}`,
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }, { tokenQuery: [] }, { tokenCookie: [] }, {}],
    paths: buildPaths(version),
    components: {
      schemas: {
        ...COMPONENT_SCHEMAS,
        ...ROTATION_SCHEMAS,
        ...HISTORY_SCHEMAS,
        ...REPLAY_SCHEMAS,
        ...SOCKET_SCHEMAS,
        ...MACHINE_SCHEMAS,
        ...SESSION_SCHEMAS,
      },
      responses: ERROR_RESPONSES,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'The server token (only when one is configured).' },
        tokenQuery: {
          type: 'apiKey',
          in: 'query',
          name: 'token',
          description: 'The server token in the query, for WebSockets and first page loads.',
        },
        tokenCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: 'ccmax_token',
          description: 'Set by the server when a page is opened with ?token=.',
        },
      },
    },
  };
}

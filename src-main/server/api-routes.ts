/**
 * The HTTP API's route table. Every route that runs a contract command is a {@link CommandRow}
 * (method, path, command, where its arguments come from, the reply), turned into a route by the one
 * adapter in `command-routes.ts`; the rest only read (health, account list, settings) or serve the
 * documentation. Engine exceptions become `internal` results, answered 500 and logged.
 */
import { createCommandHandlers, type Engine, type Logger } from '../engine/index.js';
import type { AccountRef, CommandHandlers, CommandResult } from '../shared/contract.js';
import { err, ok } from '../shared/result.js';
import {
  AccountPatchBodySchema,
  AddAccountBodySchema,
  EmptyBodySchema,
  parseEventQuery,
  RefreshBodySchema,
  SettingsPatchSchema,
  SwitchBodySchema,
  toAccountBody,
  type HealthBody,
  type PauseReplyBody,
  type SwitchReplyBody,
} from './api-schemas.js';
import { command, commandRoute, type JsonReply, type RouteFactory, type Runner } from './command-routes.js';
import { createHistoryRoutes } from './history-routes.js';
import { replayRoute } from './replay-route.js';
import { DOCS_CSP, renderDocsPage } from './docs-page.js';
import { httpError } from './http-io.js';
import { buildOpenApiDocument } from './openapi.js';
import type { Route } from './routes.js';

export interface ApiDeps {
  readonly engine: Engine;
  readonly logger: Logger;
  readonly version: string;
  readonly demo: boolean;
  /** Epoch ms the server started, for `uptimeMs`. */
  readonly startedAtMs: number;
  /** Epoch ms now; defaults to `Date.now`. */
  readonly now?: () => number;
  /** What command routes run; default `createCommandHandlers(engine, logger)`. */
  readonly handlers?: CommandHandlers;
}

const json = (status: number, body: unknown): JsonReply => ({ status, json: body });

/** Where to look when an account id is wrong. */
const LIST_HINT = { 'not-found': ' GET /api/accounts lists them.' } as const;

/** 201 for a new account, 200 for one that existed; the body is the public fields only. */
const accountReply = (status?: number) => (account: AccountRef) => ({
  status: status ?? (account.outcome === undefined || account.outcome === 'added' ? 201 : 200),
  json: { account: toAccountBody(account) },
});

/** PATCH /api/accounts/{id}: the label, then (if that worked) enabled. */
const updateAccount: Runner<{ accountId: string; label?: string | null; enabled?: boolean }, AccountRef> = async (h, a) => {
  let result: CommandResult<AccountRef> | null = null;
  if (a.label !== undefined) result = await h.setLabel({ accountId: a.accountId, label: a.label });
  if (a.enabled !== undefined && (result === null || result.ok))
    result = await h.setEnabled({ accountId: a.accountId, enabled: a.enabled });
  return result ?? err({ code: 'invalid-arguments', message: 'Send at least one of label or enabled.' });
};

/** The REST routes over the commands, one row each. `settings` reads the full settings for the PATCH reply. */
function commandRows(settings: () => unknown): RouteFactory[] {
  return [
    commandRoute(command('getSnapshot'))({ method: 'GET', path: '/api/state', args: () => ok({}), reply: (v) => json(200, v) }),
    commandRoute(command('getEvents'))({
      method: 'GET',
      path: '/api/events',
      args: ({ query }) => parseEventQuery(query),
      reply: (events) => json(200, { events }),
    }),
    commandRoute(command('refreshNow'))({
      method: 'POST',
      path: '/api/refresh',
      body: { schema: RefreshBodySchema, optional: true },
      args: ({ body }) => ok(body),
      reply: () => json(202, { ok: true }),
      hints: LIST_HINT,
    }),
    commandRoute(command('switchTo'))({
      method: 'POST',
      path: '/api/switch',
      body: { schema: SwitchBodySchema, optional: false },
      args: ({ body }) => ok(body),
      reply: (_v, args) => json(202, { ok: true, pinnedAccountId: args.accountId } satisfies SwitchReplyBody),
      hints: LIST_HINT,
    }),
    commandRoute(command('switchNow'))({
      method: 'POST',
      path: '/api/switch/now',
      body: { schema: EmptyBodySchema, optional: true },
      args: ({ body }) => ok(body),
      reply: () => json(202, { ok: true }),
    }),
    commandRoute(command('pauseRotation'))({
      method: 'POST',
      path: '/api/pause',
      body: { schema: EmptyBodySchema, optional: true },
      args: ({ body }) => ok(body),
      reply: (v) => json(202, { ok: true, paused: v.paused } satisfies PauseReplyBody),
    }),
    commandRoute(command('resumeRotation'))({
      method: 'POST',
      path: '/api/resume',
      body: { schema: EmptyBodySchema, optional: true },
      args: ({ body }) => ok(body),
      reply: (v) => json(202, { ok: true, paused: v.paused } satisfies PauseReplyBody),
    }),
    commandRoute(command('updateSettings'))({
      method: 'PATCH',
      path: '/api/settings',
      body: { schema: SettingsPatchSchema, optional: false },
      args: ({ body }) => ok(body),
      reply: () => json(200, settings()),
    }),
    commandRoute(command('addFromCredentialsJson'))({
      method: 'POST',
      path: '/api/accounts',
      body: { schema: AddAccountBodySchema, optional: false },
      args: ({ body }) => ok({ json: JSON.stringify(body.credentials) }),
      reply: accountReply(),
    }),
    commandRoute(command('importFromClaudeCode'))({
      method: 'POST',
      path: '/api/accounts/import',
      // An empty body or `{}` only: the login comes from Claude Code, not from the request.
      body: {
        schema: EmptyBodySchema,
        optional: true,
        refusal: 'This request takes no body (or {}); it imports the login Claude Code holds now.',
      },
      args: () => ok({}),
      reply: accountReply(),
    }),
    commandRoute(updateAccount)({
      method: 'PATCH',
      path: '/api/accounts/{id}',
      body: { schema: AccountPatchBodySchema, optional: false },
      args: ({ params, body }) => ok({ accountId: params['id'] ?? '', ...body }),
      reply: accountReply(200),
    }),
    commandRoute(command('removeAccount'))({
      method: 'DELETE',
      path: '/api/accounts/{id}',
      args: ({ params }) => ok({ accountId: params['id'] ?? '' }),
      reply: accountReply(200),
    }),
  ];
}

/** Builds every API route plus `/openapi.json` and `/docs`. */
export function createApiRoutes(deps: ApiDeps): Route[] {
  const { engine, logger } = deps;
  const now = deps.now ?? Date.now;
  const handlers = deps.handlers ?? createCommandHandlers(engine, logger);
  const document = buildOpenApiDocument(deps.version);
  // The examples name the address the page was asked on (the access decider already vetted the Host).
  const docsByHost = new Map<string, string>();
  const docsHtml = (host: string | undefined): string => {
    const origin = host && /^[\w.:[\]-]{1,255}$/.test(host) ? `http://${host}` : 'http://127.0.0.1:47821';
    let html = docsByHost.get(origin);
    if (html === undefined) {
      html = renderDocsPage(document, origin);
      if (docsByHost.size < 8) docsByHost.set(origin, html);
    }
    return html;
  };

  const health = (): HealthBody => ({
    ok: true,
    product: 'ccmax-monitor',
    version: deps.version,
    demo: deps.demo,
    uptimeMs: Math.max(0, now() - deps.startedAtMs),
    accounts: engine.snapshot().accounts.length,
  });
  return [
    { method: 'GET', path: '/api/health', handle: () => json(200, health()) },
    { method: 'GET', path: '/api/accounts', handle: () => json(200, { accounts: engine.accounts.list().map(toAccountBody) }) },
    { method: 'GET', path: '/api/settings', handle: () => json(200, engine.settings()) },
    ...commandRows(() => engine.settings()).map((make) => make(handlers, logger)),
    {
      method: 'GET',
      path: '/api/ws',
      handle: () => ({
        error: httpError(426, 'upgrade-required', 'This address is a WebSocket; connect with a WebSocket client.', {
          Upgrade: 'websocket',
        }),
      }),
    },
    ...createHistoryRoutes(handlers),
    replayRoute(handlers, logger),
    { method: 'GET', path: '/openapi.json', handle: () => json(200, document) },
    { method: 'GET', path: '/docs', handle: ({ req }) => ({ status: 200, html: docsHtml(req.headers.host), csp: DOCS_CSP }) },
  ];
}

/** An error's message for logs (engine messages are secret-free by contract). */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The HTTP API's route table: each handler validates its input, makes one engine call, and returns
 * a {@link Reply}. Engine exceptions propagate to the dispatcher, which answers 500.
 */
import type { Engine } from '../engine/engine-types.js';
import type { Logger } from '../engine/ports.js';
import { createAccountRoutes } from './account-routes.js';
import { parseEventQuery, readValidBody, RefreshBodySchema, SettingsPatchSchema } from './api-schemas.js';
import { DOCS_CSP, renderDocsPage } from './docs-page.js';
import { httpError } from './http-io.js';
import { buildOpenApiDocument } from './openapi.js';
import { createRotationRoutes } from './rotation-routes.js';
import type { Reply, Route } from './routes.js';

export interface ApiDeps {
  readonly engine: Engine;
  readonly logger: Logger;
  readonly version: string;
  readonly demo: boolean;
  /** Epoch ms the server started, for `uptimeMs`. */
  readonly startedAtMs: number;
  /** Epoch ms now; defaults to `Date.now`. */
  readonly now?: () => number;
}

/** The health body: safe to show anyone who passed the access checks (no ids, no paths). */
export interface HealthBody {
  readonly ok: true;
  readonly product: 'ccmax-monitor';
  readonly version: string;
  readonly demo: boolean;
  readonly uptimeMs: number;
  readonly accounts: number;
}

const json = (status: number, body: unknown, headers?: Readonly<Record<string, string>>): Reply =>
  headers ? { status, json: body, headers } : { status, json: body };

/** Builds every API route plus `/openapi.json` and `/docs`. */
export function createApiRoutes(deps: ApiDeps): Route[] {
  const { engine, logger } = deps;
  const now = deps.now ?? Date.now;
  const document = buildOpenApiDocument(deps.version);
  const docsHtml = renderDocsPage(document);

  const routes: Route[] = [
    {
      method: 'GET',
      path: '/api/health',
      handle: () => {
        const body: HealthBody = {
          ok: true,
          product: 'ccmax-monitor',
          version: deps.version,
          demo: deps.demo,
          uptimeMs: Math.max(0, now() - deps.startedAtMs),
          accounts: engine.snapshot().accounts.length,
        };
        return json(200, body);
      },
    },
    { method: 'GET', path: '/api/state', handle: () => json(200, engine.snapshot()) },
    {
      method: 'GET',
      path: '/api/events',
      handle: (ctx) => {
        const query = parseEventQuery(ctx.query);
        if (!query.ok) return { error: httpError(400, 'bad-request', query.error) };
        return json(200, { events: engine.events(query.value) });
      },
    },
    {
      method: 'POST',
      path: '/api/refresh',
      handle: async (ctx) => {
        const body = await readValidBody(ctx, RefreshBodySchema, true);
        if (!body.ok) return { error: body.error };
        const { accountId } = body.value;
        if (accountId !== undefined && !engine.accounts.list().some((a) => a.id === accountId)) {
          return { error: httpError(404, 'not-found', `No account has the id "${accountId}"; GET /api/accounts lists them.`) };
        }
        // A poll can take seconds (or wait on a rate-limit backoff): answer now, log the outcome.
        engine.refreshNow(accountId).catch((error: unknown) => {
          logger.error('refresh requested over HTTP failed', { accountId: accountId ?? null, error: errorText(error) });
        });
        return json(202, { ok: true });
      },
    },
    ...createRotationRoutes({ engine }),
    { method: 'GET', path: '/api/settings', handle: () => json(200, engine.settings()) },
    {
      method: 'PATCH',
      path: '/api/settings',
      handle: async (ctx) => {
        const body = await readValidBody(ctx, SettingsPatchSchema, false);
        if (!body.ok) return { error: body.error };
        const updated = engine.updateSettings(body.value);
        if (!updated.ok) return { error: httpError(400, 'invalid-settings', updated.error.message) };
        return json(200, updated.value);
      },
    },
    {
      method: 'GET',
      path: '/api/ws',
      handle: () => ({
        error: httpError(426, 'upgrade-required', 'This address is a WebSocket; connect with a WebSocket client.', {
          Upgrade: 'websocket',
        }),
      }),
    },
    ...createAccountRoutes({ engine }),
    { method: 'GET', path: '/openapi.json', handle: () => json(200, document) },
    { method: 'GET', path: '/docs', handle: () => ({ status: 200, html: docsHtml, csp: DOCS_CSP }) },
  ];
  return routes;
}

/** An error's message for logs (engine messages are secret-free by contract). */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

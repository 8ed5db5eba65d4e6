/**
 * `/api/accounts` routes: list, add from credentials, import Claude Code's login, label/enable,
 * remove. Replies carry account summaries only, copied field by field so no credential can leak.
 */
import type { AccountOpError, AccountSummary, Engine } from '../engine/engine-types.js';
import type { Result } from '../shared/result.js';
import { AccountPatchBodySchema, AddAccountBodySchema, readValidBody } from './api-schemas.js';
import { httpError, type HttpError } from './http-io.js';
import type { Reply, Route } from './routes.js';

/** HTTP status for each account failure: the user's fault 4xx, upstream 502, ours 500. */
export const ACCOUNT_ERROR_STATUS: Readonly<Record<AccountOpError['kind'], number>> = {
  'not-found': 404,
  'no-login': 400,
  'invalid-credentials': 400,
  'profile-failed': 502,
  'vault-failed': 500,
};

/** Maps an {@link AccountOpError} to an HTTP error with the engine's (secret-free) message. */
export function toAccountHttpError(error: AccountOpError): HttpError {
  return httpError(ACCOUNT_ERROR_STATUS[error.kind], error.kind, error.message);
}

/** The public fields of a summary, and nothing else. */
export function toAccountBody(summary: AccountSummary): AccountSummary {
  const body: AccountSummary = {
    id: summary.id,
    email: summary.email,
    label: summary.label,
    enabled: summary.enabled,
    plan: summary.plan,
  };
  return summary.outcome === undefined ? body : { ...body, outcome: summary.outcome };
}

function toReply(result: Result<AccountSummary, AccountOpError>, successStatus?: number): Reply {
  if (!result.ok) return { error: toAccountHttpError(result.error) };
  const status = successStatus ?? (result.value.outcome === undefined || result.value.outcome === 'added' ? 201 : 200);
  return { status, json: { account: toAccountBody(result.value) } };
}

/** Builds the account routes over `engine.accounts`. */
export function createAccountRoutes({ engine }: { readonly engine: Engine }): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/accounts',
      handle: () => ({ status: 200, json: { accounts: engine.accounts.list().map(toAccountBody) } }),
    },
    {
      method: 'POST',
      path: '/api/accounts',
      handle: async (ctx) => {
        const body = await readValidBody(ctx, AddAccountBodySchema, false);
        if (!body.ok) return { error: body.error };
        return toReply(await engine.accounts.addFromCredentialsJson(JSON.stringify(body.value.credentials)));
      },
    },
    {
      method: 'POST',
      path: '/api/accounts/import',
      handle: async (ctx) => {
        // An empty body or `{}` only: the login comes from Claude Code, not from the request.
        const body = await ctx.readBody({ allowEmpty: true });
        if (!body.ok) return { error: body.error };
        const value = body.value;
        const empty =
          value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0);
        if (!empty)
          return {
            error: httpError(400, 'bad-request', 'This request takes no body (or {}); it imports the login Claude Code holds now.'),
          };
        return toReply(await engine.accounts.importFromClaudeCode());
      },
    },
    {
      method: 'PATCH',
      path: '/api/accounts/{id}',
      handle: async (ctx) => {
        const id = ctx.params['id'] ?? '';
        const body = await readValidBody(ctx, AccountPatchBodySchema, false);
        if (!body.ok) return { error: body.error };
        let result: Result<AccountSummary, AccountOpError> | null = null;
        if (body.value.label !== undefined) result = engine.accounts.setLabel(id, body.value.label);
        if (body.value.enabled !== undefined && (result === null || result.ok)) {
          result = engine.accounts.setEnabled(id, body.value.enabled);
        }
        // The schema guarantees at least one field, so `result` is set.
        return toReply(result as Result<AccountSummary, AccountOpError>, 200);
      },
    },
    {
      method: 'DELETE',
      path: '/api/accounts/{id}',
      handle: async (ctx) => toReply(await engine.accounts.remove(ctx.params['id'] ?? ''), 200),
    },
  ];
}

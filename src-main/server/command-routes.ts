/**
 * The REST face of the contract commands. Each REST route that changes or reads through a command
 * is one {@link CommandRow}: method, path, what it runs (a command, via {@link command}), how the
 * arguments come from the path, query and body, and how the value becomes the reply. One adapter
 * ({@link commandRoute}) turns every row into a route, so REST, the dashboard socket and IPC share one
 * implementation per command: the same validation, engine call and error codes.
 */
import type { z } from 'zod';
import type { Logger } from '../engine/index.js';
import type { CommandArgs, CommandErrorCode, CommandHandlers, CommandName, CommandResult, CommandValue } from '../shared/contract.js';
import { err, type Result } from '../shared/result.js';
import { parseWith } from './api-schemas.js';
import { httpError, type HttpError } from './http-io.js';
import type { Method, Reply, Route, RouteContext } from './routes.js';

/** A JSON reply with its status. */
export interface JsonReply {
  readonly status: number;
  readonly json: unknown;
}

/** What a row reads from the request. */
export interface RestInput<B> {
  /** Decoded path parameters, e.g. `{ id: 'acct-1' }`. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The validated body (`{}` when an optional body is absent). */
  readonly body: B;
}

/** How a row reads its JSON body. */
export interface BodySpec<B> {
  readonly schema: z.ZodType<B>;
  /** True: no body (or an empty one) counts as `{}`. */
  readonly optional: boolean;
  /** Said instead of the schema's own description of what is wrong. */
  readonly refusal?: string;
}

/** Runs the request's command(s) over the handlers. */
export type Runner<A, V> = (handlers: CommandHandlers, args: A) => Promise<CommandResult<V>>;

/** One REST route over the commands (what it runs is the adapter's first argument). */
export interface CommandRow<B, A, V> {
  readonly method: Method;
  /** OpenAPI-style template, e.g. `/api/accounts/{id}`. */
  readonly path: string;
  /** The body; absent: the route reads none. */
  readonly body?: BodySpec<B>;
  /** The arguments from the request, or the sentence saying why the request cannot give them (400). */
  readonly args: (input: RestInput<B>) => Result<A, string>;
  /** The success reply. */
  readonly reply: (value: V, args: A) => JsonReply;
  /** Appended to the message of a failure with this code (where to look instead). */
  readonly hints?: Partial<Record<CommandErrorCode, string>>;
}

/** Runs one command: what most rows run. */
export const command =
  <K extends CommandName>(name: K): Runner<CommandArgs<K>, CommandValue<K>> =>
  (handlers, args) =>
    handlers[name](args);

/** The HTTP status of each command failure: the caller's fault 4xx, upstream 502, ours 5xx. */
export const COMMAND_ERROR_STATUS: Readonly<Record<CommandErrorCode, number>> = {
  'invalid-arguments': 400,
  'invalid-settings': 400,
  'not-found': 404,
  unusable: 409,
  'nothing-held': 409,
  internal: 500,
  unavailable: 503,
  'no-login': 400,
  'invalid-credentials': 400,
  'profile-failed': 502,
  'vault-failed': 500,
  'unknown-command': 404,
  'rate-limited': 429,
  busy: 503,
  forbidden: 403,
  'ipc-failed': 500,
  deferring: 409,
  disconnected: 502,
  closed: 503,
  timeout: 504,
  failed: 500,
};

/** The message of a 500: the details go to the log, never to the caller. */
export const INTERNAL_MESSAGE = 'Something went wrong inside ccmax-monitor; the server log has the details.';

async function readInput<B>(ctx: RouteContext, body: BodySpec<B> | undefined): Promise<Result<RestInput<B | undefined>, HttpError>> {
  if (body === undefined) return { ok: true, value: { params: ctx.params, query: ctx.query, body: undefined } };
  const raw = await ctx.readBody({ allowEmpty: body.optional });
  if (!raw.ok) return raw;
  const parsed = parseWith(body.schema, raw.value === undefined ? {} : raw.value);
  if (!parsed.ok) return err(httpError(400, 'bad-request', body.refusal ?? parsed.error));
  return { ok: true, value: { params: ctx.params, query: ctx.query, body: parsed.value } };
}

/** A route of the table, once it has the handlers to run and the logger for failures. */
export type RouteFactory = (handlers: CommandHandlers, logger: Logger) => Route;

/**
 * The one adapter: `commandRoute(run)(row)` turns a row into a route. `run` comes first so the
 * arguments and value it takes fix the row's types before the row is read.
 */
export function commandRoute<A, V>(run: Runner<A, V>): <B = undefined>(row: CommandRow<B, A, V>) => RouteFactory {
  return <B>(row: CommandRow<B, A, V>): RouteFactory =>
    (handlers, logger) => ({
      method: row.method,
      path: row.path,
      async handle(ctx): Promise<Reply> {
        const input = await readInput(ctx, row.body);
        if (!input.ok) return { error: input.error };
        // A row without a body spec reads `body: undefined`, which is what its B (default undefined) says.
        const args = row.args(input.value as RestInput<B>);
        if (!args.ok) return { error: httpError(400, 'bad-request', args.error) };
        const result = await run(handlers, args.value);
        if (result.ok) return row.reply(result.value, args.value);
        const { code, message } = result.error;
        if (code === 'internal') {
          logger.error('http command failed', { method: row.method, path: row.path, error: message });
          return { error: httpError(500, 'internal', INTERNAL_MESSAGE) };
        }
        return { error: httpError(COMMAND_ERROR_STATUS[code], code, `${message}${row.hints?.[code] ?? ''}`) };
      },
    });
}

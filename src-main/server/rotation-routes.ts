/**
 * Rotation control over HTTP: `POST /api/switch` (pin an account, or unpin), `POST /api/pause` and
 * `POST /api/resume`. Each answers 202 at once: the switch itself waits until no tool call is
 * running, and its outcome arrives in the snapshot and the event log.
 */
import type { Engine } from '../engine/engine-types.js';
import { EmptyBodySchema, readValidBody, SwitchBodySchema } from './api-schemas.js';
import { httpError } from './http-io.js';
import type { Route } from './routes.js';

/** `{ ok: true, pinnedAccountId }`: the pin now in force (null: automatic rotation). */
export interface SwitchReplyBody {
  readonly ok: true;
  readonly pinnedAccountId: string | null;
}

/** `{ ok: true, paused }`: whether automatic rotation is paused now. */
export interface PauseReplyBody {
  readonly ok: true;
  readonly paused: boolean;
}

/** HTTP status for each manual-switch failure. */
export const SWITCH_ERROR_STATUS = { 'not-found': 404, unusable: 409 } as const;

/** Builds the rotation routes over the engine. */
export function createRotationRoutes({ engine }: { readonly engine: Engine }): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/switch',
      handle: async (ctx) => {
        const body = await readValidBody(ctx, SwitchBodySchema, false);
        if (!body.ok) return { error: body.error };
        const result = engine.switchTo(body.value.accountId);
        if (!result.ok) {
          const hint = result.error.kind === 'not-found' ? ' GET /api/accounts lists them.' : '';
          return { error: httpError(SWITCH_ERROR_STATUS[result.error.kind], result.error.kind, `${result.error.message}${hint}`) };
        }
        const reply: SwitchReplyBody = { ok: true, pinnedAccountId: result.value.pinnedAccountId };
        return { status: 202, json: reply };
      },
    },
    {
      method: 'POST',
      path: '/api/pause',
      handle: async (ctx) => {
        const body = await readValidBody(ctx, EmptyBodySchema, true);
        if (!body.ok) return { error: body.error };
        engine.pause();
        const reply: PauseReplyBody = { ok: true, paused: true };
        return { status: 202, json: reply };
      },
    },
    {
      method: 'POST',
      path: '/api/resume',
      handle: async (ctx) => {
        const body = await readValidBody(ctx, EmptyBodySchema, true);
        if (!body.ok) return { error: body.error };
        engine.resume();
        const reply: PauseReplyBody = { ok: true, paused: false };
        return { status: 202, json: reply };
      },
    },
  ];
}

/**
 * The one implementation of every contract command (src-main/shared/contract.ts), over the engine.
 * Electron's IPC handlers and the server's WebSocket dispatcher both call these, so the dashboard
 * behaves the same in the tray app and in a browser. Arguments come from an untrusted renderer and
 * are validated here; results are secret-free.
 */
import { z } from 'zod';
import { COMMAND_NAMES, type CommandError, type CommandHandlers, type CommandName, type CommandResult } from '../shared/contract.js';
import { EVENT_KINDS } from '../shared/event-types.js';
import { err, ok } from '../shared/result.js';
import type { AccountOpError, AccountSummary, Engine } from './engine-types.js';
import { SettingsPatchSchema } from './storage/state-schema.js';
import { redactSecrets } from './vault/redact.js';

const id = z.string().min(1).max(200);
const none = z.object({}).strict();

const ARGS = {
  getSnapshot: none,
  getEvents: z
    .object({
      sinceMs: z.number().int().min(0).optional(),
      kinds: z.array(z.enum(EVENT_KINDS)).max(EVENT_KINDS.length).optional(),
      accountId: id.optional(),
      limit: z.number().int().min(1).max(1000).optional(),
    })
    .strict(),
  refreshNow: z.object({ accountId: id.optional() }).strict(),
  switchTo: z.object({ accountId: id.nullable() }).strict(),
  pauseRotation: none,
  resumeRotation: none,
  importFromClaudeCode: none,
  addFromCredentialsJson: z
    .object({
      json: z
        .string()
        .min(2)
        .max(64 * 1024),
    })
    .strict(),
  setLabel: z.object({ accountId: id, label: z.string().max(100).nullable() }).strict(),
  setEnabled: z.object({ accountId: id, enabled: z.boolean() }).strict(),
  removeAccount: z.object({ accountId: id }).strict(),
  updateSettings: SettingsPatchSchema,
} satisfies Record<CommandName, z.ZodType>;

const invalid = (name: string, e: z.ZodError): CommandError => ({
  code: 'invalid-arguments',
  message: `${name}: ${e.issues.map((i) => `${i.path.join('.') || 'arguments'} ${i.message}`).join('; ')}`,
});

const accountError = (e: AccountOpError): CommandError => ({ code: e.kind, message: e.message });
const accountResult = (r: { ok: true; value: AccountSummary } | { ok: false; error: AccountOpError }): CommandResult<AccountSummary> =>
  r.ok ? ok(r.value) : err(accountError(r.error));

/** Creates the handlers. Every handler resolves (never rejects): failures are `CommandError` values. */
export function createCommandHandlers(engine: Engine): CommandHandlers {
  const known = (accountId: string) => engine.accounts.list().some((a) => a.id === accountId);
  const notFound = (accountId: string): CommandError => ({ code: 'not-found', message: `No account has the id '${accountId}'.` });

  const impl: { [K in CommandName]: (args: z.infer<(typeof ARGS)[K]>) => Promise<CommandResult<unknown>> } = {
    getSnapshot: async () => ok(engine.snapshot()),
    getEvents: async (a) => ok(engine.events(a)),
    refreshNow: async (a) => {
      if (a.accountId !== undefined && !known(a.accountId)) return err(notFound(a.accountId));
      void engine.refreshNow(a.accountId);
      return ok({ accepted: true });
    },
    switchTo: async (a) => {
      const r = engine.switchTo(a.accountId);
      return r.ok ? ok({ accepted: true }) : err({ code: r.error.kind, message: r.error.message });
    },
    pauseRotation: async () => {
      engine.pause();
      return ok({ paused: true });
    },
    resumeRotation: async () => {
      engine.resume();
      return ok({ paused: false });
    },
    importFromClaudeCode: async () => accountResult(await engine.accounts.importFromClaudeCode()),
    addFromCredentialsJson: async (a) => accountResult(await engine.accounts.addFromCredentialsJson(a.json)),
    setLabel: async (a) => accountResult(engine.accounts.setLabel(a.accountId, a.label)),
    setEnabled: async (a) => accountResult(engine.accounts.setEnabled(a.accountId, a.enabled)),
    removeAccount: async (a) => accountResult(await engine.accounts.remove(a.accountId)),
    updateSettings: async (a) => {
      const r = engine.updateSettings(a);
      return r.ok ? ok(engine.snapshot().settings) : err({ code: 'invalid-settings', message: r.error.message });
    },
  };

  const handlers = Object.fromEntries(
    COMMAND_NAMES.map((name) => [
      name,
      async (args: unknown): Promise<CommandResult<unknown>> => {
        const parsed = ARGS[name].safeParse(args ?? {});
        if (!parsed.success) return err(invalid(name, parsed.error));
        try {
          return await (impl[name] as (a: unknown) => Promise<CommandResult<unknown>>)(parsed.data);
        } catch (e) {
          return err({ code: 'internal', message: redactSecrets(`${name} failed: ${e instanceof Error ? e.message : String(e)}`) });
        }
      },
    ]),
  );
  return handlers as unknown as CommandHandlers;
}

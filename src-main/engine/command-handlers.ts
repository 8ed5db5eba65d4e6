/**
 * The one implementation of every contract command (src-main/shared/contract.ts), over the engine.
 * Electron's IPC handlers, the server's WebSocket dispatcher and its REST routes all call these, so
 * the dashboard and the API behave the same in the tray app and in a browser. Arguments come from
 * untrusted callers and are validated with the contract's schemas (`shared/command-schemas.ts`);
 * results are secret-free.
 */
import type { z } from 'zod';
import { COMMAND_ARGS } from '../shared/command-schemas.js';
import { mapCommands, type CommandError, type CommandHandlers, type CommandResult } from '../shared/contract.js';
import { err, ok, type Result } from '../shared/result.js';
import type { AccountOpError, AccountSummary, Engine } from './engine-types.js';
import { silentLogger, type Logger } from './ports.js';
import { redactSecrets } from './vault/redact.js';
import type { HistoryReader } from './history/history-types.js';
import { createReplayCommand } from './replay/replay-command.js';
import { toRotationSettings } from './rotation/rotation-types.js';

const invalid = (name: string, e: z.ZodError): CommandError => ({
  code: 'invalid-arguments',
  message: `${name}: ${e.issues.map((i) => `${i.path.join('.') || 'arguments'} ${i.message}`).join('; ')}`,
});

const accountResult = (r: Result<AccountSummary, AccountOpError>): CommandResult<AccountSummary> =>
  r.ok ? ok(r.value) : err({ code: r.error.kind, message: r.error.message });

export interface CommandHandlerOptions {
  /** Epoch ms for the refresh debounce; default `Date.now`. */
  readonly nowMs?: () => number;
  /** A refreshNow within this long after the last one for the same account (or all) is not repeated; default 15 s. */
  readonly refreshGapMs?: number;
  /** The recorded history behind getHistory/getInsights/replay; null or absent: they answer `unavailable`. */
  readonly history?: HistoryReader | null;
}

export const REFRESH_GAP_MS = 15_000;

/** Creates the handlers. Every handler resolves (never rejects): failures are `CommandError` values. */
export function createCommandHandlers(engine: Engine, logger: Logger = silentLogger, options: CommandHandlerOptions = {}): CommandHandlers {
  const refreshGapMs = options.refreshGapMs ?? REFRESH_GAP_MS;
  const lastRefreshAtMs = new Map<string, number>();
  const inFlight = new Set<string>();
  const history = options.history ?? null;
  const noHistory: CommandError = {
    code: 'unavailable',
    message: 'This monitor keeps no history (another ccmax-monitor runs the fleet, or the history database could not be opened).',
  };
  const replay = history ? createReplayCommand(history) : null;
  const known = (accountId: string) => engine.accounts.list().some((a) => a.id === accountId);
  const notFound = (accountId: string): CommandError => ({ code: 'not-found', message: `No account has the id '${accountId}'.` });

  const impl: CommandHandlers = {
    getSnapshot: async () => ok(engine.snapshot()),
    getEvents: async (a) => ok(engine.events(a)),
    refreshNow: async (a) => {
      if (a.accountId !== undefined && !known(a.accountId)) return err(notFound(a.accountId));
      // Debounced: a request joins one in flight and is answered without a new poll within the gap
      // after the last one, so a burst of clicks or API calls makes one upstream call per account.
      const key = a.accountId ?? '*';
      const last = lastRefreshAtMs.get(key);
      const nowMs = options.nowMs?.() ?? Date.now();
      if (inFlight.has(key) || (last !== undefined && nowMs - last < refreshGapMs)) return ok({ accepted: true });
      lastRefreshAtMs.set(key, nowMs);
      inFlight.add(key);
      // A poll can take seconds (or wait on a rate-limit backoff): answer now, log the outcome.
      engine
        .refreshNow(a.accountId)
        .finally(() => {
          inFlight.delete(key);
          lastRefreshAtMs.set(key, options.nowMs?.() ?? Date.now());
        })
        .catch((error: unknown) => {
          logger.error('refresh requested by a command failed', {
            accountId: a.accountId ?? null,
            error: error instanceof Error ? error.message : String(error),
          });
        });
      return ok({ accepted: true });
    },
    switchTo: async (a) => {
      const r = engine.switchTo(a.accountId);
      return r.ok ? ok({ accepted: true }) : err({ code: r.error.kind, message: r.error.message });
    },
    switchNow: async () =>
      engine.switchNow()
        ? ok({ accepted: true })
        : err({
            code: 'nothing-held',
            message: "No switch is held: Claude Code's session-owner guard is off, or no session holds one back.",
          }),
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
    getHistory: async (a) => {
      if (!history) return err(noHistory);
      const accountId = history.resolveAccount(a.account) ?? (known(a.account) ? a.account : null);
      if (accountId === null)
        return err({ code: 'not-found', message: `The history knows no account '${a.account}' (give an id, email or label).` });
      const toMs = a.toMs ?? engine.snapshot().generatedAtMs;
      const fromMs = a.fromMs ?? toMs - 7 * 86_400_000;
      if (fromMs > toMs) return err({ code: 'invalid-arguments', message: 'getHistory: fromMs is after toMs' });
      return ok(history.history({ accountId, fromMs, toMs, points: a.points ?? 1000 }));
    },
    getInsights: async (a) => {
      if (!history) return err(noHistory);
      const nowMs = engine.snapshot().generatedAtMs;
      const toMs = a.toMs ?? nowMs;
      const fromMs = a.fromMs ?? 0;
      if (fromMs > toMs) return err({ code: 'invalid-arguments', message: 'getInsights: fromMs is after toMs' });
      return ok(history.insights({ fromMs, toMs }, nowMs));
    },
    revokeMachine: async (a) => {
      const outcome = engine.revokeMachine(a.machineId);
      if (outcome === 'revoked') return ok({ revoked: a.machineId });
      return err(
        outcome === 'not-found'
          ? { code: 'not-found', message: `No machine with id ${a.machineId} has connected to this hub.` }
          : { code: 'unavailable', message: 'This monitor is not a hub: no machine connects to it (start it with --token).' },
      );
    },
    replay: async (a) => (replay ? replay(a, toRotationSettings(engine.settings()), engine.snapshot().generatedAtMs) : err(noHistory)),
  };

  return mapCommands((name) => async (args) => {
    const parsed = COMMAND_ARGS[name].safeParse(args ?? {});
    if (!parsed.success) return err(invalid(name, parsed.error));
    try {
      return await impl[name](parsed.data);
    } catch (e) {
      return err({ code: 'internal', message: redactSecrets(`${name} failed: ${e instanceof Error ? e.message : String(e)}`) });
    }
  });
}

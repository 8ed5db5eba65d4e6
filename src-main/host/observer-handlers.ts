/**
 * The command handlers of a tray app that defers to another ccmax-monitor: reads and "refresh now"
 * pass through; every change is refused with where to make it instead. Two engines changing the
 * same state file, pin or pause would overwrite each other, and only the other one rotates.
 */
import { mapCommands, type CommandError, type CommandHandlers, type CommandName } from '../shared/contract.js';
import { err } from '../shared/result.js';

/** Commands that only read (or poll usage once, on the user's request). */
const PASS_THROUGH: ReadonlySet<CommandName> = new Set<CommandName>([
  'getSnapshot',
  'getEvents',
  'refreshNow',
  'getHistory',
  'getInsights',
  'replay',
]);

/** Wraps `handlers` so that changes answer `{ code: 'deferring' }` naming `otherUrl`. */
export function toObserverHandlers(handlers: CommandHandlers, otherUrl: string): CommandHandlers {
  const refuse = async () =>
    err<CommandError>({
      code: 'deferring',
      message: `Another ccmax-monitor runs the accounts (${otherUrl}); make changes in its dashboard, or quit it and restart this app.`,
    });
  return mapCommands((name) => (PASS_THROUGH.has(name) ? handlers[name] : refuse));
}

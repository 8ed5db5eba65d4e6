/** What a tray command does: a contract command through the handlers, or a window/app action; a failure is notified. */
import type { Logger, Notifier } from '../../engine/index.js';
import type { CommandHandlers } from '../../shared/contract.js';
import type { TrayCommand } from './tray-model.js';

export interface TrayCommandDeps {
  readonly handlers: CommandHandlers;
  readonly showDashboard: () => void;
  readonly quit: () => void;
  readonly notifier: Notifier;
  readonly logger: Logger;
}

/** Creates the runner of tray commands (also what the menu calls). */
export function createTrayCommandRunner(deps: TrayCommandDeps): (command: TrayCommand) => Promise<void> {
  const { handlers } = deps;
  const runCommand = async (command: TrayCommand) => {
    switch (command.kind) {
      case 'switch-to':
        return handlers.switchTo({ accountId: command.accountId });
      case 'switch-now':
        return handlers.switchNow({});
      case 'pause-rotation':
        return handlers.pauseRotation({});
      case 'resume-rotation':
        return handlers.resumeRotation({});
      case 'refresh-now':
        return handlers.refreshNow({});
      case 'open-dashboard':
        deps.showDashboard();
        return null;
      case 'quit':
        deps.quit();
        return null;
    }
  };
  return async (command) => {
    const outcome = await runCommand(command);
    if (!outcome || outcome.ok) return;
    const what = describe(command);
    deps.logger.warn(`${what} failed`, { message: outcome.error.message });
    deps.notifier.notify(`Could not ${what}`, outcome.error.message);
  };
}

function describe(command: TrayCommand): string {
  switch (command.kind) {
    case 'switch-to':
      return 'switch accounts';
    case 'switch-now':
      return 'switch now';
    case 'pause-rotation':
      return 'pause rotation';
    case 'resume-rotation':
      return 'resume rotation';
    case 'refresh-now':
      return 'refresh';
    default:
      return command.kind;
  }
}

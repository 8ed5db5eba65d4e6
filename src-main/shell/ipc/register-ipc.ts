/**
 * The IPC side of the contract: one `ipcMain.handle('ccmax:<name>')` per `COMMAND_NAMES` entry,
 * each calling the matching {@link CommandHandlers} entry (the same handlers the server's WebSocket
 * dispatcher uses). Only the dashboard window, showing our own origin, may call; anyone else gets a
 * `forbidden` result. Payloads are validated by the handlers. A handler that throws becomes an
 * `internal` result, never a rejection crossing the bridge.
 */
import {
  COMMAND_NAMES,
  channelOf,
  type CommandError,
  type CommandHandlers,
  type CommandName,
  type CommandResult,
} from '../../shared/contract.js';
import { err } from '../../shared/result.js';
import type { Logger } from '../../engine/index.js';
import type { BrowserWindowPort, IpcInvokeEventPort, IpcMainPort } from '../electron-ports.js';
import { isAppUrl } from '../windows/app-protocol.js';

export interface RegisterIpcDeps {
  readonly ipcMain: IpcMainPort;
  readonly handlers: CommandHandlers;
  readonly isTrustedSender: (event: IpcInvokeEventPort) => boolean;
  readonly logger: Logger;
}

export const FORBIDDEN: CommandError = { code: 'forbidden', message: 'Only the ccmax-monitor dashboard may send commands.' };
export const INTERNAL: CommandError = { code: 'internal', message: 'ccmax-monitor hit an unexpected error; the log has the details.' };

/** Registers every command channel; returns a function that removes them all. */
export function registerIpc(deps: RegisterIpcDeps): () => void {
  for (const name of COMMAND_NAMES) {
    deps.ipcMain.handle(channelOf(name), (event, args) => invoke(deps, name, event, args));
  }
  return () => {
    for (const name of COMMAND_NAMES) deps.ipcMain.removeHandler(channelOf(name));
  };
}

async function invoke(deps: RegisterIpcDeps, name: CommandName, event: IpcInvokeEventPort, args: unknown): Promise<CommandResult<unknown>> {
  if (!deps.isTrustedSender(event)) {
    deps.logger.warn('refused an IPC call from an untrusted sender', { command: name, senderId: event.sender.id });
    return err(FORBIDDEN);
  }
  try {
    // The handlers validate their payloads (they serve the WebSocket too), so `never` is safe here.
    const handler = deps.handlers[name] as (args: never) => Promise<CommandResult<unknown>>;
    return await handler((args ?? {}) as never);
  } catch (error) {
    deps.logger.error('an IPC command failed', { command: name, error: error instanceof Error ? error.message : String(error) });
    return err(INTERNAL);
  }
}

/**
 * The sender check: the call must come from the dashboard window's own web contents, from a frame
 * that is showing our `app://ccmax` origin (not a page it was somehow navigated to).
 */
export function createSenderCheck(currentWindow: () => BrowserWindowPort | null): (event: IpcInvokeEventPort) => boolean {
  return (event) => {
    const window = currentWindow();
    if (!window || window.isDestroyed()) return false;
    if (event.sender.id !== window.webContents.id) return false;
    return event.senderFrame !== null && isAppUrl(event.senderFrame.url);
  };
}

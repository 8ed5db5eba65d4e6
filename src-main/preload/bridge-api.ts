/**
 * The object the preload exposes as `window.ccmax`: one method per contract command (generated from
 * `COMMAND_NAMES`, so it cannot drift from the contract) plus `onSnapshot`. Kept free of Electron
 * values so tests can build it over a fake `ipcRenderer`; `preload.ts` wires the real one.
 */
import {
  SNAPSHOT_CHANNEL,
  channelOf,
  mapCommands,
  type Bridge,
  type CommandArgs,
  type CommandName,
  type CommandResult,
  type CommandValue,
} from '../shared/contract.js';
import { err } from '../shared/result.js';
import type { FleetSnapshot } from '../shared/view-model.js';

/** The slice of Electron's `ipcRenderer` the bridge uses. */
export interface IpcRendererPort {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/**
 * Builds the bridge over `ipc`. Never rejects: a broken channel becomes an `ipc-failed` result.
 * The return type is inferred on purpose, so the check below compares it with {@link Bridge}.
 */
export function createBridgeApi(ipc: IpcRendererPort) {
  const call = async <K extends CommandName>(name: K, args: CommandArgs<K>): Promise<CommandResult<CommandValue<K>>> => {
    try {
      // The main process answers with the command's own result (its handlers are typed per command).
      return (await ipc.invoke(channelOf(name), args ?? {})) as CommandResult<CommandValue<K>>;
    } catch (error) {
      return err({
        code: 'ipc-failed',
        message: `The app did not answer ${name}: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  };
  const commands = mapCommands((name) => (args) => call(name, args));
  return {
    ...commands,
    onSnapshot(listener: (snapshot: FleetSnapshot) => void): () => void {
      // Never hand the IPC event to the page: it would expose `sender`.
      const relay = (_event: unknown, snapshot: unknown): void => listener(snapshot as FleetSnapshot);
      ipc.on(SNAPSHOT_CHANNEL, relay);
      return () => {
        ipc.removeListener(SNAPSHOT_CHANNEL, relay);
      };
    },
  };
}

/** What the preload exposes; checked below to be exactly the contract's {@link Bridge}. */
export type PreloadApi = ReturnType<typeof createBridgeApi>;

// Mutual assignability: an extra method, a missing one or a changed signature fails the build.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _preloadIsBridge: Same<PreloadApi, Bridge> = true;
void _preloadIsBridge;

/**
 * The renderer's only way out: picks the bridge at start. In the Electron window the preload has
 * exposed the contract as `window.ccmax`; in a browser the dashboard talks to the server that
 * served it, over `/api/ws` on the page's own origin.
 */
import { mapCommands, type Bridge, type CommandHandlers } from '../../src-main/shared/contract.js';
import type { DashboardBridge, SocketLike } from './bridge-types.js';
import { createWsBridge } from './ws-bridge.js';

declare global {
  interface Window {
    /** Exposed by the Electron preload (`contextBridge.exposeInMainWorld('ccmax', api)`). */
    readonly ccmax?: Bridge;
  }
}

export type { ConnectionState, DashboardBridge } from './bridge-types.js';

/** Chooses the bridge for this page: the preload's when present, else the WebSocket one. */
export function createBridge(win: Window): DashboardBridge {
  if (win.ccmax !== undefined) return fromPreload(win.ccmax);
  return createWsBridge({
    url: toSocketUrl(win.location),
    openSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    onProblem: (message) => console.warn(`ccmax-monitor dashboard: ${message}`),
  });
}

/** The dashboard socket's address on the page's own origin (`wss:` for an https page). */
export function toSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/api/ws`;
}

/** Wraps the preload's bridge (in-process IPC has no connection to lose); `onSnapshot` starts with the current snapshot. */
export function fromPreload(api: Bridge): DashboardBridge {
  // Built from the contract's list rather than spread: the preload object is a frozen proxy.
  const handlers: CommandHandlers = api;
  const commands = mapCommands((name) => (args) => handlers[name](args));
  return {
    ...commands,
    transport: 'electron',
    onSnapshot(listener) {
      // IPC pushes only on change: ask for the current snapshot once, unless a push beats it.
      let fresh = true;
      let subscribed = true;
      const off = api.onSnapshot((snapshot) => {
        fresh = false;
        listener(snapshot);
      });
      api.getSnapshot({}).then(
        (result) => {
          if (result.ok && fresh && subscribed) listener(result.value);
        },
        () => undefined, // the next push brings the snapshot anyway
      );
      return () => {
        subscribed = false;
        off();
      };
    },
    onConnection(listener) {
      listener('open');
      return () => undefined;
    },
    dispose: () => undefined,
  };
}

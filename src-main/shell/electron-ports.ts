/**
 * The slices of Electron the shell uses, as small structural ports. Shell modules take these
 * instead of importing `electron` (whose Node entry throws when no binary is installed), so tests
 * drive them with `test/fakes/fake-electron.ts`. Only `main.ts` and `preload.ts` import Electron's
 * values; the checks at the bottom fail to compile if Electron 41's real objects stop fitting.
 */
import type { App, BrowserWindow, IpcMain, Menu, NativeImage, PowerMonitor, Session, Shell, Tray, WebContents } from 'electron';

/** An event whose default action can be cancelled (navigation, window close, quit). */
export interface PreventableEvent {
  preventDefault(): void;
}

export interface TrayPort<Image, MenuT> {
  setImage(image: Image): void;
  setToolTip(toolTip: string): void;
  /** macOS only; Electron ignores it elsewhere. */
  setTitle(title: string): void;
  setContextMenu(menu: MenuT | null): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

export interface WebContentsPort {
  readonly id: number;
  on(event: 'will-navigate', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-redirect', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { readonly url: string }) => { action: 'deny' }): void;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

export interface BrowserWindowPort {
  readonly webContents: WebContentsPort;
  show(): void;
  hide(): void;
  focus(): void;
  isMinimized(): boolean;
  restore(): void;
  isDestroyed(): boolean;
  destroy(): void;
  loadURL(url: string): Promise<void>;
  on(event: 'close', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
}

export interface SessionPort {
  setPermissionRequestHandler(
    handler: ((webContents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null,
  ): void;
  setPermissionCheckHandler(handler: ((webContents: unknown, permission: string) => boolean) | null): void;
}

/** What an `ipcMain.handle` listener learns about who called. */
export interface IpcInvokeEventPort {
  readonly sender: { readonly id: number };
  /** The calling frame; null when it navigated away or was destroyed. */
  readonly senderFrame: { readonly url: string } | null;
}

export interface IpcMainPort {
  handle(channel: string, listener: (event: IpcInvokeEventPort, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface AppPort {
  on(event: 'second-instance', listener: () => void): unknown;
  on(event: 'before-quit', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'window-all-closed', listener: () => void): unknown;
  on(event: 'web-contents-created', listener: (event: unknown, contents: WebContentsPort) => void): unknown;
  quit(): void;
  exit(exitCode?: number): void;
  setLoginItemSettings(settings: { openAtLogin?: boolean; path?: string; args?: string[] }): void;
  readonly dock: { hide(): void } | undefined;
}

export interface PowerMonitorPort {
  on(event: 'suspend', listener: () => void): unknown;
  on(event: 'resume', listener: () => void): unknown;
}

export interface ShellPort {
  openExternal(url: string): Promise<void>;
}

// Compile-time proof that Electron 41's objects fit the ports (no runtime code).
type Fits<Actual extends Port, Port> = Actual extends Port ? true : never;
export type ElectronFitsPorts = [
  Fits<Tray, TrayPort<NativeImage, Menu>>,
  Fits<WebContents, WebContentsPort>,
  Fits<BrowserWindow, BrowserWindowPort>,
  Fits<Session, SessionPort>,
  Fits<IpcMain, IpcMainPort>,
  Fits<App, AppPort>,
  Fits<PowerMonitor, PowerMonitorPort>,
  Fits<Shell, ShellPort>,
];

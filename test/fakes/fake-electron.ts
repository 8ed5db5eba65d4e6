/**
 * A small, typed stand-in for the parts of Electron the shell uses (the ports in
 * src-main/shell/electron-ports.ts). Records what the shell did and lets tests play the user or
 * the OS: close a window, navigate, ask for a permission, invoke an IPC channel, suspend, quit.
 */
import type { BrowserWindowConstructorOptions, MenuItemConstructorOptions } from 'electron';
import type {
  AppPort,
  BrowserWindowPort,
  IpcInvokeEventPort,
  IpcMainPort,
  PowerMonitorPort,
  PreventableEvent,
  SessionPort,
  ShellPort,
  TrayPort,
  WebContentsPort,
} from '../../src-main/shell/electron-ports.js';
import type { NotificationPort } from '../../src-main/shell/notifications/notifier.js';
import type { IpcRendererPort } from '../../src-main/preload/bridge-api.js';

type Listener = (...args: never[]) => unknown;

/** An event that records whether its default was prevented. */
export class FakeEvent implements PreventableEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

/** Listener bookkeeping shared by the fakes. */
class Emitter {
  readonly #listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener): this {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), listener]);
    return this;
  }
  off(event: string, listener: Listener): this {
    this.#listeners.set(
      event,
      (this.#listeners.get(event) ?? []).filter((l) => l !== listener),
    );
    return this;
  }
  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.#listeners.get(event) ?? []) (listener as (...a: unknown[]) => unknown)(...args);
  }
  listenerCount(event: string): number {
    return this.#listeners.get(event)?.length ?? 0;
  }
}

let nextContentsId = 1;

export class FakeWebContents extends Emitter implements WebContentsPort {
  readonly id = nextContentsId++;
  readonly sent: { channel: string; args: unknown[] }[] = [];
  windowOpenHandler: ((details: { readonly url: string }) => { action: 'deny' }) | null = null;
  destroyed = false;

  setWindowOpenHandler(handler: (details: { readonly url: string }) => { action: 'deny' }): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Plays a page trying to navigate; returns the event (was it prevented?). */
  navigate(url: string, kind: 'will-navigate' | 'will-redirect' = 'will-navigate'): FakeEvent {
    const event = new FakeEvent();
    this.emit(kind, event, url);
    return event;
  }
  /** Plays `window.open(url)`; returns what the handler answered (null when none is set). */
  openWindow(url: string): { action: string } | null {
    return this.windowOpenHandler ? this.windowOpenHandler({ url }) : null;
  }
}

export class FakeBrowserWindow extends Emitter implements BrowserWindowPort {
  readonly webContents = new FakeWebContents();
  readonly loadedUrls: string[] = [];
  visible = false;
  focused = false;
  minimized = false;
  destroyed = false;
  loadError: Error | null = null;

  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {
    this.focused = true;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
  async loadURL(url: string): Promise<void> {
    this.loadedUrls.push(url);
    if (this.loadError) throw this.loadError;
  }
  /** Plays the user clicking the close button; the window really closes unless prevented. */
  close(): FakeEvent {
    const event = new FakeEvent();
    this.emit('close', event);
    if (!event.defaultPrevented) this.destroy();
    return event;
  }
}

export class FakeSession implements SessionPort {
  requestHandler: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null = null;
  checkHandler: ((contents: unknown, permission: string) => boolean) | null = null;

  setPermissionRequestHandler(handler: FakeSession['requestHandler']): void {
    this.requestHandler = handler;
  }
  setPermissionCheckHandler(handler: FakeSession['checkHandler']): void {
    this.checkHandler = handler;
  }
  /** Plays a page asking for a permission; resolves to the answer (true when no handler: Electron's default). */
  requestPermission(permission: string): Promise<boolean> {
    const handler = this.requestHandler;
    if (!handler) return Promise.resolve(true);
    return new Promise((resolve) => handler({}, permission, resolve));
  }
  checkPermission(permission: string): boolean {
    return this.checkHandler ? this.checkHandler({}, permission) : true;
  }
}

export class FakeIpcMain implements IpcMainPort {
  readonly handlers = new Map<string, (event: IpcInvokeEventPort, ...args: unknown[]) => unknown>();

  handle(channel: string, listener: (event: IpcInvokeEventPort, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** Plays a renderer calling `ipcRenderer.invoke(channel, ...args)` from `sender` showing `frameUrl`. */
  async invoke(channel: string, from: { senderId: number; frameUrl: string | null }, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    const event: IpcInvokeEventPort = {
      sender: { id: from.senderId },
      senderFrame: from.frameUrl === null ? null : { url: from.frameUrl },
    };
    return handler(event, ...args);
  }
}

export class FakeApp extends Emitter implements AppPort {
  readonly loginItemSettings: { openAtLogin?: boolean; path?: string; args?: string[] }[] = [];
  quitCalls = 0;
  /** True once a quit went through (no `before-quit` listener prevented it). */
  quitted = false;
  exitCode: number | null = null;
  dockHidden = false;
  readonly dock: { hide(): void } | undefined;

  constructor(platform: NodeJS.Platform = 'linux') {
    super();
    this.dock = platform === 'darwin' ? { hide: () => void (this.dockHidden = true) } : undefined;
  }
  quit(): void {
    this.quitCalls++;
    const event = new FakeEvent();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.quitted = true;
  }
  exit(exitCode = 0): void {
    this.exitCode = exitCode;
  }
  setLoginItemSettings(settings: { openAtLogin?: boolean; path?: string; args?: string[] }): void {
    this.loginItemSettings.push(settings);
  }
}

export class FakePowerMonitor extends Emitter implements PowerMonitorPort {}

export class FakeShell implements ShellPort {
  readonly opened: string[] = [];
  async openExternal(url: string): Promise<void> {
    this.opened.push(url);
  }
}

/** A menu as built from a template: the template itself, for inspection. */
export interface FakeMenu {
  readonly template: MenuItemConstructorOptions[];
}

/** An image: just its name. */
export interface FakeImage {
  readonly name: string;
}

export class FakeTray extends Emitter implements TrayPort<FakeImage, FakeMenu> {
  readonly images: FakeImage[] = [];
  tooltip = '';
  title = '';
  menu: FakeMenu | null = null;
  menuBuilds = 0;
  destroyed = false;

  constructor(image: FakeImage) {
    super();
    this.images.push(image);
  }
  setImage(image: FakeImage): void {
    this.images.push(image);
  }
  setToolTip(toolTip: string): void {
    this.tooltip = toolTip;
  }
  setTitle(title: string): void {
    this.title = title;
  }
  setContextMenu(menu: FakeMenu | null): void {
    this.menu = menu;
    this.menuBuilds++;
  }
  destroy(): void {
    this.destroyed = true;
  }
  get image(): FakeImage | undefined {
    return this.images.at(-1);
  }
  /** Clicks the menu item with `id` (searching submenus); throws when there is none. */
  click(id: string): void {
    const item = findItem(this.menu?.template ?? [], id);
    if (!item?.click) throw new Error(`no clickable tray menu item '${id}'`);
    (item.click as () => void)();
  }
}

function findItem(items: readonly MenuItemConstructorOptions[], id: string): MenuItemConstructorOptions | undefined {
  for (const item of items) {
    if (item.id === id) return item;
    const sub = Array.isArray(item.submenu) ? findItem(item.submenu, id) : undefined;
    if (sub) return sub;
  }
  return undefined;
}

export class FakeNotifications implements NotificationPort {
  supported = true;
  readonly shown: { title: string; body: string }[] = [];
  isSupported(): boolean {
    return this.supported;
  }
  show(title: string, body: string): void {
    this.shown.push({ title, body });
  }
}

/** `ipcRenderer` over a {@link FakeIpcMain}, calling as `sender` from `frameUrl`. */
export class FakeIpcRenderer extends Emitter implements IpcRendererPort {
  constructor(
    readonly main: FakeIpcMain,
    readonly from: { senderId: number; frameUrl: string | null },
  ) {
    super();
  }
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    return this.main.invoke(channel, this.from, ...args);
  }
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): this {
    return this.off(channel, listener);
  }
  /** Plays main calling `webContents.send(channel, ...args)`; the event carries a (fake) sender. */
  deliver(channel: string, ...args: unknown[]): void {
    this.emit(channel, { sender: { id: 'main' } }, ...args);
  }
}

/** Everything at once, for composition tests. */
export function createFakeElectron(platform: NodeJS.Platform = 'linux') {
  const windows: FakeBrowserWindow[] = [];
  const trays: FakeTray[] = [];
  const app = new FakeApp(platform);
  return {
    app,
    ipcMain: new FakeIpcMain(),
    powerMonitor: new FakePowerMonitor(),
    shell: new FakeShell(),
    session: new FakeSession(),
    notifications: new FakeNotifications(),
    windows,
    trays,
    createWindow: (options: BrowserWindowConstructorOptions): FakeBrowserWindow => {
      const window = new FakeBrowserWindow(options);
      windows.push(window);
      // Like Electron: every new web contents is announced on the app.
      app.emit('web-contents-created', {}, window.webContents);
      return window;
    },
    loadTrayImage: (name: string): FakeImage => ({ name }),
    createTray: (image: FakeImage): FakeTray => {
      const tray = new FakeTray(image);
      trays.push(tray);
      return tray;
    },
    buildMenu: (template: MenuItemConstructorOptions[]): FakeMenu => ({ template }),
  };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;

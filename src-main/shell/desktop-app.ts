/**
 * Wires the tray app over Electron ports: hardening, the dashboard window, IPC, snapshot pushes,
 * the tray, notifications, launch at login, sleep/wake and a clean quit. `main.ts` hands in the
 * real Electron objects; tests hand in `test/fakes/fake-electron.ts`. The tray's commands and
 * redraws are in `tray/tray-commands.ts` and `tray/live-tray.ts`, suspend/wake and quitting in
 * `app-lifecycle.ts`.
 */
import type { BrowserWindowConstructorOptions, MenuItemConstructorOptions } from 'electron';
import type { Clock, Logger } from '../engine/index.js';
import type { AppPort, BrowserWindowPort, IpcMainPort, PowerMonitorPort, SessionPort, ShellPort, TrayPort } from './electron-ports.js';
import type { DesktopEngine } from './engine-factory.js';
import { pushSnapshots } from './ipc/push-snapshots.js';
import { createSenderCheck, registerIpc } from './ipc/register-ipc.js';
import type { LoginItem } from './login-item.js';
import { createElectronNotifier, createNotificationWatcher, type NotificationPort } from './notifications/notifier.js';
import { wirePower, wireQuit, type LifecycleState } from './app-lifecycle.js';
import { hardenSession, hardenWebContents } from './security.js';
import { toServerNotice } from './server-notice.js';
import { startLiveTray } from './tray/live-tray.js';
import { createTrayCommandRunner } from './tray/tray-commands.js';
import type { TrayCommand } from './tray/tray-model.js';
import { createDashboardWindow } from './windows/dashboard-window.js';

export interface DesktopAppDeps<Image, MenuT> {
  readonly app: AppPort;
  readonly ipcMain: IpcMainPort;
  readonly powerMonitor: PowerMonitorPort;
  readonly shell: ShellPort;
  readonly session: SessionPort;
  readonly createWindow: (options: BrowserWindowConstructorOptions) => BrowserWindowPort;
  readonly loadTrayImage: (iconName: string) => Image;
  readonly createTray: (image: Image) => TrayPort<Image, MenuT>;
  readonly buildMenu: (template: MenuItemConstructorOptions[]) => MenuT;
  readonly notifications: NotificationPort;
  readonly loginItem: LoginItem;
  readonly desktop: DesktopEngine;
  readonly platform: NodeJS.Platform;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly preloadPath: string;
  readonly dashboardUrl: string;
  /** How long quitting waits for the engine to stop before exiting anyway. Default 5 s. */
  readonly quitTimeoutMs?: number;
}

export interface DesktopApp {
  /** Starts the engine (`desktop.start()`: an observer only loads) and redraws the tray from it. */
  startEngine(): Promise<void>;
  showDashboard(): void;
  /** Runs a tray command (also what the menu calls). */
  run(command: TrayCommand): Promise<void>;
}

/** Starts the tray app; call once `app` is ready and the engine is open. */
export function startDesktopApp<Image, MenuT>(deps: DesktopAppDeps<Image, MenuT>): DesktopApp {
  const { app, desktop, logger, clock } = deps;
  const { engine, handlers } = desktop;
  const life: LifecycleState = { quitting: false, closed: false };

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, { shell: deps.shell, logger }));
  hardenSession(deps.session, logger);
  if (deps.platform === 'darwin') app.dock?.hide();

  const dashboard = createDashboardWindow({
    createWindow: deps.createWindow,
    preloadPath: deps.preloadPath,
    url: deps.dashboardUrl,
    isQuitting: () => life.quitting,
    logger,
  });
  registerIpc({ ipcMain: deps.ipcMain, handlers, isTrustedSender: createSenderCheck(dashboard.current), logger });
  pushSnapshots({ engine, currentWindow: dashboard.current, logger });

  const notifier = createElectronNotifier(deps.notifications, logger);
  const run = createTrayCommandRunner({ handlers, showDashboard: () => dashboard.show(), quit: () => app.quit(), notifier, logger });
  const tray = startLiveTray({
    engine,
    clock,
    loadImage: deps.loadTrayImage,
    createTray: deps.createTray,
    buildMenu: deps.buildMenu,
    platform: deps.platform,
    onCommand: run,
    logger,
    isClosed: () => life.closed,
  });

  createNotificationWatcher({ engine, notifier, clock, logger });
  if (desktop.vaultWarning) notifier.notify('Logins are kept in a file', desktop.vaultWarning);
  // Once, at start: a tray app without its own server keeps running, but the user should know why.
  const serverNotice = toServerNotice(desktop.localServer);
  if (serverNotice) notifier.notify(serverNotice.title, serverNotice.body);

  const applyLoginItem = (): void => {
    try {
      void deps.loginItem.apply(engine.settings().launchAtLogin);
    } catch (error) {
      logger.warn('reading the launch-at-login setting failed', { error: String(error) });
    }
  };
  applyLoginItem();
  engine.subscribe(applyLoginItem);

  wirePower(deps.powerMonitor, desktop.power, logger);
  app.on('second-instance', () => dashboard.show());
  wireQuit({
    app,
    desktop,
    clock,
    logger,
    ...(deps.quitTimeoutMs !== undefined ? { quitTimeoutMs: deps.quitTimeoutMs } : {}),
    state: life,
    teardown: () => {
      tray.destroy();
      dashboard.destroy();
    },
  });

  const startEngine = async (): Promise<void> => {
    await desktop.start();
    // An observer's `load()` pushes no snapshot; the tray should not wait for its next tick.
    tray.refresh();
  };

  return { startEngine, showDashboard: () => dashboard.show(), run };
}

/**
 * Wires the tray app over Electron ports: hardening, the dashboard window, IPC, snapshot pushes,
 * the tray, notifications, launch at login, sleep/wake and a clean quit. `main.ts` hands in the
 * real Electron objects; tests hand in `test/fakes/fake-electron.ts`.
 */
import type { BrowserWindowConstructorOptions, MenuItemConstructorOptions } from 'electron';
import type { Clock, Logger } from '../engine/index.js';
import type { AppPort, BrowserWindowPort, IpcMainPort, PowerMonitorPort, SessionPort, ShellPort, TrayPort } from './electron-ports.js';
import type { DesktopEngine } from './engine-factory.js';
import { pushSnapshots } from './ipc/push-snapshots.js';
import { createSenderCheck, registerIpc } from './ipc/register-ipc.js';
import type { LoginItem } from './login-item.js';
import { createElectronNotifier, createNotificationWatcher, type NotificationPort } from './notifications/notifier.js';
import { hardenSession, hardenWebContents } from './security.js';
import { toServerNotice } from './server-notice.js';
import { createTrayController } from './tray/tray.js';
import { toTrayModel, type TrayCommand } from './tray/tray-model.js';
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

const TRAY_TICK_MS = 60_000;

/** Starts the tray app; call once `app` is ready and the engine is open. */
export function startDesktopApp<Image, MenuT>(deps: DesktopAppDeps<Image, MenuT>): DesktopApp {
  const { app, desktop, logger, clock } = deps;
  const { engine, handlers } = desktop;
  let quitting = false;
  let closed = false;

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, { shell: deps.shell, logger }));
  hardenSession(deps.session, logger);
  if (deps.platform === 'darwin') app.dock?.hide();

  const dashboard = createDashboardWindow({
    createWindow: deps.createWindow,
    preloadPath: deps.preloadPath,
    url: deps.dashboardUrl,
    isQuitting: () => quitting,
    logger,
  });
  registerIpc({ ipcMain: deps.ipcMain, handlers, isTrustedSender: createSenderCheck(dashboard.current), logger });
  pushSnapshots({ engine, currentWindow: dashboard.current, logger });

  const notifier = createElectronNotifier(deps.notifications, logger);
  const reportFailure = (what: string, message: string): void => {
    logger.warn(`${what} failed`, { message });
    notifier.notify(`Could not ${what}`, message);
  };

  const run = async (command: TrayCommand): Promise<void> => {
    const outcome = await runCommand(command);
    if (outcome && !outcome.ok) reportFailure(describe(command), outcome.error.message);
  };
  const runCommand = async (command: TrayCommand) => {
    switch (command.kind) {
      case 'switch-to':
        return handlers.switchTo({ accountId: command.accountId });
      case 'pause-rotation':
        return handlers.pauseRotation({});
      case 'resume-rotation':
        return handlers.resumeRotation({});
      case 'refresh-now':
        return handlers.refreshNow({});
      case 'open-dashboard':
        dashboard.show();
        return null;
      case 'quit':
        app.quit();
        return null;
    }
  };

  const trayModel = () => toTrayModel(engine.snapshot(), deps.platform, clock.now());
  const tray = createTrayController(
    {
      loadImage: deps.loadTrayImage,
      createTray: deps.createTray,
      buildMenu: deps.buildMenu,
      platform: deps.platform,
      onCommand: run,
      logger,
    },
    trayModel(),
  );
  const refreshTray = (): void => {
    try {
      tray.update(trayModel());
    } catch (error) {
      logger.error('updating the tray failed', { error: String(error) });
    }
  };
  engine.subscribe(refreshTray);
  // Countdowns ("back in 2h 5m") age between snapshots; a quiet fleet still gets a fresh tray.
  const tick = (): void => {
    refreshTray();
    if (!closed) clock.setTimeout(tick, TRAY_TICK_MS);
  };
  clock.setTimeout(tick, TRAY_TICK_MS);

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

  const onPower = (what: 'pause' | 'resume') => () => {
    desktop.power[what]().catch((error: unknown) =>
      logger.error(`engine ${what} on ${what === 'pause' ? 'suspend' : 'resume'} failed`, { error: String(error) }),
    );
  };
  deps.powerMonitor.on('suspend', onPower('pause'));
  deps.powerMonitor.on('resume', onPower('resume'));

  app.on('second-instance', () => dashboard.show());
  // A tray app lives on with no window open; without this listener Electron would quit.
  app.on('window-all-closed', () => {});
  app.on('before-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    if (quitting) return;
    quitting = true;
    void shutDown();
  });

  const shutDown = async (): Promise<void> => {
    const timeoutMs = deps.quitTimeoutMs ?? 5_000;
    let timer: ReturnType<Clock['setTimeout']> | null = null;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = clock.setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const outcome = await Promise.race([desktop.close().then(() => 'closed' as const), timedOut]);
      if (outcome === 'timeout') logger.warn('the engine did not stop in time; quitting anyway', { timeoutMs });
    } catch (error) {
      logger.error('stopping the engine failed', { error: String(error) });
    } finally {
      if (timer !== null) clock.clearTimeout(timer);
      closed = true;
      tray.destroy();
      dashboard.destroy();
      app.quit();
    }
  };

  const startEngine = async (): Promise<void> => {
    await desktop.start();
    // An observer's `load()` pushes no snapshot; the tray should not wait for its next tick.
    refreshTray();
  };

  return { startEngine, showDashboard: () => dashboard.show(), run };
}

function describe(command: TrayCommand): string {
  switch (command.kind) {
    case 'switch-to':
      return 'switch accounts';
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

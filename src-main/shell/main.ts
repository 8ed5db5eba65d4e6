/**
 * The tray app's composition root: single-instance lock, the `app://` protocol, the desktop engine
 * and the Electron adapters. Everything with behaviour lives in the modules it wires.
 */
import { realpath as realpathCallback } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  powerMonitor,
  protocol,
  session,
  shell,
  Tray,
} from 'electron';
import { createConsoleLogger, isLogLevel } from '../host/console-logger.js';
import { systemClock } from '../engine/index.js';
import { resolveDataDir } from '../host/paths.js';
import { startAgentRunner } from '../host/agent-runner.js';
import { hubConnectSettings, startAgentMode, type HubConnectSettings } from './agent-mode.js';
import { startDesktopApp } from './desktop-app.js';
import { createDesktopEngine, type DesktopEngine } from './engine-factory.js';
import { electronStoreAdapter } from './electron-store-adapter.js';
import { autostartDirFrom, createLoginItem } from './login-item.js';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, DASHBOARD_URL, createAppProtocolHandler } from './windows/app-protocol.js';

const here = dirname(fileURLToPath(import.meta.url));
const level = process.env.CCMAX_LOG_LEVEL ?? 'info';
const logger = createConsoleLogger({ level: isLogLevel(level) ? level : 'info' });
const demo = process.argv.includes('--demo');
// The renderer build next to the bundle: the window's `app://` origin and the local server's browser dashboard.
const rendererDir = join(here, '..', 'renderer');

// Before `ready`: our scheme's privileges, and the data dir the CLI and the server use as well.
// Started as `electron out/shell/main.js`, Electron would otherwise name the folder "Electron".
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
app.setName('ccmax-monitor');
app.setPath('userData', resolveDataDir(process.env, process.platform, homedir()));
if (process.platform === 'win32') app.setAppUserModelId('com.ccmax-monitor.app');

if (!app.requestSingleInstanceLock()) {
  // Another instance runs; it receives 'second-instance' and shows its dashboard.
  app.quit();
} else {
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => fail(error));
}

async function start(): Promise<void> {
  const hub = hubConnectSettings(process.env, process.argv);
  if (hub) return startAsAgent(hub);
  protocol.handle(APP_SCHEME, createAppProtocolHandler({ rootDir: rendererDir, readFile, realpath: promisify(realpathCallback) }));
  const desktop: DesktopEngine = await createDesktopEngine({
    dataDir: app.getPath('userData'),
    env: process.env,
    platform: process.platform,
    homeDir: homedir(),
    logger,
    demo,
    createStoreAdapter: electronStoreAdapter,
    rendererDir,
  });
  const trayIcons = join(here, '..', 'assets', 'tray');
  const desktopApp = startDesktopApp({
    app,
    ipcMain,
    powerMonitor,
    shell,
    session: session.defaultSession,
    createWindow: (options) => new BrowserWindow(options),
    loadTrayImage: (name) => nativeImage.createFromPath(join(trayIcons, `${name}.png`)),
    createTray: (image) => new Tray(image),
    buildMenu: (template) => Menu.buildFromTemplate(template),
    notifications: {
      isSupported: () => Notification.isSupported(),
      show: (title, body) => new Notification({ title, body }).show(),
    },
    loginItem: createLoginItem({
      platform: process.platform,
      app,
      autostartDir: autostartDirFrom(process.env, homedir()),
      execPath: process.env.APPIMAGE ?? process.execPath,
      // `electron out/shell/main.js` in development: the script must be passed again at login.
      args: process.defaultApp && process.argv[1] ? [resolve(process.argv[1])] : [],
      logger,
    }),
    desktop,
    platform: process.platform,
    clock: systemClock,
    logger,
    preloadPath: join(here, '..', 'preload', 'preload.cjs'),
    dashboardUrl: DASHBOARD_URL,
  });
  await desktopApp.startEngine();
  logger.info(`ccmax-monitor tray app started${demo ? ' (DEMO)' : ''}`, { dataDir: app.getPath('userData'), server: desktop.localServer });
}

/** "Connect to a hub" mode: this machine is an agent of a hub; no engine, vault or server of its own. */
async function startAsAgent(hub: HubConnectSettings): Promise<void> {
  const trayIcons = join(here, '..', 'assets', 'tray');
  const mode = await startAgentMode({
    settings: hub,
    startRunner: (onFatal) =>
      startAgentRunner({
        hubUrl: hub.hubUrl,
        token: hub.token,
        dataDir: app.getPath('userData'),
        env: process.env,
        homeDir: homedir(),
        platform: process.platform,
        logger,
        onFatal,
      }),
    loadTrayImage: (name) => nativeImage.createFromPath(join(trayIcons, `${name}.png`)),
    createTray: (image) => new Tray(image),
    buildMenu: (template) => Menu.buildFromTemplate(template),
    openExternal: (url) => shell.openExternal(url),
    quit: () => app.quit(),
    platform: process.platform,
    clock: systemClock,
    logger,
  });
  // A tray app with no window: closing nothing must not quit it.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', () => void mode.stop());
  logger.info('ccmax-monitor tray app started as an agent of a hub', { hub: hub.hubUrl, dataDir: app.getPath('userData') });
}

function fail(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  logger.error('ccmax-monitor could not start', { error: message });
  dialog.showErrorBox('ccmax-monitor could not start', message);
  app.exit(1);
}

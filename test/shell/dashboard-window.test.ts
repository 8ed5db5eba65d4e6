import { describe, expect, it } from 'vitest';
import { createDashboardWindow, dashboardWindowOptions } from '../../src-main/shell/windows/dashboard-window.js';
import { DASHBOARD_URL } from '../../src-main/shell/windows/app-protocol.js';
import { flushMicrotasks } from '../fakes/fake-clock.js';
import { createFakeElectron } from '../fakes/fake-electron.js';
import { createRecordingLogger } from './shell-helpers.js';

function setUp() {
  const electron = createFakeElectron();
  const logger = createRecordingLogger();
  let quitting = false;
  const dashboard = createDashboardWindow({
    createWindow: electron.createWindow,
    preloadPath: '/app/out/preload/preload.cjs',
    url: DASHBOARD_URL,
    isQuitting: () => quitting,
    logger,
  });
  return { electron, logger, dashboard, quit: () => (quitting = true) };
}

describe('dashboard window options', () => {
  it('isolates and sandboxes the renderer with Node off and web security on, as the checklist says', () => {
    const prefs = dashboardWindowOptions('/app/out/preload/preload.cjs').webPreferences;
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
  });

  it('starts hidden so the tray app opens without a window', () => {
    expect(dashboardWindowOptions('/p').show).toBe(false);
  });
});

describe('dashboard window', () => {
  it('is created on first show, loads the dashboard over app:// and is shown and focused', () => {
    const { electron, dashboard } = setUp();
    expect(dashboard.current()).toBeNull();
    dashboard.show();
    const [window] = electron.windows;
    expect(window?.loadedUrls).toEqual(['app://ccmax/index.html']);
    expect(window?.visible).toBe(true);
    expect(window?.focused).toBe(true);
    expect(window?.options.webPreferences?.sandbox).toBe(true);
  });

  it('hides instead of closing, and shows the same window again from the tray', () => {
    const { electron, dashboard } = setUp();
    dashboard.show();
    const window = electron.windows[0]!;
    const close = window.close();
    expect(close.defaultPrevented).toBe(true);
    expect(window.visible).toBe(false);
    expect(window.destroyed).toBe(false);
    dashboard.show();
    expect(electron.windows).toHaveLength(1);
    expect(window.visible).toBe(true);
  });

  it('restores a minimised window when shown', () => {
    const { electron, dashboard } = setUp();
    dashboard.show();
    electron.windows[0]!.minimized = true;
    dashboard.show();
    expect(electron.windows[0]!.minimized).toBe(false);
  });

  it('really closes while the app quits, and a later show makes a new window', () => {
    const { electron, dashboard, quit } = setUp();
    dashboard.show();
    quit();
    expect(electron.windows[0]!.close().defaultPrevented).toBe(false);
    expect(dashboard.current()).toBeNull();
    dashboard.show();
    expect(electron.windows).toHaveLength(2);
  });

  it('logs a failed load instead of leaking the rejection', async () => {
    const electron = createFakeElectron();
    const logger = createRecordingLogger();
    const dashboard = createDashboardWindow({
      createWindow: (options) => {
        const window = electron.createWindow(options);
        window.loadError = new Error('ERR_FILE_NOT_FOUND');
        return window;
      },
      preloadPath: '/p',
      url: DASHBOARD_URL,
      isQuitting: () => false,
      logger,
    });
    dashboard.show();
    await flushMicrotasks();
    expect(logger.lines).toContainEqual({
      level: 'error',
      message: 'the dashboard failed to load',
      fields: { error: 'ERR_FILE_NOT_FOUND' },
    });
  });
});

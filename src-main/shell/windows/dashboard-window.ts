/**
 * The dashboard window: created on first use, hidden (not destroyed) when closed so reopening from
 * the tray is instant, and destroyed only when the app quits. Its `webPreferences` follow the
 * security checklist of STYLE.md.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import type { Logger } from '../../engine/index.js';
import type { BrowserWindowPort } from '../electron-ports.js';

/** The window's options: sandboxed, isolated, no Node, our preload only. */
export function dashboardWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    title: 'ccmax-monitor',
    width: 1280,
    height: 820,
    minWidth: 400,
    minHeight: 480,
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

export interface DashboardWindowDeps {
  readonly createWindow: (options: BrowserWindowConstructorOptions) => BrowserWindowPort;
  readonly preloadPath: string;
  /** What the window loads (`app://ccmax/index.html`). */
  readonly url: string;
  /** True once the app is quitting: then closing really closes. */
  readonly isQuitting: () => boolean;
  readonly logger: Logger;
}

export interface DashboardWindow {
  /** Creates the window if needed, then shows and focuses it. */
  show(): void;
  /** The live window, or null before the first `show()` and after it was destroyed. */
  current(): BrowserWindowPort | null;
  /** Destroys the window (on quit). */
  destroy(): void;
}

/** Manages the one dashboard window. */
export function createDashboardWindow(deps: DashboardWindowDeps): DashboardWindow {
  let window: BrowserWindowPort | null = null;

  const create = (): BrowserWindowPort => {
    const created = deps.createWindow(dashboardWindowOptions(deps.preloadPath));
    created.on('close', (event) => {
      if (deps.isQuitting()) return;
      event.preventDefault();
      created.hide();
    });
    created.on('closed', () => {
      if (window === created) window = null;
    });
    created.loadURL(deps.url).catch((error: unknown) => {
      deps.logger.error('the dashboard failed to load', { error: error instanceof Error ? error.message : String(error) });
    });
    return created;
  };

  const current = (): BrowserWindowPort | null => (window && !window.isDestroyed() ? window : null);

  return {
    show() {
      const target = current() ?? (window = create());
      if (target.isMinimized()) target.restore();
      target.show();
      target.focus();
    },
    current,
    destroy() {
      const target = current();
      window = null;
      target?.destroy();
    },
  };
}

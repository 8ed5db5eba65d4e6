/**
 * The tray icon: applies a {@link TrayModel} to an Electron `Tray` and turns menu clicks into
 * {@link TrayCommand}s. All decisions live in `tray-model.ts`; this file only paints.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { Logger } from '../../engine/index.js';
import type { TrayPort } from '../electron-ports.js';
import type { TrayCommand, TrayMenuItem, TrayModel } from './tray-model.js';

export interface TrayDeps<Image, MenuT> {
  /** Loads an image by base name from `assets/tray/` (e.g. `tray-okTemplate`). */
  readonly loadImage: (iconName: string) => Image;
  readonly createTray: (image: Image) => TrayPort<Image, MenuT>;
  readonly buildMenu: (template: MenuItemConstructorOptions[]) => MenuT;
  readonly platform: NodeJS.Platform;
  /** Runs a menu command; failures are caught and logged here. */
  readonly onCommand: (command: TrayCommand) => void | Promise<void>;
  readonly logger: Logger;
}

export interface TrayController {
  /** Applies a model; unchanged parts are not re-applied (the menu is rebuilt only when it changed). */
  update(model: TrayModel): void;
  destroy(): void;
}

/** Creates the tray icon showing `initial`. */
export function createTrayController<Image, MenuT>(deps: TrayDeps<Image, MenuT>, initial: TrayModel): TrayController {
  const run = (command: TrayCommand): void => {
    try {
      Promise.resolve(deps.onCommand(command)).catch((error: unknown) => logFailure(deps.logger, command, error));
    } catch (error) {
      logFailure(deps.logger, command, error);
    }
  };
  const tray = deps.createTray(deps.loadImage(initial.iconName));
  // Windows opens the dashboard on a left click, like most tray apps; macOS and Linux show the
  // menu on click by themselves (and Linux AppIndicator sends no click events at all).
  if (deps.platform === 'win32') tray.on('click', () => run({ kind: 'open-dashboard' }));

  let applied: { iconName: string; tooltip: string; title: string; menuKey: string } | null = null;
  const update = (model: TrayModel): void => {
    const menuKey = JSON.stringify(model.menu);
    if (applied?.iconName !== model.iconName && applied !== null) tray.setImage(deps.loadImage(model.iconName));
    if (applied?.tooltip !== model.tooltip) tray.setToolTip(model.tooltip);
    if (deps.platform === 'darwin' && applied?.title !== model.title) tray.setTitle(model.title);
    if (applied?.menuKey !== menuKey) tray.setContextMenu(deps.buildMenu(toMenuTemplate(model.menu, run)));
    applied = { iconName: model.iconName, tooltip: model.tooltip, title: model.title, menuKey };
  };
  update(initial);

  return { update, destroy: () => tray.destroy() };
}

/** Electron menu options for the model's items; clicks call `run` with the item's command. */
export function toMenuTemplate(items: readonly TrayMenuItem[], run: (command: TrayCommand) => void): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    if (item.kind === 'separator') return { type: 'separator' };
    const command = item.command;
    return {
      id: item.id,
      label: item.label,
      enabled: item.enabled,
      ...(item.checked !== undefined ? { type: 'checkbox' as const, checked: item.checked } : {}),
      ...(item.submenu ? { submenu: toMenuTemplate(item.submenu, run) } : {}),
      ...(command ? { click: () => run(command) } : {}),
    };
  });
}

function logFailure(logger: Logger, command: TrayCommand, error: unknown): void {
  logger.error('tray command failed', { command: command.kind, error: error instanceof Error ? error.message : String(error) });
}

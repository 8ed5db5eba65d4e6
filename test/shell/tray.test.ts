import { describe, expect, it } from 'vitest';
import { createTrayController } from '../../src-main/shell/tray/tray.js';
import { toTrayModel, type TrayCommand } from '../../src-main/shell/tray/tray-model.js';
import { flushMicrotasks } from '../fakes/fake-clock.js';
import { createFakeElectron } from '../fakes/fake-electron.js';
import { makeSnapshot } from '../fakes/fake-engine.js';
import { createRecordingLogger } from './shell-helpers.js';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);

function setUp(platform: NodeJS.Platform, onCommand: (c: TrayCommand) => void | Promise<void> = () => {}) {
  const electron = createFakeElectron(platform);
  const logger = createRecordingLogger();
  const controller = createTrayController(
    { loadImage: electron.loadTrayImage, createTray: electron.createTray, buildMenu: electron.buildMenu, platform, onCommand, logger },
    toTrayModel(makeSnapshot(), platform, T0),
  );
  const tray = electron.trays[0];
  if (!tray) throw new Error('no tray created');
  return { controller, tray, logger };
}

describe('tray controller', () => {
  it('creates the tray with the model icon, tooltip, title and menu', () => {
    const { tray } = setUp('darwin');
    expect(tray.image).toEqual({ name: 'tray-okTemplate' });
    expect(tray.tooltip).toBe('ccmax-monitor\none@example.com: 5h 10% · 7d 42%');
    expect(tray.title).toBe('one · 5h 10% · 7d 42%');
    expect(tray.menu?.template.map((i) => i.label ?? i.type)).toContain('Open dashboard');
  });

  it('changes the image only when the level changes and rebuilds the menu only when it changed', () => {
    const { controller, tray } = setUp('linux');
    controller.update(toTrayModel(makeSnapshot(), 'linux', T0));
    expect(tray.images).toHaveLength(1);
    expect(tray.menuBuilds).toBe(1);
    controller.update(toTrayModel(makeSnapshot({ paused: true }), 'linux', T0));
    expect(tray.menuBuilds).toBe(2);
    expect(tray.images).toHaveLength(1);
    const spent = makeSnapshot();
    const exhausted = { ...spent, accounts: spent.accounts.map((a) => ({ ...a, orderGroup: 'exhausted' as const })) };
    controller.update(toTrayModel(exhausted, 'linux', T0));
    expect(tray.image).toEqual({ name: 'tray-exhausted' });
  });

  it('turns menu clicks into commands, including the switch submenu', () => {
    const commands: TrayCommand[] = [];
    const { tray, controller } = setUp('linux', (c) => void commands.push(c));
    const two = { ...makeSnapshot().accounts[0]!, id: 'acct-2', email: 'two@example.com', active: false, order: 1 };
    controller.update(toTrayModel(makeSnapshot({ accounts: [...makeSnapshot().accounts, two] }), 'linux', T0));
    tray.click('refresh-now');
    tray.click('switch-to:acct-2');
    tray.click('quit');
    expect(commands).toEqual([{ kind: 'refresh-now' }, { kind: 'switch-to', accountId: 'acct-2' }, { kind: 'quit' }]);
  });

  it('opens the dashboard on a left click on Windows only', () => {
    const commands: TrayCommand[] = [];
    const win = setUp('win32', (c) => void commands.push(c));
    win.tray.emit('click');
    expect(commands).toEqual([{ kind: 'open-dashboard' }]);
    expect(setUp('linux').tray.listenerCount('click')).toBe(0);
  });

  it('logs a failing command instead of leaking the rejection', async () => {
    const { tray, logger } = setUp('linux', async () => {
      throw new Error('engine down');
    });
    tray.click('refresh-now');
    await flushMicrotasks();
    expect(logger.lines).toContainEqual({
      level: 'error',
      message: 'tray command failed',
      fields: { command: 'refresh-now', error: 'engine down' },
    });
  });

  it('never sets a title outside macOS', () => {
    const { tray } = setUp('linux');
    expect(tray.title).toBe('');
  });
});

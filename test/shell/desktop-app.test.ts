import { describe, expect, it } from 'vitest';
import { startDesktopApp } from '../../src-main/shell/desktop-app.js';
import type { DesktopEngine } from '../../src-main/shell/engine-factory.js';
import type { LocalServerStatus } from '../../src-main/host/local-server.js';
import type { LoginItem } from '../../src-main/shell/login-item.js';
import { COMMAND_NAMES, SNAPSHOT_CHANNEL, channelOf, type CommandHandlers, type CommandName } from '../../src-main/shared/contract.js';
import { err, ok } from '../../src-main/shared/result.js';
import { FakeClock, flushMicrotasks } from '../fakes/fake-clock.js';
import { createFakeElectron, FakeWebContents } from '../fakes/fake-electron.js';
import { createFakeEngine, makeAccountRow } from '../fakes/fake-engine.js';
import { createRecordingLogger } from './shell-helpers.js';

function setUp(options: { platform?: NodeJS.Platform; close?: () => Promise<void>; localServer?: LocalServerStatus } = {}) {
  const platform = options.platform ?? 'linux';
  const electron = createFakeElectron(platform);
  const clock = new FakeClock();
  const engine = createFakeEngine();
  const logger = createRecordingLogger();
  const calls: { name: CommandName; args: unknown }[] = [];
  const failing = new Set<CommandName>();
  const handlers = Object.fromEntries(
    COMMAND_NAMES.map((name) => [
      name,
      async (args: unknown) => {
        calls.push({ name, args });
        return failing.has(name) ? err({ code: 'not-found', message: 'No such account.' }) : ok({ accepted: true });
      },
    ]),
  ) as unknown as CommandHandlers;
  const power: string[] = [];
  let closes = 0;
  let starts = 0;
  const desktop: DesktopEngine = {
    engine,
    handlers,
    power: { pause: async () => void power.push('pause'), resume: async () => void power.push('resume') },
    vaultWarning: null,
    localServer: options.localServer ?? { kind: 'serving', url: 'http://127.0.0.1:47821' },
    start: async () => void starts++,
    close: async () => {
      closes++;
      await options.close?.();
    },
  };
  const loginItemCalls: boolean[] = [];
  const loginItem: LoginItem = { apply: async (on) => void loginItemCalls.push(on) };
  const app = startDesktopApp({
    ...electron,
    loginItem,
    desktop,
    platform,
    clock,
    logger,
    preloadPath: '/app/out/preload/preload.cjs',
    dashboardUrl: 'app://ccmax/index.html',
    quitTimeoutMs: 5_000,
  });
  const tray = electron.trays[0]!;
  return { electron, clock, engine, logger, calls, failing, power, loginItemCalls, app, tray, closes: () => closes, starts: () => starts };
}

describe('desktop app', () => {
  it('shows the tray at start and no window until asked', () => {
    const { tray, electron } = setUp();
    expect(tray.image).toEqual({ name: 'tray-ok' });
    expect(tray.tooltip).toContain('one@example.com');
    expect(electron.windows).toEqual([]);
  });

  it('hides the Dock icon on macOS: it is a tray-only app', () => {
    expect(setUp({ platform: 'darwin' }).electron.app.dockHidden).toBe(true);
  });

  it('opens the dashboard from the tray and from a second launch', () => {
    const { tray, electron } = setUp();
    tray.click('open-dashboard');
    expect(electron.windows).toHaveLength(1);
    electron.windows[0]!.close();
    electron.app.emit('second-instance');
    expect(electron.windows).toHaveLength(1);
    expect(electron.windows[0]!.visible).toBe(true);
  });

  it('runs tray commands through the contract handlers', async () => {
    const { tray, calls, engine } = setUp();
    engine.setSnapshot({
      accounts: [...engine.snapshotValue.accounts, makeAccountRow({ id: 'acct-2', email: 'two@example.com', active: false })],
    });
    tray.click('switch-to:acct-2');
    tray.click('pause-rotation');
    tray.click('refresh-now');
    await flushMicrotasks();
    expect(calls).toEqual([
      { name: 'switchTo', args: { accountId: 'acct-2' } },
      { name: 'pauseRotation', args: {} },
      { name: 'refreshNow', args: {} },
    ]);
  });

  it('tells the user when a tray command fails', async () => {
    const { tray, failing, electron } = setUp();
    failing.add('refreshNow');
    tray.click('refresh-now');
    await flushMicrotasks();
    expect(electron.notifications.shown).toContainEqual({ title: 'Could not refresh', body: 'No such account.' });
  });

  it('repaints the tray on every snapshot and once a minute for countdowns', async () => {
    const { tray, engine, clock } = setUp();
    engine.setSnapshot({ paused: true });
    expect(tray.tooltip).toContain('(rotation paused)');
    const spent = engine.snapshotValue.accounts.map((a) => ({
      ...a,
      orderGroup: 'exhausted' as const,
      sevenDay: { utilizationPct: 100, resetsAtMs: clock.now() + 3 * 3_600_000 },
    }));
    engine.setSnapshot({ accounts: spent, paused: false });
    expect(tray.tooltip).toContain('back in 3h 0m');
    await clock.advance(60_000);
    expect(tray.tooltip).toContain('back in 2h 59m');
  });

  it('pushes snapshots to the open dashboard and answers its IPC calls only', async () => {
    const { tray, electron, engine } = setUp();
    tray.click('open-dashboard');
    const window = electron.windows[0]!;
    engine.setSnapshot({ paused: true });
    expect(window.webContents.sent.map((s) => s.channel)).toEqual([SNAPSHOT_CHANNEL]);
    const fromDashboard = await electron.ipcMain.invoke(
      channelOf('refreshNow'),
      { senderId: window.webContents.id, frameUrl: 'app://ccmax/index.html' },
      {},
    );
    const fromElsewhere = await electron.ipcMain.invoke(
      channelOf('refreshNow'),
      { senderId: 999_999, frameUrl: 'app://ccmax/index.html' },
      {},
    );
    expect(fromDashboard).toEqual(ok({ accepted: true }));
    expect(fromElsewhere).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('hardens every web contents the app creates and denies permissions', async () => {
    const { electron } = setUp();
    const contents = new FakeWebContents();
    electron.app.emit('web-contents-created', {}, contents);
    expect(contents.navigate('https://evil.example/').defaultPrevented).toBe(true);
    expect(contents.openWindow('https://evil.example/')).toEqual({ action: 'deny' });
    await expect(electron.session.requestPermission('media')).resolves.toBe(false);
  });

  it('locks down the dashboard window itself: no navigation, no new windows', () => {
    const { tray, electron } = setUp();
    tray.click('open-dashboard');
    const contents = electron.windows[0]!.webContents;
    expect(contents.navigate('https://evil.example/').defaultPrevented).toBe(true);
    expect(contents.openWindow('https://claude.ai/')).toEqual({ action: 'deny' });
    expect(electron.shell.opened).toEqual(['https://claude.ai/']);
  });

  it('pauses the engine on suspend and resumes it on wake', async () => {
    const { electron, power } = setUp();
    electron.powerMonitor.emit('suspend');
    electron.powerMonitor.emit('resume');
    await flushMicrotasks();
    expect(power).toEqual(['pause', 'resume']);
  });

  it('applies launch at login from the settings, at start and when it changes', () => {
    const { engine, loginItemCalls } = setUp();
    engine.settingsValue = { ...engine.settingsValue, launchAtLogin: true };
    engine.setSnapshot({});
    expect(loginItemCalls).toEqual([false, true]);
  });

  it('stops the engine before quitting, then quits for real', async () => {
    const { tray, electron, closes } = setUp();
    tray.click('open-dashboard');
    tray.click('quit');
    expect(electron.app.quitted).toBe(false);
    await flushMicrotasks();
    expect(closes()).toBe(1);
    expect(electron.app.quitted).toBe(true);
    expect(tray.destroyed).toBe(true);
    expect(electron.windows[0]!.destroyed).toBe(true);
  });

  it('quits anyway when the engine does not stop in time', async () => {
    const { tray, electron, clock, logger } = setUp({ close: () => new Promise(() => {}) });
    tray.click('quit');
    await clock.advance(4_999);
    expect(electron.app.quitted).toBe(false);
    await clock.advance(1);
    expect(electron.app.quitted).toBe(true);
    expect(logger.lines.some((l) => l.message === 'the engine did not stop in time; quitting anyway')).toBe(true);
  });

  it('shows no server notification when its own local server runs', () => {
    expect(setUp().electron.notifications.shown).toEqual([]);
  });

  it('says once, at start, that another ccmax-monitor serves and live sessions report to it', async () => {
    const { electron, clock } = setUp({ localServer: { kind: 'deferring', url: 'http://127.0.0.1:47821' } });
    await clock.advance(120_000);
    expect(electron.notifications.shown).toHaveLength(1);
    expect(electron.notifications.shown[0]!.body).toContain(
      'Another ccmax-monitor is serving on 127.0.0.1:47821; live sessions report to it',
    );
  });

  it('starts the engine through the desktop engine and repaints the tray from it', async () => {
    const { app, engine, tray, starts } = setUp();
    engine.snapshotValue = { ...engine.snapshotValue, paused: true }; // changed without a push, as an observer's load() does
    await app.startEngine();
    expect(starts()).toBe(1);
    expect(tray.tooltip).toContain('(rotation paused)');
  });

  it('stays alive in the tray when every window is closed', () => {
    const { electron } = setUp();
    expect(electron.app.listenerCount('window-all-closed')).toBe(1);
  });
});

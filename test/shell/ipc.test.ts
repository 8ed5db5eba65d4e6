import { describe, expect, it } from 'vitest';
import { createBridgeApi } from '../../src-main/preload/bridge-api.js';
import { pushSnapshots } from '../../src-main/shell/ipc/push-snapshots.js';
import { createSenderCheck, FORBIDDEN, INTERNAL, registerIpc } from '../../src-main/shell/ipc/register-ipc.js';
import { COMMAND_NAMES, SNAPSHOT_CHANNEL, channelOf, type CommandHandlers, type CommandName } from '../../src-main/shared/contract.js';
import { err, ok } from '../../src-main/shared/result.js';
import { FakeBrowserWindow, FakeIpcMain, FakeIpcRenderer } from '../fakes/fake-electron.js';
import { createFakeEngine, makeSnapshot } from '../fakes/fake-engine.js';
import { createRecordingLogger } from './shell-helpers.js';

/** Handlers that record their calls and answer `ok({ name, args })`. */
function recordingHandlers() {
  const calls: { name: CommandName; args: unknown }[] = [];
  const handlers = Object.fromEntries(
    COMMAND_NAMES.map((name) => [name, async (args: unknown) => (calls.push({ name, args }), ok({ name, args }))]),
  ) as unknown as CommandHandlers;
  return { calls, handlers };
}

function setUp() {
  const ipcMain = new FakeIpcMain();
  const window = new FakeBrowserWindow({});
  const logger = createRecordingLogger();
  const { calls, handlers } = recordingHandlers();
  const dispose = registerIpc({ ipcMain, handlers, isTrustedSender: createSenderCheck(() => window), logger });
  const dashboard = { senderId: window.webContents.id, frameUrl: 'app://ccmax/index.html' };
  return { ipcMain, window, logger, calls, handlers, dispose, dashboard };
}

describe('IPC handlers', () => {
  it('registers exactly one handler per contract command', () => {
    const { ipcMain } = setUp();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(COMMAND_NAMES.map((n) => channelOf(n)).sort());
  });

  it('passes each command and its arguments to the matching handler', async () => {
    const { ipcMain, calls, dashboard } = setUp();
    for (const name of COMMAND_NAMES) {
      await expect(ipcMain.invoke(channelOf(name), dashboard, { probe: name })).resolves.toEqual(ok({ name, args: { probe: name } }));
    }
    expect(calls.map((c) => c.name)).toEqual([...COMMAND_NAMES]);
  });

  it('hands an empty object to handlers when the renderer sends no arguments', async () => {
    const { ipcMain, calls, dashboard } = setUp();
    await ipcMain.invoke(channelOf('getSnapshot'), dashboard);
    expect(calls).toEqual([{ name: 'getSnapshot', args: {} }]);
  });

  it.each([
    ['another web contents', (d: { senderId: number }) => ({ senderId: d.senderId + 1000, frameUrl: 'app://ccmax/index.html' })],
    ['a frame showing another origin', (d: { senderId: number }) => ({ senderId: d.senderId, frameUrl: 'https://evil.example/' })],
    ['a frame on a file URL', (d: { senderId: number }) => ({ senderId: d.senderId, frameUrl: 'file:///tmp/index.html' })],
    ['a frame that is gone', (d: { senderId: number }) => ({ senderId: d.senderId, frameUrl: null })],
  ])('refuses %s without calling the engine', async (_name, from) => {
    const { ipcMain, calls, dashboard, logger } = setUp();
    await expect(ipcMain.invoke(channelOf('switchTo'), from(dashboard), { accountId: 'x' })).resolves.toEqual(err(FORBIDDEN));
    expect(calls).toEqual([]);
    expect(logger.lines[0]).toMatchObject({ level: 'warn', message: 'refused an IPC call from an untrusted sender' });
  });

  it('refuses every sender once the dashboard window is destroyed', async () => {
    const { ipcMain, window, dashboard } = setUp();
    window.destroy();
    await expect(ipcMain.invoke(channelOf('getSnapshot'), dashboard)).resolves.toEqual(err(FORBIDDEN));
  });

  it('turns a throwing handler into an internal error result and logs it', async () => {
    const ipcMain = new FakeIpcMain();
    const window = new FakeBrowserWindow({});
    const logger = createRecordingLogger();
    const { handlers } = recordingHandlers();
    const broken = {
      ...handlers,
      refreshNow: async () => {
        throw new Error('poller crashed');
      },
    } as CommandHandlers;
    registerIpc({ ipcMain, handlers: broken, isTrustedSender: createSenderCheck(() => window), logger });
    const result = await ipcMain.invoke(channelOf('refreshNow'), { senderId: window.webContents.id, frameUrl: 'app://ccmax/' }, {});
    expect(result).toEqual(err(INTERNAL));
    expect(logger.lines).toContainEqual({
      level: 'error',
      message: 'an IPC command failed',
      fields: { command: 'refreshNow', error: 'poller crashed' },
    });
  });

  it('removes every channel when disposed', () => {
    const { ipcMain, dispose } = setUp();
    dispose();
    expect(ipcMain.handlers.size).toBe(0);
  });
});

describe('preload bridge', () => {
  it('offers one method per contract command plus onSnapshot, and nothing else', () => {
    const api = createBridgeApi(new FakeIpcRenderer(new FakeIpcMain(), { senderId: 1, frameUrl: null }));
    expect(Object.keys(api).sort()).toEqual([...COMMAND_NAMES, 'onSnapshot'].sort());
    for (const key of Object.keys(api)) expect(typeof (api as unknown as Record<string, unknown>)[key]).toBe('function');
  });

  it('reaches every handler through the real channel names', async () => {
    const { ipcMain, calls, dashboard } = setUp();
    const api = createBridgeApi(new FakeIpcRenderer(ipcMain, dashboard));
    await expect(api.switchTo({ accountId: 'acct-2' })).resolves.toEqual(ok({ name: 'switchTo', args: { accountId: 'acct-2' } }));
    await api.getSnapshot({});
    await api.setLabel({ accountId: 'a', label: null });
    expect(calls.map((c) => c.name)).toEqual(['switchTo', 'getSnapshot', 'setLabel']);
  });

  it('answers a broken channel with an ipc-failed result instead of rejecting', async () => {
    const api = createBridgeApi(new FakeIpcRenderer(new FakeIpcMain(), { senderId: 1, frameUrl: null }));
    const result = await api.refreshNow({});
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('ipc-failed');
  });

  it('relays pushed snapshots without the IPC event, until unsubscribed', () => {
    const ipc = new FakeIpcRenderer(new FakeIpcMain(), { senderId: 1, frameUrl: null });
    const api = createBridgeApi(ipc);
    const received: unknown[][] = [];
    const unsubscribe = api.onSnapshot((...args: unknown[]) => received.push(args));
    const snapshot = makeSnapshot();
    ipc.deliver(SNAPSHOT_CHANNEL, snapshot);
    unsubscribe();
    ipc.deliver(SNAPSHOT_CHANNEL, snapshot);
    expect(received).toEqual([[snapshot]]);
    expect(ipc.listenerCount(SNAPSHOT_CHANNEL)).toBe(0);
  });
});

describe('snapshot push', () => {
  it('sends each snapshot to the dashboard on the snapshot channel', () => {
    const engine = createFakeEngine();
    const window = new FakeBrowserWindow({});
    pushSnapshots({ engine, currentWindow: () => window, logger: createRecordingLogger() });
    const pushed = engine.setSnapshot({ paused: true });
    expect(window.webContents.sent).toEqual([{ channel: SNAPSHOT_CHANNEL, args: [pushed] }]);
  });

  it('sends nothing while there is no window or it was destroyed', () => {
    const engine = createFakeEngine();
    const window = new FakeBrowserWindow({});
    let current: FakeBrowserWindow | null = null;
    pushSnapshots({ engine, currentWindow: () => current, logger: createRecordingLogger() });
    engine.setSnapshot({});
    current = window;
    window.destroy();
    engine.setSnapshot({});
    expect(window.webContents.sent).toEqual([]);
  });
});

import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUTOSTART_FILE, autostartDirFrom, createLoginItem, quoteExecArg, toAutostartEntry } from '../../src-main/shell/login-item.js';
import { FakeApp } from '../fakes/fake-electron.js';
import { createRecordingLogger } from './shell-helpers.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ccmax-autostart-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('launch at login', () => {
  it('uses Electron login items on macOS', async () => {
    const app = new FakeApp('darwin');
    const item = createLoginItem({
      platform: 'darwin',
      app,
      autostartDir: dir,
      execPath: '/Applications/x',
      args: [],
      logger: createRecordingLogger(),
    });
    await item.apply(true);
    await item.apply(true);
    await item.apply(false);
    expect(app.loginItemSettings).toEqual([{ openAtLogin: true }, { openAtLogin: false }]);
  });

  it('passes the executable and script on Windows so a development build starts too', async () => {
    const app = new FakeApp('win32');
    const item = createLoginItem({
      platform: 'win32',
      app,
      autostartDir: dir,
      execPath: 'C:\\electron.exe',
      args: ['C:\\app\\main.js'],
      logger: createRecordingLogger(),
    });
    await item.apply(true);
    expect(app.loginItemSettings).toEqual([{ openAtLogin: true, path: 'C:\\electron.exe', args: ['C:\\app\\main.js'] }]);
  });

  it('writes and removes an XDG autostart entry on Linux', async () => {
    const app = new FakeApp('linux');
    const autostartDir = join(dir, 'autostart');
    const item = createLoginItem({
      platform: 'linux',
      app,
      autostartDir,
      execPath: '/opt/ccmax monitor/ccmax-monitor',
      args: [],
      logger: createRecordingLogger(),
    });
    await item.apply(true);
    const text = await readFile(join(autostartDir, AUTOSTART_FILE), 'utf8');
    expect(text).toContain('Exec="/opt/ccmax monitor/ccmax-monitor"\n');
    expect(app.loginItemSettings).toEqual([]);
    await item.apply(false);
    await expect(stat(join(autostartDir, AUTOSTART_FILE))).rejects.toThrow();
  });

  it('logs instead of throwing when the entry cannot be written', async () => {
    const logger = createRecordingLogger();
    const blocked = join(dir, 'file');
    await (await import('node:fs/promises')).writeFile(blocked, 'not a folder');
    const item = createLoginItem({ platform: 'linux', app: new FakeApp(), autostartDir: blocked, execPath: '/x', args: [], logger });
    await expect(item.apply(true)).resolves.toBeUndefined();
    expect(logger.lines[0]).toMatchObject({ level: 'warn', message: 'could not change launch at login' });
  });
});

describe('autostart entry', () => {
  it('is a valid desktop entry that starts the app without a terminal', () => {
    const text = toAutostartEntry('/usr/bin/ccmax-monitor', []);
    expect(text.split('\n')).toEqual(
      expect.arrayContaining(['[Desktop Entry]', 'Type=Application', 'Exec=/usr/bin/ccmax-monitor', 'Terminal=false']),
    );
  });

  it('quotes arguments the specification reserves and doubles percent signs', () => {
    expect(quoteExecArg('/plain/path')).toBe('/plain/path');
    expect(quoteExecArg('/with space/$HOME')).toBe('"/with space/\\$HOME"');
    expect(quoteExecArg('100%')).toBe('100%%');
    expect(quoteExecArg('say "hi"')).toBe('"say \\"hi\\""');
  });

  it('lives in $XDG_CONFIG_HOME/autostart, else ~/.config/autostart', () => {
    expect(autostartDirFrom({ XDG_CONFIG_HOME: '/cfg' }, '/home/u')).toBe(join('/cfg', 'autostart'));
    expect(autostartDirFrom({}, '/home/u')).toBe(join('/home/u', '.config', 'autostart'));
  });
});

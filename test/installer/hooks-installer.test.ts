import { mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile, chmod, lstat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  HOOK_EVENTS,
  heartbeatCommands,
  installHooks,
  readHooksStatus,
  uninstallHooks,
} from '../../src-main/engine/claude-code/hooks-installer.js';

let dir = '';
let settingsPath = '';
const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const commands = heartbeatCommands({ nodePath: '/usr/bin/node', scriptPath: '/opt/ccmax monitor/out/heartbeat.js' });
const install = (c = commands, nowMs = NOW) => installHooks({ configDir: dir, commands: c, nowMs });
const uninstall = (nowMs = NOW + 1000) => uninstallHooks({ configDir: dir, nowMs });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ccmax-installer-'));
  settingsPath = join(dir, 'settings.json');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

interface Group {
  matcher?: string;
  hooks: { type: string; command: string; timeout?: number }[];
}
interface Settings {
  hooks: Record<string, Group[]>;
  statusLine: { type: string; command: string; padding?: number };
  [key: string]: unknown;
}
const readJson = async () => JSON.parse(await readFile(settingsPath, 'utf8')) as Settings;
const backups = async () => (await readdir(dir)).filter((f) => f.includes('.ccmax-backup-'));

/** A realistic user settings file: other settings, their own hooks, odd number spellings, 4-space indent, CRLF. */
const USER_SETTINGS = [
  '{',
  '    "model": "opus",',
  '    "permissions": {"allow": ["Bash(npm run test:*)"], "deny": []},',
  '    "cleanupPeriodDays": 30.0,',
  '    "someBigId": 12345678901234567890,',
  '    "env": {"GREETING": "h\\u00e9llo"},',
  '    "hooks": {',
  '        "PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "~/bin/audit.sh"}]}],',
  '        "Notification": [{"hooks": [{"type": "command", "command": "notify-send claude"}]}]',
  '    },',
  '    "statusLine": {"type": "command", "command": "~/.claude/my-status.sh", "padding": 0}',
  '}',
  '',
].join('\r\n');

describe('hooks installer', () => {
  it('creates settings.json with every hook and the statusline when there is none', async () => {
    const result = await install();
    expect(result.ok && result.value.changed).toBe(true);
    const settings = await readJson();
    expect(Object.keys(settings.hooks)).toEqual([...HOOK_EVENTS]);
    expect(settings.hooks.PreToolUse).toEqual([
      {
        matcher: '*',
        hooks: [{ type: 'command', command: `/usr/bin/node '/opt/ccmax monitor/out/heartbeat.js' hook --by=ccmax-monitor`, timeout: 5 }],
      },
    ]);
    expect(settings.hooks.SessionStart![0]!).not.toHaveProperty('matcher');
    expect(settings.statusLine).toEqual({
      type: 'command',
      command: `/usr/bin/node '/opt/ccmax monitor/out/heartbeat.js' statusline --by=ccmax-monitor`,
    });
    expect(await backups()).toEqual([]);
  });

  it('round-trips an empty settings file created by install back to an empty object', async () => {
    await writeFile(settingsPath, '{}\n');
    await install();
    await uninstall();
    expect(await readFile(settingsPath, 'utf8')).toBe('{}\n');
  });

  it('keeps the user’s hooks, settings and statusline and restores the file byte for byte on uninstall', async () => {
    await writeFile(settingsPath, USER_SETTINGS);
    await install();
    const installed = await readFile(settingsPath, 'utf8');
    // Everything before the hooks member is untouched, bytes and all.
    expect(installed.startsWith(USER_SETTINGS.slice(0, USER_SETTINGS.indexOf('"hooks"')))).toBe(true);
    expect(installed).toContain('12345678901234567890');
    expect(installed).toContain('30.0');
    const settings = await readJson();
    expect(settings.hooks.PreToolUse![0]!).toEqual({ matcher: 'Bash', hooks: [{ type: 'command', command: '~/bin/audit.sh' }] });
    expect(settings.hooks.PreToolUse).toHaveLength(2);
    expect(settings.hooks.Notification).toEqual([{ hooks: [{ type: 'command', command: 'notify-send claude' }] }]);
    expect(settings.statusLine.padding).toBe(0);
    await uninstall();
    const restored = await readFile(settingsPath, 'utf8');
    expect(JSON.parse(restored)).toEqual(JSON.parse(USER_SETTINGS));
    expect(restored.slice(0, restored.indexOf('"hooks"'))).toBe(USER_SETTINGS.slice(0, USER_SETTINGS.indexOf('"hooks"')));
    expect(restored.endsWith('\r\n}\r\n')).toBe(true);
  });

  it('restores the exact original text when the user had neither hooks nor a statusline', async () => {
    const original = '{\n\t"model": "sonnet",\n\t"includeCoAuthoredBy": false,\n\t"n": 1e3\n}';
    await writeFile(settingsPath, original);
    await install();
    expect(await readFile(settingsPath, 'utf8')).toContain('\t"hooks": {\n\t\t"SessionStart"');
    await uninstall();
    expect(await readFile(settingsPath, 'utf8')).toBe(original);
  });

  it('chains the user’s statusline command and restores it on uninstall', async () => {
    await writeFile(settingsPath, USER_SETTINGS);
    await install();
    const status = await readHooksStatus(dir);
    expect(status.ok && status.value.statusLine).toBe('chained');
    const { command } = (await readJson()).statusLine;
    const chain = /--chain (\S+)/.exec(command)?.[1] as string;
    expect(JSON.parse(Buffer.from(chain, 'base64url').toString())).toEqual({
      type: 'command',
      command: '~/.claude/my-status.sh',
      padding: 0,
    });
    await uninstall();
    expect((await readJson()).statusLine).toEqual({ type: 'command', command: '~/.claude/my-status.sh', padding: 0 });
  });

  it('is idempotent: a second install changes nothing and writes no backup', async () => {
    await writeFile(settingsPath, USER_SETTINGS);
    await install();
    const once = await readFile(settingsPath, 'utf8');
    const backupsAfterFirst = await backups();
    const again = await install(commands, NOW + 5000);
    expect(again.ok && again.value.changed).toBe(false);
    expect(await readFile(settingsPath, 'utf8')).toBe(once);
    expect(await backups()).toEqual(backupsAfterFirst);
  });

  it('stays put when the user added their own hooks after ours', async () => {
    await install();
    const settings = await readJson();
    settings.hooks.Stop!.push({ hooks: [{ type: 'command', command: 'say done' }] });
    await writeFile(settingsPath, JSON.stringify(settings, null, 2));
    const again = await install();
    expect(again.ok && again.value.changed).toBe(false);
  });

  it('updates our command in place when the client moved, without duplicates, keeping the chain', async () => {
    await writeFile(settingsPath, USER_SETTINGS);
    await install();
    const moved = heartbeatCommands({ nodePath: '/usr/local/bin/node', scriptPath: '/srv/ccmax/heartbeat.js' });
    const result = await install(moved);
    expect(result.ok && result.value.changed).toBe(true);
    const settings = await readJson();
    expect(settings.hooks.PreToolUse).toHaveLength(2);
    expect(settings.hooks.PreToolUse![1]!.hooks[0]?.command).toBe('/usr/local/bin/node /srv/ccmax/heartbeat.js hook --by=ccmax-monitor');
    expect(settings.statusLine.command).toMatch(
      /^\/usr\/local\/bin\/node \/srv\/ccmax\/heartbeat.js statusline --by=ccmax-monitor --chain /,
    );
    await uninstall();
    expect(JSON.parse(await readFile(settingsPath, 'utf8'))).toEqual(JSON.parse(USER_SETTINGS));
  });

  it('removes our hook from a group it shares with a user hook, leaving theirs', async () => {
    await install();
    const settings = await readJson();
    settings.hooks.Stop![0]!.hooks.push({ type: 'command', command: 'say done' });
    await writeFile(settingsPath, JSON.stringify(settings));
    await uninstall();
    expect((await readJson()).hooks).toEqual({ Stop: [{ hooks: [{ type: 'command', command: 'say done' }] }] });
  });

  it('backs the file up before changing it', async () => {
    await writeFile(settingsPath, USER_SETTINGS);
    const result = await install();
    const backupPath = result.ok ? result.value.backupPath : null;
    expect(backupPath).toMatch(/settings\.json\.ccmax-backup-20261124T120000000Z$/);
    expect(await readFile(backupPath as string, 'utf8')).toBe(USER_SETTINGS);
  });

  it('keeps a byte-order mark and the file mode', async () => {
    await writeFile(settingsPath, '\ufeff{"model": "opus"}');
    await chmod(settingsPath, 0o600);
    await install();
    const text = await readFile(settingsPath, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect((await stat(settingsPath)).mode & 0o777).toBe(0o600);
  });

  it('writes through a symlinked settings.json and keeps the link', async () => {
    const real = join(dir, 'dotfiles-settings.json');
    await writeFile(real, '{"model": "opus"}');
    await symlink(real, settingsPath);
    await install();
    expect((await lstat(settingsPath)).isSymbolicLink()).toBe(true);
    expect(JSON.parse(await readFile(real, 'utf8')).hooks.Stop).toHaveLength(1);
  });

  it('treats an empty file as empty settings', async () => {
    await writeFile(settingsPath, '  \n');
    const result = await install();
    expect(result.ok).toBe(true);
    expect((await readJson()).statusLine.command).toContain('statusline');
  });

  it('creates a missing config folder', async () => {
    const nested = join(dir, 'not', 'yet');
    const result = await installHooks({ configDir: nested, commands, nowMs: NOW });
    expect(result.ok).toBe(true);
    expect(JSON.parse(await readFile(join(nested, 'settings.json'), 'utf8')).hooks.SessionEnd).toHaveLength(1);
  });

  const refusals: [string, string, RegExp][] = [
    ['JSON with comments', '{\n  // my settings\n  "model": "opus"\n}', /not valid JSON.*comments/],
    ['a trailing comma', '{"model": "opus",}', /not valid JSON/],
    ['a top-level array', '[1, 2]', /top level is not a JSON object/],
    ['a top-level string', '"opus"', /top level is not a JSON object/],
    ['hooks that are not an object', '{"hooks": []}', /"hooks" is not an object/],
    ['an event that is not an array', '{"hooks": {"Stop": {"hooks": []}}}', /"hooks.Stop" is not an array/],
    ['a statusLine that is not an object', '{"statusLine": "echo hi"}', /"statusLine" is not an object/],
    ['a duplicated top-level key', '{"hooks": {}, "model": "a", "hooks": {}}', /"hooks" appears twice/],
  ];
  for (const [what, text, message] of refusals) {
    it(`refuses settings with ${what} and changes nothing`, async () => {
      await writeFile(settingsPath, text);
      const before = await stat(settingsPath);
      for (const result of [await install(), await uninstall()]) {
        expect(result.ok).toBe(false);
        if (!result.ok) {
          expect(result.error.message).toMatch(message);
          expect(result.error.message).toContain('Nothing was changed');
          expect(result.error.message).toContain(settingsPath);
        }
      }
      expect(await readFile(settingsPath, 'utf8')).toBe(text);
      expect((await stat(settingsPath)).mtimeMs).toBe(before.mtimeMs);
      expect(await backups()).toEqual([]);
    });
  }

  it('refuses an unreadable settings path with the reason', async () => {
    await mkdir(settingsPath);
    const result = await install();
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.kind).toBe('unreadable');
      expect(result.error.message).toContain('EISDIR');
    }
    expect((await stat(settingsPath)).isDirectory()).toBe(true);
  });

  it('reports a partial install and the disableAllHooks switch', async () => {
    await install();
    const settings = await readJson();
    delete settings.hooks.PostToolUse;
    settings.disableAllHooks = true;
    await writeFile(settingsPath, JSON.stringify(settings));
    const status = await readHooksStatus(dir);
    expect(status.ok && status.value).toMatchObject({ missing: ['PostToolUse'], statusLine: 'ours', hooksDisabled: true });
  });

  it('uninstalls nothing from a file without our entries', async () => {
    await writeFile(settingsPath, USER_SETTINGS);
    const result = await uninstall();
    expect(result.ok && result.value.changed).toBe(false);
    expect(await readFile(settingsPath, 'utf8')).toBe(USER_SETTINGS);
  });
});

describe('hooks install/uninstall leave the settings as they found them', () => {
  it('uninstall removes a settings.json that install created, instead of leaving {}', async () => {
    expect((await install()).ok).toBe(true);
    expect((await stat(settingsPath)).isFile()).toBe(true);
    expect((await uninstall()).ok).toBe(true);
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps one backup across installs and uninstalls: the settings before the first change', async () => {
    await writeFile(settingsPath, '{"model": "opus"}\n');
    for (let i = 0; i < 3; i++) {
      await install(commands, NOW + i * 2000);
      await uninstall(NOW + i * 2000 + 1000);
    }
    const backupFiles = await backups();
    expect(backupFiles).toHaveLength(1);
    expect(await readFile(join(dir, backupFiles[0] ?? ''), 'utf8')).toBe('{"model": "opus"}\n');
    expect(JSON.parse(await readFile(settingsPath, 'utf8'))).toEqual({ model: 'opus' });
  });
});

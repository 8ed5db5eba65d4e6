import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src-main/cli/cli-types.js';
import { hooksCommand } from '../../src-main/cli/commands/hooks.js';

let home = '';
let configDir = '';
let script = '';
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'ccmax-hooks-cmd-'));
  configDir = join(home, 'claude-config');
  script = join(home, 'heartbeat.js');
  await writeFile(script, '// stand-in for the bundled client\n');
});
afterEach(() => rm(home, { recursive: true, force: true }));

function io(env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const errors: string[] = [];
  const cli: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => errors.push(t),
    env: { CLAUDE_CONFIG_DIR: configDir, CCMAX_PORT: '1', ...env },
    cwd: home,
    stdin: Readable.from([]),
    platform: 'linux',
    homeDir: home,
  };
  return { cli, out: () => out.join(''), errors: () => errors.join('') };
}

describe('ccmax-monitor hooks', () => {
  it('installs into $CLAUDE_CONFIG_DIR/settings.json with the client path and node resolved at install time', async () => {
    const run = io();
    expect(await hooksCommand(['install', '--heartbeat-script', script, '--node', '/usr/bin/node'], run.cli)).toBe(0);
    expect(run.out()).toContain(`Installed ccmax-monitor hooks in ${join(configDir, 'settings.json')}`);
    const settings = JSON.parse(await readFile(join(configDir, 'settings.json'), 'utf8'));
    expect(settings.hooks.Stop[0].hooks[0].command).toBe(`/usr/bin/node ${script} hook --by=ccmax-monitor`);
  });

  it('bakes a chosen data dir and URL into the commands', async () => {
    const run = io();
    await hooksCommand(
      ['install', '--heartbeat-script', script, '--node', 'node', '--data-dir', 'data', '--url', 'http://127.0.0.1:4000'],
      run.cli,
    );
    const settings = JSON.parse(await readFile(join(configDir, 'settings.json'), 'utf8'));
    expect(settings.hooks.Stop[0].hooks[0].command).toBe(
      `node ${script} hook --by=ccmax-monitor --data-dir ${join(home, 'data')} --url http://127.0.0.1:4000`,
    );
  });

  it('defaults to ~/.claude when CLAUDE_CONFIG_DIR is not set', async () => {
    const run = io({ CLAUDE_CONFIG_DIR: '' });
    expect(await hooksCommand(['install', '--heartbeat-script', script], run.cli)).toBe(0);
    expect(JSON.parse(await readFile(join(home, '.claude', 'settings.json'), 'utf8')).statusLine.type).toBe('command');
  });

  it('reports status with exit 0 when installed and 1 after uninstall', async () => {
    await hooksCommand(['install', '--heartbeat-script', script], io().cli);
    const installed = io();
    expect(await hooksCommand(['status'], installed.cli)).toBe(0);
    expect(installed.out()).toContain('Hooks: installed (SessionStart, UserPromptSubmit, PreToolUse');
    expect(installed.out()).toContain('Monitor: not reachable');
    const removed = io();
    expect(await hooksCommand(['uninstall'], removed.cli)).toBe(0);
    expect(removed.out()).toContain('Removed ccmax-monitor hooks from');
    const after = io();
    expect(await hooksCommand(['status', '--json'], after.cli)).toBe(1);
    expect(JSON.parse(after.out())).toMatchObject({ installed: [], statusLine: 'none' });
  });

  it('refuses invalid settings with a clear message and exit 1', async () => {
    await hooksCommand(['install', '--heartbeat-script', script], io().cli);
    const path = join(configDir, 'settings.json');
    await writeFile(path, '{ "model": "opus", }');
    const run = io();
    expect(await hooksCommand(['install', '--heartbeat-script', script], run.cli)).toBe(1);
    expect(run.errors()).toMatch(/Refusing to change .*settings\.json: it is not valid JSON.*Nothing was changed/);
    expect(await readFile(path, 'utf8')).toBe('{ "model": "opus", }');
  });

  it('refuses to install when the heartbeat client is missing', async () => {
    const run = io();
    expect(await hooksCommand(['install', '--heartbeat-script', join(home, 'nope.js')], run.cli)).toBe(1);
    expect(run.errors()).toContain('npm run build');
  });

  it('prints usage for an unknown action', async () => {
    const run = io();
    expect(await hooksCommand(['reinstall'], run.cli)).toBe(2);
    expect(run.errors()).toContain('hooks install');
  });
});

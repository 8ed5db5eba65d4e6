/**
 * The CLI as a Unix tool, through the built bundle: every command's --help exits 0, typos get a
 * suggestion (exit 2), `status` finds a running demo monitor whose data dir it was not told, says
 * which monitor it talks to, fits 80 columns without wrapping, and ends quietly on a closed pipe.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { COMMAND_CATALOG } from '../../src-main/cli/command-catalog.js';
import { ensureBuilt, ROOT } from '../e2e/dashboard/demo-server.js';

const BIN = join(ROOT, 'bin/ccmax-monitor.js');
const home = mkdtempSync(join(tmpdir(), 'ccmax-cli-home-'));
/** A private home and runtime dir: the user's own data dir and running monitors stay out of it. */
const env: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: home,
  XDG_RUNTIME_DIR: join(home, 'run'),
  XDG_CONFIG_HOME: join(home, 'config'),
  XDG_DATA_HOME: join(home, 'data'),
  CCMAX_VAULT: 'file',
};

function cli(args: string[], extra: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...env, ...extra }, encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('ccmax-monitor as a command-line tool', () => {
  let demo: ChildProcess;
  let demoUrl = '';
  let demoOutput = '';

  beforeAll(async () => {
    ensureBuilt();
    demo = spawn(process.execPath, [BIN, 'serve', '--demo', '--port', '0', '--log-level', 'warn'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    demoUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve --demo did not start:\n${out}`)), 20_000);
      demo.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        demoOutput = out;
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
  }, 60_000);

  afterAll(async () => {
    if (demo && demo.exitCode === null) {
      const exited = new Promise((resolve) => demo.once('exit', resolve));
      demo.kill('SIGTERM');
      await exited;
    }
    rmSync(home, { recursive: true, force: true });
  });

  test('--help lists every command with a one-line description and the environment variables', () => {
    const r = cli(['--help']);
    expect(r.status).toBe(0);
    for (const command of COMMAND_CATALOG) expect(r.stdout).toMatch(new RegExp(`^  ${command.name} +\\S.+$`, 'm'));
    for (const name of ['CCMAX_URL', 'CCMAX_PORT', 'CCMAX_DATA_DIR', 'CCMAX_TOKEN', 'NO_COLOR']) expect(r.stdout).toContain(name);
  });

  test.each(COMMAND_CATALOG.map((c) => c.name))('%s --help exits 0 with its usage', (name) => {
    const r = cli([name, '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`ccmax-monitor ${name}`);
    expect(r.stderr).toBe('');
  });

  test('a mistyped command or option exits 2 with a suggestion', () => {
    const command = cli(['stauts']);
    expect(command.status).toBe(2);
    expect(command.stderr).toContain("Did you mean 'status'?");
    const option = cli(['status', '--jsn']);
    expect(option.status).toBe(2);
    expect(option.stderr).toContain("Did you mean '--json'?");
    const verb = cli(['accounts', 'lst']);
    expect(verb.status).toBe(2);
    expect(verb.stderr).toContain("Did you mean 'list'?");
  });

  test('status finds the running demo monitor without being told its data dir, and says which one it is', () => {
    const r = cli(['status'], { COLUMNS: '80' });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]?.startsWith(`monitor: ${demoUrl} (DEMO) · found by the running monitors`)).toBe(true);
    expect(r.stdout).toContain('DEMO — simulated fleet');
    expect(r.stdout).toContain('blake@demo.example');
  });

  test('status under COLUMNS=80 has no line over 80 characters and keeps every email whole', () => {
    const r = cli(['status'], { COLUMNS: '80' });
    const long = r.stdout.split('\n').filter((line) => [...line].length > 80);
    expect(long).toEqual([]);
    for (const name of ['alex', 'blake', 'casey', 'drew', 'emery']) expect(r.stdout).toContain(`${name}@demo.example`);
    expect(r.stdout).not.toContain('\u001b['); // not a terminal: no colour
  });

  test('status | head -1 ends quietly: no EPIPE stack on stderr', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" status | head -1`], { env, encoding: 'utf8', timeout: 20_000 });
    expect(r.stdout).toMatch(/^monitor: /);
    expect(r.stderr).toBe('');
  });

  test('switch --auto with an account is an error, and pause twice says it already is', () => {
    const auto = cli(['switch', '--auto', 'alex']);
    expect(auto.status).toBe(2);
    expect(auto.stderr).toContain("'switch --auto' takes no account");
    expect(cli(['pause']).stdout).toContain('Rotation paused');
    const again = cli(['pause']);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('already paused');
    expect(cli(['resume']).stdout).toContain('Rotation resumed');
  });

  test('CCMAX_URL still chooses the monitor explicitly', () => {
    const r = cli(['status'], { CCMAX_URL: demoUrl });
    expect(r.stdout.split('\n')[0]).toBe(`monitor: ${demoUrl} · found by CCMAX_URL`);
  });

  test('accounts login runs claude auth login in a private temporary config dir, imports the login and deletes the dir', () => {
    // The demo's Claude Code login stands in for the one a real `claude auth login` would write.
    const sandboxData = /· data (\S+) \(sandbox/.exec(demoOutput)?.[1] ?? '';
    expect(sandboxData).not.toBe('');
    const fakeBin = join(home, 'fake-bin');
    const userClaude = join(home, 'user-claude');
    const privateTmp = join(home, 'tmp');
    for (const d of [fakeBin, userClaude, privateTmp]) mkdirSync(d, { recursive: true });
    const record = join(home, 'claude-config-dir.txt');
    writeFileSync(
      join(fakeBin, 'claude'),
      [
        '#!/bin/sh',
        '[ "$1 $2" = "auth login" ] || exit 3',
        `echo "$CLAUDE_CONFIG_DIR" > "${record}"`,
        `cp "${join(sandboxData, '../claude/.credentials.json')}" "$CLAUDE_CONFIG_DIR/.credentials.json"`,
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    const r = cli(['accounts', 'login'], { PATH: `${fakeBin}:${env.PATH ?? ''}`, CLAUDE_CONFIG_DIR: userClaude, TMPDIR: privateTmp });
    expect(r.stderr).toContain('the login Claude Code uses now is not touched');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/blake@demo\.example/);
    const used = readFileSync(record, 'utf8').trim();
    expect(used.startsWith(join(privateTmp, 'ccmax-login-'))).toBe(true);
    expect(existsSync(used)).toBe(false); // deleted afterwards
    expect(readdirSync(userClaude)).toEqual([]); // the user's own Claude Code dir untouched
  });

  test('accounts list has a header row', () => {
    const r = cli(['accounts', 'list']);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^Account +Label +Plan +State +Id$/);
  });
});

/**
 * A hub serving TLS itself (`serve --tls-cert --tls-key`, a certificate made by `openssl` here) and
 * an agent on `https://` trusting it with `--ca`, as real processes on loopback: the agent holds the
 * hub's login; an agent that does not trust the certificate never connects. Skipped without openssl.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MachineView } from '../../src-main/shared/machines-view.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'ccmax-monitor.js');
const TOKEN = 'tls-hub-token-0123456789';
const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

let dir: string;
let hubUrl: string;
let printed = '';
const children: ChildProcess[] = [];

const machines = async (): Promise<MachineView[]> =>
  ((await (await fetch(`${hubUrl}/api/machines`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { machines: MachineView[] })
    .machines;

async function until<T>(what: string, fn: () => Promise<T | null | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function agent(name: string, extra: string[]): ChildProcess {
  const home = join(dir, name);
  const secureUrl = hubUrl.replace(/^http:/, 'https:');
  const child = spawn(
    process.execPath,
    [BIN, 'agent', '--hub', secureUrl, '--data-dir', join(home, 'data'), '--log-level', 'warn', ...extra],
    {
      env: { ...process.env, HOME: home, CLAUDE_CONFIG_DIR: join(home, '.claude'), CCMAX_TOKEN: TOKEN, CCMAX_HUB_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  return child;
}

beforeAll(async () => {
  if (!hasOpenssl) return;
  if (!existsSync(join(ROOT, 'out', 'cli.js'))) spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  dir = await mkdtemp(join(tmpdir(), 'ccmax-tls-hub-'));
  const made = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2'].concat([
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ]),
    { encoding: 'utf8', timeout: 30_000 },
  );
  expect(made.status, made.stderr).toBe(0);
  const hub = spawn(
    process.execPath,
    [
      BIN,
      'serve',
      '--demo',
      '--port',
      '0',
      '--token',
      TOKEN,
      '--tls-cert',
      join(dir, 'cert.pem'),
      '--tls-key',
      join(dir, 'key.pem'),
      '--log-level',
      'warn',
    ],
    { env: { ...process.env, HOME: join(dir, 'hub'), CCMAX_TOKEN: '', CCMAX_DATA_DIR: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(hub);
  hubUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL: ${printed}`)), 30_000);
    hub.stdout!.on('data', (d: Buffer) => {
      printed += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*TLS:/.exec(printed);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    hub.on('exit', (code) => reject(new Error(`serve exited early (${code}): ${printed}`)));
  });
}, 60_000);

afterAll(async () => {
  for (const child of children.reverse()) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!hasOpenssl)('a hub with its own TLS certificate', () => {
  it('says which https:// address other machines use', () => {
    expect(printed).toContain(`TLS: other machines use ${hubUrl.replace('http:', 'https:')}`);
  });

  it('an agent trusting the certificate (--ca) connects over wss:// and holds the hub’s login; one that does not never connects', async () => {
    agent('untrusting', []);
    agent('laptop', ['--ca', join(dir, 'cert.pem')]);
    const held = await until(
      'the trusting agent to hold a login',
      async () => (await machines()).find((m) => m.connected && m.held) ?? null,
      20_000,
    );
    expect(held.held?.generation).toBeGreaterThanOrEqual(1);
    // The untrusting one has had as long as the trusting one: it is refused by its own certificate check.
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await machines()).filter((m) => m.connected)).toHaveLength(1);
  }, 40_000);
});

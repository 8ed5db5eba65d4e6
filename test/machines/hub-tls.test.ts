/**
 * A hub serving TLS itself (`serve --tls-cert --tls-key`, a certificate made by `openssl` here) and
 * an agent on `https://` trusting it with `--ca`, as real processes on loopback: the agent holds the
 * hub's login; an agent that does not trust the certificate never connects. Skipped without openssl.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MachineView } from '../../src-main/shared/machines-view.js';
import { ensureBuilt, startAgent, startHub, stopAll, until } from './processes.js';

const TOKEN = 'tls-hub-token-0123456789';
const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

let dir: string;
let hubUrl: string;
let printed = '';

const machines = async (): Promise<MachineView[]> =>
  ((await (await fetch(`${hubUrl}/api/machines`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { machines: MachineView[] })
    .machines;

const agent = (name: string, extra: string[]) =>
  startAgent({ home: join(dir, name), hubUrl: hubUrl.replace(/^http:/, 'https:'), token: TOKEN, args: extra });

beforeAll(async () => {
  if (!hasOpenssl) return;
  ensureBuilt();
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
  const hub = await startHub({
    home: join(dir, 'hub'),
    args: ['--demo', '--token', TOKEN, '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')],
    readyPattern: /listening on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*TLS:.*\n/,
  });
  hubUrl = hub.url;
  printed = hub.output();
}, 60_000);

afterAll(async () => {
  await stopAll();
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

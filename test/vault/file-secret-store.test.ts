import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src-main/engine/ports.js';
import { createFileSecretStore, type FileVaultReport } from '../../src-main/engine/vault/file-secret-store.js';

const posix = process.platform !== 'win32';
const NOW_MS = Date.UTC(2026, 10, 24, 12, 0, 0);
const SECRET = 'sk-ant-oat01-very-secret-value';

let dir: string;
let reports: FileVaultReport[];
let logs: { level: string; message: string; fields?: Record<string, unknown> }[];

const logger: Logger = {
  debug: (message, fields) => logs.push({ level: 'debug', message, fields }),
  info: (message, fields) => logs.push({ level: 'info', message, fields }),
  warn: (message, fields) => logs.push({ level: 'warn', message, fields }),
  error: (message, fields) => logs.push({ level: 'error', message, fields }),
};

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ccmax-filevault-'));
  reports = [];
  logs = [];
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const open = () => createFileSecretStore({ dataDir: dir, logger, onReport: (r) => reports.push(r), now: () => NOW_MS });
const vaultFile = () => path.join(dir, 'vault.json');

describe('createFileSecretStore', () => {
  it('stores, overwrites, reads and deletes one value per account', async () => {
    const store = open();
    expect(await store.get('a')).toBeNull();
    await store.set('a', 'first');
    await store.set('b', 'other');
    await store.set('a', 'second');
    expect(await store.get('a')).toBe('second');
    await store.delete('a');
    expect(await store.get('a')).toBeNull();
    expect(await store.get('b')).toBe('other');
    await store.delete('never-stored');
    expect(store.kind).toBe('file');
    expect(store.location).toBe(vaultFile());
  });

  it('writes a versioned file that only the owner can read', async () => {
    await open().set('a', 'value');
    expect(JSON.parse(await fs.readFile(vaultFile(), 'utf8'))).toEqual({ version: 1, entries: { a: 'value' } });
    if (posix) expect((await fs.stat(vaultFile())).mode & 0o777).toBe(0o600);
  });

  it.skipIf(!posix)('tightens a looser mode on an existing file and says so', async () => {
    await fs.writeFile(vaultFile(), JSON.stringify({ version: 1, entries: { a: 'value' } }), { mode: 0o644 });
    await fs.chmod(vaultFile(), 0o644);
    expect(await open().get('a')).toBe('value');
    expect((await fs.stat(vaultFile())).mode & 0o777).toBe(0o600);
    expect(reports).toEqual([{ kind: 'mode-tightened', path: vaultFile(), previousMode: 0o644 }]);
    expect(logs.some((l) => l.level === 'warn' && /0600/.test(l.message))).toBe(true);
  });

  it('backs up a corrupt file, reports it without the secret, and carries on empty', async () => {
    const original = `{"version":1,"entries":{"a":"${SECRET}"`;
    await fs.writeFile(vaultFile(), original, { mode: 0o600 });
    const store = open();
    expect(await store.get('a')).toBeNull();
    expect(reports).toHaveLength(1);
    const report = reports[0]!;
    expect(report.kind).toBe('corrupt');
    if (report.kind !== 'corrupt') return;
    expect(path.basename(report.backupPath)).toBe('vault.json.corrupt-20261124T120000000Z');
    expect(await fs.readFile(report.backupPath, 'utf8')).toBe(original);
    if (posix) expect((await fs.stat(report.backupPath)).mode & 0o777).toBe(0o600);
    expect(JSON.stringify({ reports, logs })).not.toContain(SECRET);
    await store.set('b', 'fresh');
    expect(await store.get('b')).toBe('fresh');
  });

  it('backs up a file whose entries are not strings, naming the field but not the value', async () => {
    await fs.writeFile(vaultFile(), JSON.stringify({ version: 1, entries: { a: { token: SECRET } } }), { mode: 0o600 });
    expect(await open().get('a')).toBeNull();
    expect(reports[0]?.kind === 'corrupt' && reports[0].reason).toMatch(/entries\.a/);
    expect(JSON.stringify(reports)).not.toContain(SECRET);
  });

  it('backs up a file from a newer version', async () => {
    await fs.writeFile(vaultFile(), JSON.stringify({ version: 2, entries: {} }), { mode: 0o600 });
    await open().get('a');
    expect(reports[0]?.kind === 'corrupt' && reports[0].reason).toMatch(/newer ccmax-monitor/);
  });

  it('keeps every entry when 100 writes for different accounts race', async () => {
    const store = open();
    await Promise.all(Array.from({ length: 100 }, (_, i) => store.set(`acc-${i}`, `value-${i}`)));
    const doc = JSON.parse(await fs.readFile(vaultFile(), 'utf8')) as { entries: Record<string, string> };
    expect(Object.keys(doc.entries)).toHaveLength(100);
    expect(await store.get('acc-57')).toBe('value-57');
  });

  it('lets the last of 100 racing writes to one account win', async () => {
    const store = open();
    await Promise.all(Array.from({ length: 100 }, (_, i) => store.set('same', `value-${i}`)));
    expect(await store.get('same')).toBe('value-99');
  });

  it('sees what another instance wrote to the same file', async () => {
    await open().set('a', 'from-first');
    expect(await open().get('a')).toBe('from-first');
  });

  it('removes temp files a crash left behind, but not one still being written', async () => {
    const stale = path.join(dir, '.vault.json.aaaaaa.tmp');
    const fresh = path.join(dir, '.vault.json.bbbbbb.tmp');
    await fs.writeFile(stale, 'old secret');
    await fs.writeFile(fresh, 'in flight');
    const old = new Date(Date.now() - 10 * 60_000);
    await fs.utimes(stale, old, old);
    await open().get('a');
    await expect(fs.access(stale)).rejects.toThrow();
    await expect(fs.access(fresh)).resolves.toBeUndefined();
  });

  it('fails with an actionable message, and backs nothing up, when the file cannot be read', async () => {
    await fs.mkdir(vaultFile());
    await expect(open().get('a')).rejects.toThrow(/Cannot read the vault file .*check its owner and permissions/);
    expect(reports).toEqual([]);
  });
});

describe('file vault shared by two writers (issue 14 item 2)', () => {
  it('loses no entry when two stores on one data dir load-modify-save at the same time', async () => {
    const one = createFileSecretStore({ dataDir: dir, logger, now: () => NOW_MS });
    const two = createFileSecretStore({ dataDir: dir, logger, now: () => NOW_MS });
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      writes.push(one.set(`one-${i}`, `value-${i}`), two.set(`two-${i}`, `value-${i}`));
    }
    await Promise.all(writes);
    const doc = JSON.parse(await fs.readFile(path.join(dir, 'vault.json'), 'utf8')) as { entries: Record<string, string> };
    expect(Object.keys(doc.entries)).toHaveLength(40);
    await expect(fs.stat(path.join(dir, 'vault.json.lock'))).rejects.toThrow();
  });
});

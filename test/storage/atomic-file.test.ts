import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  backUpCorruptFileSync,
  readJsonFile,
  readJsonFileSync,
  tempPathFor,
  writeFileAtomic,
  writeFileAtomicSync,
} from '../../src-main/engine/storage/atomic-file.js';

const posix = process.platform !== 'win32';
let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ccmax-atomic-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const modeOf = async (p: string): Promise<number> => (await fs.stat(p)).mode & 0o777;
const tempsIn = async (d: string): Promise<string[]> => (await fs.readdir(d)).filter((n) => n.endsWith('.tmp'));

describe('writeFileAtomic', () => {
  it('writes the data with mode 0600 by default', async () => {
    const file = path.join(dir, 'a.json');
    await writeFileAtomic(file, '{"a":1}');
    expect(await fs.readFile(file, 'utf8')).toBe('{"a":1}');
    if (posix) expect(await modeOf(file)).toBe(0o600);
  });

  it.skipIf(!posix)('sets the requested mode exactly, even where the umask would narrow it', async () => {
    const file = path.join(dir, 'shared.json');
    await writeFileAtomic(file, 'x', { mode: 0o666 });
    expect(await modeOf(file)).toBe(0o666);
  });

  it.skipIf(!posix)('tightens the mode of a file it replaces', async () => {
    const file = path.join(dir, 'a.json');
    await fs.writeFile(file, 'old', { mode: 0o644 });
    await writeFileAtomic(file, 'new');
    expect(await modeOf(file)).toBe(0o600);
  });

  it('replaces an existing file and leaves no temp file behind', async () => {
    const file = path.join(dir, 'a.json');
    await fs.writeFile(file, 'old');
    await writeFileAtomic(file, 'new');
    expect(await fs.readFile(file, 'utf8')).toBe('new');
    expect(await tempsIn(dir)).toEqual([]);
  });

  it('removes its temp file and rejects when the rename fails', async () => {
    const target = path.join(dir, 'occupied');
    await fs.mkdir(target);
    await fs.writeFile(path.join(target, 'keep'), 'kept');
    await expect(writeFileAtomic(target, 'data')).rejects.toThrow();
    expect(await tempsIn(dir)).toEqual([]);
    expect(await fs.readFile(path.join(target, 'keep'), 'utf8')).toBe('kept');
  });

  it('keeps the old file intact when a crash left a temp file before the rename', async () => {
    const file = path.join(dir, 'state.json');
    await writeFileAtomic(file, JSON.stringify({ generation: 1 }));
    // What a crash between "write temp" and "rename" leaves: a complete temp file beside the old one.
    await fs.writeFile(tempPathFor(file), JSON.stringify({ generation: 2 }));
    const read = await readJsonFile(file);
    expect(read).toEqual({ ok: true, value: { generation: 1 } });
    await writeFileAtomic(file, JSON.stringify({ generation: 3 }));
    expect(await readJsonFile(file)).toEqual({ ok: true, value: { generation: 3 } });
  });

  it('serialises 100 concurrent writes in call order so the last one wins', async () => {
    const file = path.join(dir, 'busy.json');
    const finished: number[] = [];
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        writeFileAtomic(file, JSON.stringify({ i, pad: 'x'.repeat((i * 37) % 5000) })).then(() => finished.push(i)),
      ),
    );
    expect(finished).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const read = await readJsonFile(file);
    expect(read.ok && (read.value as { i: number }).i).toBe(99);
    expect(await tempsIn(dir)).toEqual([]);
  });

  it('runs the next queued write after one fails', async () => {
    const file = path.join(dir, 'later.json');
    // A bad argument makes the first write fail inside the queue; the second is already queued.
    const failed = writeFileAtomic(file, 123 as unknown as string);
    const next = writeFileAtomic(file, 'ok');
    await expect(failed).rejects.toThrow();
    await next;
    expect(await fs.readFile(file, 'utf8')).toBe('ok');
    expect(await tempsIn(dir)).toEqual([]);
  });
});

describe('writeFileAtomicSync', () => {
  it('writes the data with mode 0600 and leaves no temp file', async () => {
    const file = path.join(dir, 'sync.json');
    writeFileAtomicSync(file, 'sync');
    expect(await fs.readFile(file, 'utf8')).toBe('sync');
    if (posix) expect(await modeOf(file)).toBe(0o600);
    expect(await tempsIn(dir)).toEqual([]);
  });
});

describe('readJsonFile', () => {
  it('reports a missing file as missing', async () => {
    expect(await readJsonFile(path.join(dir, 'nope.json'))).toEqual({ ok: false, error: { kind: 'missing' } });
  });

  it('reports malformed JSON without quoting the content', async () => {
    const file = path.join(dir, 'bad.json');
    await fs.writeFile(file, '{"token": "sk-ant-secret"');
    const read = readJsonFileSync(file);
    expect(read.ok).toBe(false);
    if (!read.ok) {
      expect(read.error.kind).toBe('invalid-json');
      expect(JSON.stringify(read.error)).not.toContain('sk-ant');
    }
  });

  it('reports an empty file as invalid JSON', async () => {
    const file = path.join(dir, 'empty.json');
    await fs.writeFile(file, '');
    const read = await readJsonFile(file);
    expect(!read.ok && read.error).toEqual({ kind: 'invalid-json', message: 'the file is empty' });
  });

  it('reports a path it cannot read as unreadable', async () => {
    const read = await readJsonFile(dir);
    expect(!read.ok && read.error.kind).toBe('unreadable');
  });
});

describe('backUpCorruptFileSync', () => {
  it('moves the file aside and never overwrites an earlier backup', async () => {
    const file = path.join(dir, 'state.json');
    const nowMs = Date.UTC(2026, 10, 24, 12, 0, 0, 123);
    await fs.writeFile(file, 'first');
    const first = backUpCorruptFileSync(file, nowMs);
    await fs.writeFile(file, 'second');
    const second = backUpCorruptFileSync(file, nowMs);
    expect(path.basename(first)).toBe('state.json.corrupt-20261124T120000123Z');
    expect(second).not.toBe(first);
    expect(await fs.readFile(first, 'utf8')).toBe('first');
    expect(await fs.readFile(second, 'utf8')).toBe('second');
    await expect(fs.access(file)).rejects.toThrow();
  });
});

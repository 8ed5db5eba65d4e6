import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEventLog, type EventLogOptions } from '../../src-main/engine/events/event-log.js';
import type { EngineEvent } from '../../src-main/engine/events/event-types.js';
import type { Logger } from '../../src-main/engine/ports.js';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
let dir: string;
let warnings: { message: string; fields?: Record<string, unknown> }[];
const logger: Logger = {
  debug() {},
  info() {},
  warn: (message, fields) => warnings.push({ message, fields }),
  error: (message, fields) => warnings.push({ message, fields }),
};

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ccmax-events-'));
  warnings = [];
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const open = (options: Partial<EventLogOptions> = {}) => createEventLog({ dir, logger, ...options });
const ev = (i: number, overrides: Partial<EngineEvent> = {}): EngineEvent => ({
  atMs: T0 + i * 1000,
  kind: 'usage-polled',
  level: 'info',
  message: `poll ${i}`,
  accountId: 'acc-1',
  data: { sevenDayPct: i },
  ...overrides,
});
const linesOf = async (file: string): Promise<string[]> => (await fs.readFile(path.join(dir, file), 'utf8')).split('\n').filter(Boolean);

describe('createEventLog', () => {
  it('keeps switch and token history through a flood of session events, and says how many it dropped', async () => {
    const log = open({ maxFileBytes: 64 * 1024, maxFiles: 2, memoryLimit: 200 });
    log.append(ev(0, { kind: 'token-refreshed', message: 'refreshed before the flood' }));
    log.append(ev(1, { kind: 'account-switched', message: 'switched before the flood' }));
    for (let i = 0; i < 10_000; i++)
      log.append({
        atMs: T0 + 2000 + i,
        kind: 'session-started',
        level: 'info',
        message: `session ${i} started`,
        data: { sessionId: `s-${i}` },
      });
    await log.close();
    const onDisk = [...(await linesOf('events.jsonl')), ...(await linesOf('events.1.jsonl').catch(() => []))].map(
      (l) => JSON.parse(l) as EngineEvent,
    );
    expect(onDisk.filter((e) => e.kind === 'session-started')).toHaveLength(60);
    expect(onDisk.map((e) => e.message)).toEqual(expect.arrayContaining(['refreshed before the flood', 'switched before the flood']));
    expect(onDisk.find((e) => e.kind === 'events-suppressed')?.data?.suppressed).toBe(10_000 - 60);
    expect(log.query({ kinds: ['token-refreshed', 'account-switched'] })).toHaveLength(2);
  });

  it('appends each event as one JSON line to events.jsonl', async () => {
    const log = open();
    log.append(ev(1));
    log.append(ev(2));
    await log.close();
    expect((await linesOf('events.jsonl')).map((l) => JSON.parse(l))).toEqual([ev(1), ev(2)]);
    expect(log.path).toBe(path.join(dir, 'events.jsonl'));
  });

  it('answers queries newest first, 200 by default and never more than 1000', async () => {
    const log = open({ memoryLimit: 1500 });
    for (let i = 0; i < 1200; i++) log.append(ev(i));
    expect(log.query()).toHaveLength(200);
    expect(log.query()[0]).toEqual(ev(1199));
    expect(log.query({ limit: 5000 })).toHaveLength(1000);
    expect(log.query({ limit: 3 }).map((e) => e.message)).toEqual(['poll 1199', 'poll 1198', 'poll 1197']);
    await log.close();
  });

  it('filters by time, kind and account', async () => {
    const log = open();
    log.append(ev(1));
    log.append(ev(2, { kind: 'account-switched', accountId: 'acc-2' }));
    log.append(ev(3, { kind: 'poll-failed', level: 'warn' }));
    log.append(ev(4, { kind: 'engine-started', accountId: undefined }));
    expect(log.query({ sinceMs: T0 + 3000 }).map((e) => e.message)).toEqual(['poll 4', 'poll 3']);
    expect(log.query({ kinds: ['account-switched', 'poll-failed'] }).map((e) => e.message)).toEqual(['poll 3', 'poll 2']);
    expect(log.query({ accountId: 'acc-1' }).map((e) => e.message)).toEqual(['poll 3', 'poll 1']);
    expect(log.query({ kinds: [] })).toHaveLength(4);
    await log.close();
  });

  it('reloads earlier events when opened again, so history survives a restart', async () => {
    const first = open();
    for (let i = 0; i < 10; i++) first.append(ev(i));
    await first.close();
    const second = open();
    expect(second.query({ limit: 3 }).map((e) => e.message)).toEqual(['poll 9', 'poll 8', 'poll 7']);
    second.append(ev(10));
    await second.close();
    expect(
      open()
        .query({ limit: 2 })
        .map((e) => e.message),
    ).toEqual(['poll 10', 'poll 9']);
  });

  it('rotates by size, keeps maxFiles files and drops the oldest', async () => {
    const log = open({ maxFileBytes: 1000, maxFiles: 3 });
    for (let i = 0; i < 100; i++) log.append(ev(i));
    await log.close();
    const names = (await fs.readdir(dir)).sort();
    expect(names).toEqual(['events.1.jsonl', 'events.2.jsonl', 'events.jsonl']);
    for (const name of names) expect((await fs.stat(path.join(dir, name))).size).toBeLessThanOrEqual(1000);
    const newest = (await linesOf('events.jsonl')).map((l) => (JSON.parse(l) as EngineEvent).message);
    expect(newest.at(-1)).toBe('poll 99');
    const oldestKept = (JSON.parse((await linesOf('events.2.jsonl'))[0]!) as EngineEvent).message;
    expect(Number(oldestKept.split(' ')[1])).toBeGreaterThan(0);
  });

  it('reloads across rotated files in order', async () => {
    const log = open({ maxFileBytes: 1000, maxFiles: 5 });
    for (let i = 0; i < 30; i++) log.append(ev(i));
    await log.close();
    const reloaded = open({ maxFileBytes: 1000, maxFiles: 5 }).query({ limit: 1000 });
    expect(reloaded.map((e) => e.message)).toEqual(Array.from({ length: 30 }, (_, i) => `poll ${29 - i}`));
  });

  it('loads only the newest memoryLimit events at start', async () => {
    const first = open();
    for (let i = 0; i < 50; i++) first.append(ev(i));
    await first.close();
    const events = open({ memoryLimit: 20 }).query({ limit: 1000 });
    expect(events).toHaveLength(20);
    expect(events.at(-1)?.message).toBe('poll 30');
  });

  it('skips unreadable lines with one warning instead of failing', async () => {
    const good = JSON.stringify(ev(1));
    const unknownKind = JSON.stringify({ ...ev(2), kind: 'something-new' });
    await fs.writeFile(path.join(dir, 'events.jsonl'), `${good}\nnot json\n${unknownKind}\n{"atMs":\n${JSON.stringify(ev(3))}\n`);
    const log = open();
    expect(log.query().map((e) => e.message)).toEqual(['poll 3', 'poll 1']);
    expect(warnings).toEqual([
      { message: 'event log: skipped unreadable lines', fields: { file: path.join(dir, 'events.jsonl'), count: 3 } },
    ]);
  });

  it('starts on a fresh line after a torn last line, so the next event stays readable', async () => {
    await fs.writeFile(path.join(dir, 'events.jsonl'), `${JSON.stringify(ev(1))}\n{"atMs": 17`);
    const log = open();
    log.append(ev(2));
    await log.close();
    expect(
      open()
        .query()
        .map((e) => e.message),
    ).toEqual(['poll 2', 'poll 1']);
  });

  it('redacts anything that looks like a token before writing, and warns', async () => {
    const token = 'sk-ant-oat01-AbC_123-xyz';
    const log = open();
    log.append(ev(1, { message: `refreshed with ${token}`, data: { leaked: `Bearer ${token}`, n: 3 } }));
    await log.close();
    const text = await fs.readFile(path.join(dir, 'events.jsonl'), 'utf8');
    expect(text).not.toContain('sk-ant-');
    expect(log.query()[0]).toMatchObject({ message: 'refreshed with [redacted]', data: { leaked: 'Bearer [redacted]', n: 3 } });
    expect(warnings.map((w) => w.message)).toEqual(['an event looked like it carried a token; it was redacted']);
    expect(JSON.stringify(warnings)).not.toContain('sk-ant-');
  });

  it('tells subscribers about each event until they unsubscribe, surviving a throwing listener', async () => {
    const log = open();
    const seen: string[] = [];
    log.subscribe(() => {
      throw new Error('listener bug');
    });
    const unsubscribe = log.subscribe((e) => seen.push(e.message));
    log.append(ev(1));
    unsubscribe();
    log.append(ev(2));
    expect(seen).toEqual(['poll 1']);
    expect(log.query()).toHaveLength(2);
    expect(warnings.map((w) => w.message)).toEqual(['event listener failed', 'event listener failed']);
    await log.close();
  });

  it('still writes events appended after close once closed again', async () => {
    const log = open();
    log.append(ev(1));
    await log.close();
    log.append(ev(2));
    await log.close();
    expect(await linesOf('events.jsonl')).toHaveLength(2);
  });

  it('keeps events in memory and logs an error when the folder cannot be written', async () => {
    const log = open();
    await fs.rm(dir, { recursive: true });
    await fs.writeFile(dir, 'a file where the folder was');
    log.append(ev(1));
    await log.close();
    expect(log.query()).toHaveLength(1);
    expect(warnings.map((w) => w.message)).toContain('event log: could not write events to disk');
  });
});

describe('createEventLog without a usable folder', () => {
  it('opens anyway, keeps events in memory and logs why nothing is written', async () => {
    const blocked = path.join(dir, 'blocked');
    await fs.writeFile(blocked, 'a file where the folder should be');
    const log = createEventLog({ dir: blocked, logger });
    log.append(ev(1));
    await log.close();
    expect(log.query()).toHaveLength(1);
    expect(warnings.map((w) => w.message)).toEqual([
      'event log: could not create the log folder',
      'event log: could not write events to disk',
    ]);
  });
});

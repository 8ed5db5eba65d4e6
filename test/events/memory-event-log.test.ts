import { describe, expect, it } from 'vitest';
import { createMemoryEventLog } from '../../src-main/engine/events/memory-event-log.js';
import type { EngineEvent } from '../../src-main/engine/events/event-types.js';

const ev = (i: number, overrides: Partial<EngineEvent> = {}): EngineEvent => ({
  atMs: 1_000 * i,
  kind: 'token-refreshed',
  level: 'info',
  message: `refresh ${i}`,
  ...overrides,
});

describe('createMemoryEventLog', () => {
  it('answers queries newest first and forgets beyond its memory limit', () => {
    const log = createMemoryEventLog({ memoryLimit: 3 });
    for (let i = 0; i < 5; i++) log.append(ev(i));
    expect(log.query().map((e) => e.message)).toEqual(['refresh 4', 'refresh 3', 'refresh 2']);
  });

  it('redacts token-looking text just like the file log', () => {
    const log = createMemoryEventLog();
    log.append(ev(1, { message: 'got sk-ant-ort01-zzz', accountId: 'sk-ant-oops' }));
    expect(log.query()[0]).toMatchObject({ message: 'got [redacted]', accountId: '[redacted]' });
  });

  it('notifies subscribers and closes without doing anything', async () => {
    const log = createMemoryEventLog();
    const seen: EngineEvent[] = [];
    log.subscribe((e) => seen.push(e));
    log.append(ev(1));
    await expect(log.close()).resolves.toBeUndefined();
    expect(seen).toEqual([ev(1)]);
  });
});

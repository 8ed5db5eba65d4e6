import { describe, expect, test } from 'vitest';
import { COMMAND_NAMES, type Bridge } from '../../src-main/shared/contract.js';
import { ok } from '../../src-main/shared/result.js';
import type { FleetSnapshot } from '../../src-main/shared/view-model.js';
import { createBridge, fromPreload, toSocketUrl } from '../../src-renderer/lib/bridge.js';
import { FakeBridge, makeSnapshot, T0 } from './fixtures.js';

describe('bridge selection', () => {
  test('uses the Electron preload when the window has one', () => {
    const preload = new FakeBridge(makeSnapshot());
    const bridge = createBridge({ ccmax: preload } as unknown as Window);
    expect(bridge.transport).toBe('electron');
  });

  test('derives the socket address from the page origin', () => {
    expect(toSocketUrl({ protocol: 'http:', host: '127.0.0.1:4141' })).toBe('ws://127.0.0.1:4141/api/ws');
    expect(toSocketUrl({ protocol: 'https:', host: 'box.example:8443' })).toBe('wss://box.example:8443/api/ws');
  });

  test('the preload bridge forwards every contract command with its arguments', async () => {
    const preload = new FakeBridge(makeSnapshot());
    const bridge = fromPreload(preload as Bridge);
    for (const name of COMMAND_NAMES) await (bridge[name] as (a: unknown) => Promise<unknown>)({ probe: name });
    expect(preload.calls.map((c) => c.name)).toEqual([...COMMAND_NAMES]);
    expect(preload.calls.every((c) => (c.args as { probe: string }).probe === c.name)).toBe(true);
  });

  test('the preload bridge starts with the current snapshot unless a push comes first', async () => {
    const current = makeSnapshot();
    const preload = new FakeBridge(null);
    preload.results.getSnapshot = ok(current);
    const seen: FleetSnapshot[] = [];
    const off = fromPreload(preload as Bridge).onSnapshot((s) => seen.push(s));
    await Promise.resolve();
    await Promise.resolve();
    expect(seen).toEqual([current]);
    const pushed = makeSnapshot({ generatedAtMs: T0 + 1 });
    preload.push(pushed);
    expect(seen.at(-1)).toBe(pushed);
    off();
    preload.push(makeSnapshot());
    expect(seen).toHaveLength(2);
  });
});

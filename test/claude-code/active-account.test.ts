import { describe, expect, test } from 'vitest';
import { createActiveAccountCell } from '../../src-main/engine/claude-code/active-account.js';
import { createSignal } from '../../src-main/engine/signal.js';

describe('active account cell', () => {
  test('holds no account until one is set, then reads it back with how it was matched', () => {
    const cell = createActiveAccountCell();
    expect(cell.accountId()).toBeNull();
    expect(cell.current()).toBeNull();
    cell.set({ accountId: 'one', matchedBy: 'refresh-token' });
    expect(cell.accountId()).toBe('one');
    expect(cell.current()).toEqual({ accountId: 'one', matchedBy: 'refresh-token' });
    cell.set(null);
    expect(cell.accountId()).toBeNull();
  });
});

describe('signal', () => {
  test('calls its listeners in subscription order until they unsubscribe', () => {
    const signal = createSignal<string>();
    const seen: string[] = [];
    const offA = signal.on((v) => seen.push(`a:${v}`));
    signal.on((v) => seen.push(`b:${v}`));
    signal.emit('1');
    offA();
    signal.emit('2');
    expect(seen).toEqual(['a:1', 'b:1', 'b:2']);
  });
});

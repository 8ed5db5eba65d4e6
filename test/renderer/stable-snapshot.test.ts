import { describe, expect, test } from 'vitest';
import { jsonEqual, toStableSnapshot } from '../../src-renderer/lib/stable-snapshot.js';
import { makeSnapshot, T0 } from './fixtures.js';

describe('stable snapshots', () => {
  test('keeps the previous objects of unchanged rows, sessions and settings', () => {
    const first = makeSnapshot({
      sessions: [{ id: 's', host: 'h', cwd: '/c', state: { kind: 'idle' }, lastPulseAtMs: T0, accountId: null, loginOverrides: [] }],
    });
    const second = structuredClone(first);
    const changedRows = second.accounts.map((r) => (r.id === 'acct-c' ? { ...r, statusText: 'network error' } : r));
    const stable = toStableSnapshot(first, { ...second, accounts: changedRows, generatedAtMs: T0 + 1 });
    expect(stable.accounts[0]).toBe(first.accounts[0]);
    expect(stable.accounts[1]).not.toBe(first.accounts[1]);
    expect(stable.accounts[1]?.statusText).toBe('network error');
    expect(stable.accounts[2]).toBe(first.accounts[2]);
    expect(stable.sessions).toBe(first.sessions);
    expect(stable.settings).toBe(first.settings);
    expect(stable.generatedAtMs).toBe(T0 + 1);
  });

  test('follows a new order even when no row changed', () => {
    const first = makeSnapshot();
    const reordered = toStableSnapshot(first, { ...structuredClone(first), accounts: structuredClone([...first.accounts].reverse()) });
    expect(reordered.accounts.map((r) => r.id)).toEqual(['acct-a', 'acct-c', 'acct-b']);
    expect(reordered.accounts[0]).toBe(first.accounts[2]);
  });

  test('compares JSON values by content', () => {
    expect(jsonEqual({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({ a: 1 }, [1])).toBe(false);
  });
});

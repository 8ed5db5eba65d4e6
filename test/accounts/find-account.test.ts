import { describe, expect, it } from 'vitest';
import { findAccountByRef } from '../../src-main/engine/accounts/find-account.js';

const accounts = [
  { id: 'AAAA-1', email: 'me@example.com', label: 'work' },
  { id: 'bbbb-2', email: 'work@example.com', label: null },
  { id: 'cccc-3', email: 'alt@example.com', label: 'Spare' },
];

describe('findAccountByRef', () => {
  it.each([
    ['aaaa-1', 'AAAA-1'],
    ['  ME@example.com ', 'AAAA-1'],
    ['spare', 'cccc-3'],
  ])('finds %j', (ref, id) => {
    expect(findAccountByRef(accounts, ref)?.id).toBe(id);
  });

  it('prefers an id, then an email, over a label', () => {
    expect(findAccountByRef([...accounts, { id: 'work', email: 'x@example.com', label: null }], 'work')?.email).toBe('x@example.com');
    expect(findAccountByRef([{ id: 'd', email: 'spare', label: null }, ...accounts], 'spare')?.id).toBe('d');
  });

  it('finds nothing for an unknown or empty reference', () => {
    expect(findAccountByRef(accounts, 'nobody')).toBeNull();
    expect(findAccountByRef(accounts, '   ')).toBeNull();
  });
});

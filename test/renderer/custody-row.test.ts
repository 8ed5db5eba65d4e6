import { cleanup } from '@testing-library/svelte';
import { afterEach, describe, expect, test } from 'vitest';
import FleetTable from '../../src-renderer/components/FleetTable.svelte';
import { makeRow, makeSnapshot, renderDashboard, T0 } from './fixtures.js';

const MIN = 60_000;

afterEach(cleanup);

const custodyOf = (id: string): HTMLElement | null => document.querySelector<HTMLElement>(`tr[data-account-id="${id}"] [data-custody]`);

describe('fleet row: who changed Claude Code’s login last', () => {
  test('shows the last change with its age, and the fingerprints on hover', () => {
    const accounts = [
      makeRow({
        id: 'a',
        email: 'amy@example.com',
        active: true,
        custody: {
          kind: 'claude-refresh',
          atMs: T0 - 3 * MIN,
          text: 'refreshed by Claude Code',
          accessFp: 'a1b2c3d4',
          refreshFp: 'e5f6a7b8',
          foreign: false,
        },
      }),
      makeRow({ id: 'b', email: 'bob@example.com', order: 1, custody: null }),
    ];
    renderDashboard(FleetTable, { snapshot: makeSnapshot({ accounts }) });
    const cell = custodyOf('a');
    expect(cell?.dataset.custody).toBe('claude-refresh');
    expect(cell?.textContent?.replace(/\s+/g, ' ').trim()).toBe('login refreshed by Claude Code 3m ago');
    expect(cell?.title).toContain('token a1b2c3d4, refresh e5f6a7b8');
    expect(cell?.classList.contains('foreign')).toBe(false);
    expect(custodyOf('b')).toBeNull();
  });

  test('marks a write by another tool and says what to do', () => {
    const accounts = [
      makeRow({
        id: 'a',
        custody: {
          kind: 'unknown-writer',
          atMs: T0 - MIN,
          text: 'older login put back by another tool',
          accessFp: '0badf00d',
          refreshFp: 'deadbeef',
          foreign: true,
        },
      }),
    ];
    renderDashboard(FleetTable, { snapshot: makeSnapshot({ accounts }) });
    const cell = custodyOf('a');
    expect(cell?.classList.contains('foreign')).toBe(true);
    expect(cell?.textContent).toContain('⚠');
    expect(cell?.title).toContain('close other switchers');
  });
});

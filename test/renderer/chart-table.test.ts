import { cleanup, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, test } from 'vitest';
import ChartTable from '../../src-renderer/components/history/ChartTable.svelte';

afterEach(() => cleanup());

describe('ChartTable (the table fallback both history charts share)', () => {
  test('renders the caption, column headers, each row with its data attributes, in the order given', () => {
    render(ChartTable, {
      caption: 'alex: readings (newest first)',
      columns: ['Time', '7-day'],
      rows: [
        { key: 2, attrs: { 'data-at-ms': 2000 }, cells: ['Dec 5, 10:00', '70 %'] },
        { key: 1, attrs: { 'data-at-ms': 1000 }, cells: ['Dec 5, 09:00', '65 %'] },
      ],
      empty: 'None in this period.',
    });
    const table = screen.getByRole('table', { name: 'alex: readings (newest first)' });
    expect([...table.querySelectorAll('thead th')].map((th) => [th.textContent, th.getAttribute('scope')])).toEqual([
      ['Time', 'col'],
      ['7-day', 'col'],
    ]);
    const rows = [...table.querySelectorAll('tbody tr')];
    expect(rows.map((tr) => tr.getAttribute('data-at-ms'))).toEqual(['2000', '1000']);
    expect(rows.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent))).toEqual([
      ['Dec 5, 10:00', '70 %'],
      ['Dec 5, 09:00', '65 %'],
    ]);
    expect(table.textContent).not.toContain('None in this period.');
  });

  test('says so across every column when there are no rows, and shows an empty body without a message', () => {
    const { unmount } = render(ChartTable, {
      caption: 'events',
      columns: ['Time', 'Event', 'Detail'],
      rows: [],
      empty: 'None in this period.',
    });
    const cell = screen.getByRole('table').querySelector('tbody td');
    expect(cell?.textContent).toBe('None in this period.');
    expect(cell?.getAttribute('colspan')).toBe('3');
    unmount();
    render(ChartTable, { caption: 'fleet', columns: ['Time'], rows: [] });
    expect(screen.getByRole('table').querySelectorAll('tbody tr')).toHaveLength(0);
  });
});

import { cleanup, screen, within } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { afterEach, describe, expect, test } from 'vitest';
import FleetTable from '../../src-renderer/components/FleetTable.svelte';
import { makeRow, makeSnapshot, renderDashboard, T0 } from './fixtures.js';

const MIN = 60_000;

afterEach(cleanup);

function rows(): HTMLElement[] {
  return [...document.querySelectorAll<HTMLElement>('tbody tr[data-account-id]')];
}

function rowOf(id: string): HTMLElement {
  const row = document.querySelector<HTMLElement>(`tr[data-account-id="${id}"]`);
  if (!row) throw new Error(`no row for ${id}`);
  return row;
}

describe('fleet table', () => {
  test('lists the accounts in the order the snapshot gives, without re-sorting', () => {
    // Deliberately not alphabetical and not by usage: the engine's order is the truth.
    const accounts = [
      makeRow({ id: 'z', email: 'zed@example.com', order: 0, active: true }),
      makeRow({ id: 'a', email: 'amy@example.com', order: 1, sevenDay: { utilizationPct: 1, resetsAtMs: T0 + MIN } }),
      makeRow({ id: 'm', email: 'max@example.com', order: 2 }),
    ];
    renderDashboard(FleetTable, { snapshot: makeSnapshot({ accounts }) });
    expect(rows().map((r) => r.dataset.accountId)).toEqual(['z', 'a', 'm']);
  });

  test('marks the active row with ▶ and the next one in line with "next"', () => {
    renderDashboard(FleetTable);
    expect(within(rowOf('acct-b')).getByText('▶')).toBeTruthy();
    expect(rowOf('acct-b').getAttribute('aria-current')).toBe('true');
    expect(within(rowOf('acct-c')).getByText('next')).toBeTruthy();
    expect(within(rowOf('acct-a')).queryByText('next')).toBeNull();
    expect(rows().filter((r) => r.textContent?.includes('▶'))).toHaveLength(1);
  });

  test('skips an account over the 5-hour threshold when choosing the next in line', () => {
    const accounts = [
      makeRow({ id: 'act', email: 'act@example.com', active: true }),
      makeRow({ id: 'hot', email: 'hot@example.com', order: 1, fiveHour: { utilizationPct: 85, resetsAtMs: T0 + 60 * MIN } }),
      makeRow({ id: 'cool', email: 'cool@example.com', order: 2 }),
    ];
    renderDashboard(FleetTable, { snapshot: makeSnapshot({ accounts }) });
    expect(within(rowOf('cool')).getByText('next')).toBeTruthy();
    expect(within(rowOf('hot')).queryByText('next')).toBeNull();
  });

  test('shows 0 % and 100 % with their levels and bar widths', () => {
    const accounts = [
      makeRow({ id: 'empty', sevenDay: { utilizationPct: 0, resetsAtMs: T0 + 60 * MIN }, active: true }),
      makeRow({
        id: 'full',
        email: 'full@example.com',
        orderGroup: 'exhausted',
        sevenDay: { utilizationPct: 100, resetsAtMs: T0 + 90 * MIN },
      }),
    ];
    renderDashboard(FleetTable, { snapshot: makeSnapshot({ accounts }) });
    const [emptyCell] = rowOf('empty').querySelectorAll<HTMLElement>('td.usage');
    const [fullCell] = rowOf('full').querySelectorAll<HTMLElement>('td.usage');
    expect(emptyCell?.textContent).toContain('0%');
    expect(emptyCell?.dataset.level).toBe('ok');
    expect(emptyCell?.querySelector<HTMLElement>('.fill')?.style.width).toBe('0%');
    expect(fullCell?.textContent).toContain('100%');
    expect(fullCell?.dataset.level).toBe('exhausted');
    expect(fullCell?.querySelector<HTMLElement>('.fill')?.style.width).toBe('100%');
  });

  test('shows reset countdowns, and a dash when no 5-hour window is open', () => {
    const row = makeRow({ active: true, fiveHour: { utilizationPct: 0, resetsAtMs: null } });
    renderDashboard(FleetTable, { snapshot: makeSnapshot({ accounts: [row] }) });
    const times = [...rowOf('acct-1').querySelectorAll('td.usage .countdown')].map((el) => el.textContent?.trim());
    expect(times).toEqual(['3d 9h', '—']);
  });

  test('shows each token health in words with the fingerprint and the refresh path tag', () => {
    const health = ['healthy', 'expiring', 'refreshing', 'expired-exhausted', 'needs-login'] as const;
    const accounts = health.map((h, i) =>
      makeRow({
        id: h,
        email: `${h}@example.com`,
        order: i,
        active: i === 0,
        token: { fingerprint: `fp${i}`, health: h, expiresAtMs: T0 + MIN, refreshedAtMs: T0 - 5 * MIN, refreshPath: 'claude' },
      }),
    );
    renderDashboard(FleetTable, { snapshot: makeSnapshot({ accounts }) });
    const tokenText = (id: string) => rowOf(id).querySelector('.token')?.textContent?.replace(/\s+/g, ' ').trim();
    expect(tokenText('healthy')).toBe('token fp0');
    expect(tokenText('expiring')).toBe('token fp1 expiring');
    expect(tokenText('refreshing')).toBe('token fp2 refreshing…');
    expect(tokenText('expired-exhausted')).toBe('token fp3 expired (7d exhausted)');
    expect(tokenText('needs-login')).toBe('token fp4 needs login');
    expect(rowOf('needs-login').querySelector('.token')?.getAttribute('title')).toMatch(/log in/i);
    expect(rowOf('healthy').querySelector('.refreshed')?.textContent).toMatch(/refreshed 5m ago\s*\[claude\]/);
    expect(rowOf('healthy').querySelector('.expires')?.textContent).toBe('expires in 1m');
  });

  test('marks stale figures with their age and leaves fresh ones unmarked', () => {
    const accounts = [
      makeRow({ id: 'fresh', active: true }),
      makeRow({ id: 'old', email: 'old@example.com', order: 1, stale: true, usageReadAtMs: T0 - 42 * MIN }),
    ];
    renderDashboard(FleetTable, { snapshot: makeSnapshot({ accounts }) });
    expect(rowOf('fresh').querySelectorAll('[data-testid="stale-age"]')).toHaveLength(0);
    const ages = [...rowOf('old').querySelectorAll('[data-testid="stale-age"]')].map((e) => e.textContent);
    expect(ages).toEqual(['42m old', '42m old']);
    expect(rowOf('old').querySelector('td.usage')?.classList.contains('stale')).toBe(true);
  });

  test('shows the status text exactly as the snapshot gives it', () => {
    const row = makeRow({
      active: true,
      status: { kind: 'rate-limited', retryAtMs: T0 + 12 * MIN },
      statusText: 'rate-limited, retry in 12m',
    });
    renderDashboard(FleetTable, { snapshot: makeSnapshot({ accounts: [row] }) });
    expect(rowOf('acct-1').querySelector('td.status')?.textContent?.trim()).toBe('rate-limited, retry in 12m');
  });

  test('shows a very long email whole, never truncated', () => {
    const email = `${'a-very-long-mailbox-name-'.repeat(8)}@an-equally-long-domain.example.com`;
    renderDashboard(FleetTable, { snapshot: makeSnapshot({ accounts: [makeRow({ email, label: 'work', active: true })] }) });
    const cell = rowOf('acct-1').querySelector<HTMLElement>('.email');
    expect(cell?.getAttribute('title')).toBe(email);
    expect(cell?.textContent).toBe(email);
    expect(screen.getByText('work')).toBeTruthy();
  });

  test('says a used-up week and a 5-hour step-aside in words, with when each comes back', () => {
    const accounts = [
      makeRow({ id: 'act', email: 'act@example.com', active: true }),
      makeRow({ id: 'hot', email: 'hot@example.com', order: 1, fiveHour: { utilizationPct: 85, resetsAtMs: T0 + 70 * MIN } }),
      makeRow({
        id: 'spent',
        email: 'spent@example.com',
        order: 2,
        orderGroup: 'exhausted',
        sevenDay: { utilizationPct: 100, resetsAtMs: T0 + 2 * 24 * 60 * MIN + 4 * 60 * MIN },
      }),
    ];
    renderDashboard(FleetTable, { snapshot: makeSnapshot({ accounts }) });
    const status = (id: string) => rowOf(id).querySelector('td.status')?.textContent?.trim();
    expect(status('act')).toBe('ok');
    expect(status('hot')).toBe('stepped aside (5h ≥ 80%), back in 1h 10m');
    expect(status('spent')).toBe('week used up, back in 2d 4h');
  });

  test('tells the user how to add an account when the fleet is empty', () => {
    renderDashboard(FleetTable, { snapshot: makeSnapshot({ accounts: [], activeAccountId: null }) });
    const empty = screen.getByTestId('empty-fleet');
    expect(empty.textContent).toMatch(/import the login Claude Code holds now/);
    expect(empty.textContent).toContain('ccmax-monitor accounts import');
    expect(document.querySelector('table')).toBeNull();
  });

  test('updates figures in place when a new snapshot arrives', () => {
    const { bridge } = renderDashboard(FleetTable);
    const before = rowOf('acct-c');
    const next = makeSnapshot();
    const accounts = next.accounts.map((r) => (r.id === 'acct-c' ? { ...r, sevenDay: { ...r.sevenDay, utilizationPct: 77 } } : r));
    flushSync(() => bridge.push({ ...next, accounts }));
    expect(rowOf('acct-c')).toBe(before); // keyed: the row element is reused, not rebuilt
    expect(rowOf('acct-c').querySelector('td.usage')?.textContent).toContain('77%');
  });
});

import { cleanup, fireEvent, screen, within } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { afterEach, describe, expect, test } from 'vitest';
import FleetTable from '../../src-renderer/components/FleetTable.svelte';
import StatusBanners from '../../src-renderer/components/StatusBanners.svelte';
import { err } from '../../src-main/shared/result.js';
import { FakeBridge, makeSnapshot, renderDashboard } from './fixtures.js';

afterEach(cleanup);

function row(id: string): HTMLElement {
  const el = document.querySelector<HTMLElement>(`tr[data-account-id="${id}"]`);
  if (!el) throw new Error(`no row ${id}`);
  return el;
}

async function openMore(id: string): Promise<HTMLElement> {
  await fireEvent.click(within(row(id)).getByRole('button', { name: /^More actions for/ }));
  return within(row(id)).findByRole('menu');
}

describe('row actions', () => {
  test('switch calls switchTo with the row id and is disabled on the active row', async () => {
    const { bridge } = renderDashboard(FleetTable);
    expect(
      within(row('acct-b'))
        .getByRole('button', { name: /Switch to/ })
        .hasAttribute('disabled'),
    ).toBe(true);
    await fireEvent.click(within(row('acct-c')).getByRole('button', { name: 'Switch to casey@example.com' }));
    expect(bridge.callsOf('switchTo')).toEqual([{ accountId: 'acct-c' }]);
  });

  test('refresh and disable call the bridge for that account only', async () => {
    const { bridge } = renderDashboard(FleetTable);
    await fireEvent.click(within(await openMore('acct-a')).getByRole('menuitem', { name: 'Refresh' }));
    await fireEvent.click(within(await openMore('acct-a')).getByRole('menuitem', { name: 'Disable' }));
    expect(bridge.callsOf('refreshNow')).toEqual([{ accountId: 'acct-a' }]);
    expect(bridge.callsOf('setEnabled')).toEqual([{ accountId: 'acct-a', enabled: false }]);
  });

  test('offers enable on a disabled account', async () => {
    const snapshot = makeSnapshot();
    const accounts = snapshot.accounts.map((r) => (r.id === 'acct-a' ? { ...r, enabled: false, orderGroup: 'unusable' as const } : r));
    const { bridge } = renderDashboard(FleetTable, { snapshot: { ...snapshot, accounts } });
    await fireEvent.click(within(await openMore('acct-a')).getByRole('menuitem', { name: 'Enable' }));
    expect(bridge.callsOf('setEnabled')).toEqual([{ accountId: 'acct-a', enabled: true }]);
  });

  test('removes an account only after the confirm dialog, which opens on Cancel', async () => {
    const { bridge } = renderDashboard(FleetTable);
    await fireEvent.click(within(await openMore('acct-c')).getByRole('menuitem', { name: 'Remove…' }));
    const dialog = screen.getByRole('dialog', { name: 'Remove casey@example.com?' });
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(bridge.callsOf('removeAccount')).toEqual([]);
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Remove' }));
    expect(bridge.callsOf('removeAccount')).toEqual([{ accountId: 'acct-c' }]);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  test('cancel and Escape close the confirm dialog without removing anything', async () => {
    const { bridge } = renderDashboard(FleetTable);
    await fireEvent.click(within(await openMore('acct-c')).getByRole('menuitem', { name: 'Remove…' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    await fireEvent.click(within(await openMore('acct-c')).getByRole('menuitem', { name: 'Remove…' }));
    await fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(bridge.callsOf('removeAccount')).toEqual([]);
  });

  test('keeps Tab inside the dialog', async () => {
    renderDashboard(FleetTable);
    await fireEvent.click(within(await openMore('acct-c')).getByRole('menuitem', { name: 'Remove…' }));
    const dialog = screen.getByRole('dialog');
    const [cancel, remove] = within(dialog).getAllByRole('button');
    remove?.focus();
    await fireEvent.keyDown(dialog, { key: 'Tab' });
    expect(document.activeElement).toBe(cancel);
    await fireEvent.keyDown(dialog, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(remove);
  });

  test('labels an account through the label dialog, trimming the text', async () => {
    const { bridge } = renderDashboard(FleetTable);
    await fireEvent.click(within(await openMore('acct-c')).getByRole('menuitem', { name: 'Label…' }));
    const input = screen.getByLabelText(/Label \(shown next to the email/);
    expect(document.activeElement).toBe(input);
    await fireEvent.input(input, { target: { value: '  work  ' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(bridge.callsOf('setLabel')).toEqual([{ accountId: 'acct-c', label: 'work' }]);
  });

  test('the menu closes on Escape and gives the focus back to its button', async () => {
    renderDashboard(FleetTable);
    const menu = await openMore('acct-c');
    const trigger = within(row('acct-c')).getByRole('button', { name: /^More actions for/ });
    expect(trigger.getAttribute('aria-expanded')).toBe('true');
    expect(document.activeElement?.textContent).toBe('Refresh');
    await fireEvent.keyDown(menu, { key: 'ArrowDown' });
    expect(document.activeElement?.textContent).toBe('Label…');
    await fireEvent.keyDown(menu, { key: 'Escape' });
    expect(trigger.getAttribute('aria-expanded')).toBe('false');
    expect(within(row('acct-c')).queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(trigger);
  });

  test('switching to an account over the 5-hour threshold asks first and says why', async () => {
    const snapshot = makeSnapshot();
    const accounts = snapshot.accounts.map((r) => (r.id === 'acct-c' ? { ...r, fiveHour: { utilizationPct: 88, resetsAtMs: null } } : r));
    const { bridge } = renderDashboard(FleetTable, { snapshot: { ...snapshot, accounts } });
    await fireEvent.click(within(row('acct-c')).getByRole('button', { name: /Switch to/ }));
    const dialog = screen.getByRole('dialog', { name: 'Switch to casey@example.com anyway?' });
    expect(dialog.textContent).toContain('5-hour usage is 88%, over the 80% threshold');
    expect(bridge.callsOf('switchTo')).toEqual([]);
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Switch anyway' }));
    expect(bridge.callsOf('switchTo')).toEqual([{ accountId: 'acct-c' }]);
  });

  test('a pinned row says so and unpins with one click', async () => {
    const snapshot = makeSnapshot();
    const rotation = { pinnedAccountId: 'acct-b', pendingSwitch: null, allExhausted: null, lastDecision: null, guardHold: null };
    const { bridge } = renderDashboard(FleetTable, { snapshot: { ...snapshot, rotation } });
    expect(within(row('acct-b')).getByTestId('pinned-tag').textContent).toBe('pinned');
    expect(within(row('acct-c')).queryByTestId('pinned-tag')).toBeNull();
    await fireEvent.click(within(row('acct-b')).getByRole('button', { name: /^Unpin/ }));
    expect(bridge.callsOf('switchTo')).toEqual([{ accountId: null }]);
  });

  test('the switching notice clears itself once the switch happened', async () => {
    const { bridge, fleet } = renderDashboard(FleetTable);
    await fireEvent.click(within(row('acct-c')).getByRole('button', { name: /Switch to/ }));
    await Promise.resolve();
    expect(fleet.notice?.text).toMatch(/^Switching to casey@example.com/);
    const next = makeSnapshot();
    const accounts = next.accounts.map((r) => ({ ...r, active: r.id === 'acct-c' }));
    flushSync(() => bridge.push({ ...next, accounts, activeAccountId: 'acct-c' }));
    expect(fleet.notice).toBeNull();
  });

  test('shows a failed command in the notice line in the engine’s words', async () => {
    const bridge = new FakeBridge(makeSnapshot());
    bridge.results.switchTo = err({ code: 'unusable', message: 'Switching arrives with the rotation feature.' });
    const { fleet } = renderDashboard(FleetTable, { bridge });
    renderDashboard(StatusBanners, { bridge });
    await fireEvent.click(within(row('acct-c')).getByRole('button', { name: /Switch to/ }));
    await Promise.resolve();
    flushSync();
    expect(fleet.notice).toEqual({ kind: 'error', text: 'Switching arrives with the rotation feature.' });
  });
});

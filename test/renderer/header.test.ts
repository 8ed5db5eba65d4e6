import { cleanup, fireEvent, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import App from '../../src-renderer/App.svelte';
import { FleetState } from '../../src-renderer/lib/fleet-state.svelte.js';
import { ThemeState } from '../../src-renderer/lib/theme.svelte.js';
import { Ticker } from '../../src-renderer/lib/ticker.svelte.js';
import { render } from '@testing-library/svelte';
import { FakeBridge, makeSnapshot, T0 } from './fixtures.js';

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem'> & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

function renderApp(bridge: FakeBridge, clock = { nowMs: T0 }) {
  const fleet = new FleetState(bridge, new Ticker({ now: () => clock.nowMs }));
  const theme = new ThemeState(memoryStorage());
  render(App, { props: { fleet, theme } });
  return { fleet, theme, clock };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('header and banners', () => {
  test('shows the product version, the active account with ▶ and the last switch with its trigger', () => {
    renderApp(new FakeBridge(makeSnapshot()));
    expect(screen.getByText('v9.9.9-test')).toBeTruthy();
    expect(screen.getByTestId('active-account').textContent).toMatch(/▶\s*blake@example\.com/);
    expect(screen.getByTestId('last-switch').textContent).toContain('(perishable)');
    expect(screen.getByTestId('last-poll').textContent).toContain('1m ago');
  });

  test('ticks the next-refresh countdown every second from one shared clock', () => {
    const { clock } = renderApp(new FakeBridge(makeSnapshot()));
    expect(screen.getByTestId('next-refresh').textContent).toBe('3m 07s');
    clock.nowMs += 1_000;
    flushSync(() => vi.advanceTimersByTime(1_000));
    expect(screen.getByTestId('next-refresh').textContent).toBe('3m 06s');
    clock.nowMs += 5_000;
    flushSync(() => vi.advanceTimersByTime(5_000));
    expect(screen.getByTestId('next-refresh').textContent).toBe('3m 01s');
  });

  test('shows the DEMO banner only for a demo snapshot', () => {
    renderApp(new FakeBridge(makeSnapshot({ demo: true })));
    expect(screen.getByTestId('demo-banner').textContent).toMatch(/simulated fleet/);
    cleanup();
    renderApp(new FakeBridge(makeSnapshot({ demo: false })));
    expect(screen.queryByTestId('demo-banner')).toBeNull();
  });

  test('flags a file vault as a warning and names the keychain otherwise', () => {
    renderApp(new FakeBridge(makeSnapshot({ vault: { kind: 'file', location: '/data/vault.json' } })));
    expect(screen.getByText(/file \(not the keychain\)/)).toBeTruthy();
    expect(screen.getByTestId('vault-note').classList.contains('warn')).toBe(true);
    cleanup();
    renderApp(new FakeBridge(makeSnapshot()));
    expect(screen.getByText('OS keychain')).toBeTruthy();
  });

  test('says it is reconnecting while the link is down and clears it when back', () => {
    const bridge = new FakeBridge(makeSnapshot());
    renderApp(bridge);
    expect(screen.queryByTestId('connection-banner')).toBeNull();
    flushSync(() => bridge.setConnection('reconnecting'));
    expect(screen.getByTestId('connection-banner').textContent).toMatch(/reconnecting…/);
    flushSync(() => bridge.setConnection('open'));
    expect(screen.queryByTestId('connection-banner')).toBeNull();
  });

  test('waits for the first snapshot before drawing the fleet', () => {
    const bridge = new FakeBridge(null);
    renderApp(bridge);
    expect(screen.getByText(/Waiting for the first reading/)).toBeTruthy();
    flushSync(() => bridge.push(makeSnapshot()));
    expect(document.querySelectorAll('tr[data-account-id]')).toHaveLength(3);
  });

  test('refresh and pause buttons call the bridge', async () => {
    const bridge = new FakeBridge(makeSnapshot());
    renderApp(bridge);
    await fireEvent.click(screen.getByRole('button', { name: 'Refresh now' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Pause rotation' }));
    expect(bridge.callsOf('refreshNow')).toEqual([{}]);
    expect(bridge.callsOf('pauseRotation')).toEqual([{}]);
  });

  test('cycles the theme and keeps the choice on <html>', async () => {
    const { theme } = renderApp(new FakeBridge(makeSnapshot()));
    await fireEvent.click(screen.getByRole('button', { name: /Theme: system/ }));
    expect(theme.choice).toBe('light');
    flushSync();
    expect(document.documentElement.dataset.theme).toBe('light');
    await fireEvent.click(screen.getByRole('button', { name: /Theme: light/ }));
    flushSync();
    expect(document.documentElement.dataset.theme).toBe('dark');
  });
});

/**
 * The Machines panel (issue 13 item 5): hidden for a one-machine monitor; per machine its host,
 * connected or last seen, agent version, the login it holds (account, generation, fingerprint;
 * "behind" when older than the current generation), its live sessions, lag, the out-of-reach
 * notice; Revoke asks first and goes through the bridge. The Sessions panel names a relayed
 * session's machine. No token ever reaches the renderer: the snapshot carries fingerprints only.
 */
import { cleanup, fireEvent, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, test } from 'vitest';
import MachinesPanel from '../../src-renderer/components/MachinesPanel.svelte';
import SessionsPanel from '../../src-renderer/components/SessionsPanel.svelte';
import type { MachineView } from '../../src-main/shared/machines-view.js';
import type { SessionView } from '../../src-main/shared/view-model.js';
import { err } from '../../src-main/shared/result.js';
import { makeSnapshot, renderDashboard, T0 } from './fixtures.js';

afterEach(cleanup);

const HOUR = 3_600_000;

const machine = (overrides: Partial<MachineView>): MachineView => ({
  id: 'm-1',
  host: 'build-server',
  agentVersion: '0.1.0',
  connected: true,
  lastSeenMs: T0,
  held: { accountId: 'acct-b', generation: 12, fingerprint: '3fa9c2d1' },
  heldExpiresAtMs: null,
  currentGeneration: 12,
  lagging: false,
  lagMs: 0,
  revoked: false,
  ...overrides,
});

const MACHINES: MachineView[] = [
  machine({}),
  machine({
    id: 'm-2',
    host: 'laptop',
    held: { accountId: 'acct-b', generation: 11, fingerprint: '0badf00d' },
    lagging: true,
    lagMs: 4_200,
  }),
  machine({
    id: 'm-3',
    host: 'old-desktop',
    connected: false,
    lastSeenMs: T0 - 9 * HOUR,
    held: { accountId: 'acct-c', generation: 4, fingerprint: 'c0ffee00' },
  }),
];

const session = (id: string, machineId?: string): SessionView => ({
  id,
  host: 'devbox',
  cwd: '/home/me/src/app',
  state: { kind: 'idle' },
  lastPulseAtMs: T0,
  accountId: 'acct-b',
  loginOverrides: [],
  ...(machineId ? { machineId } : {}),
});

const SESSIONS = [session('s-remote-1', 'm-1'), session('s-remote-2', 'm-1'), session('s-local')];

function card(id: string): HTMLElement {
  const li = document.querySelector<HTMLElement>(`li[data-machine-id="${id}"]`);
  if (!li) throw new Error(`no machine ${id}`);
  return li;
}

describe('machines panel', () => {
  test('is not shown on a monitor that never had machines', () => {
    renderDashboard(MachinesPanel, { snapshot: makeSnapshot() });
    expect(screen.queryByTestId('machines-panel')).toBeNull();
    cleanup();
    renderDashboard(MachinesPanel, { snapshot: makeSnapshot({ machines: [] }) });
    expect(screen.queryByTestId('machines-panel')).toBeNull();
  });

  test('shows each machine: host, state, agent, the login it holds, behind, live sessions, lag', () => {
    renderDashboard(MachinesPanel, { snapshot: makeSnapshot({ machines: MACHINES, sessions: SESSIONS, activeSessionCount: 3 }) });
    expect(screen.getByRole('heading', { name: /Machines/ }).textContent).toContain('(2 of 3 connected)');
    const up = within(card('m-1'));
    expect(up.getByText('build-server')).toBeTruthy();
    expect(up.getByTestId('machine-state').textContent).toBe('connected');
    expect(up.getByText('agent 0.1.0')).toBeTruthy();
    expect(up.getByTestId('machine-holds').textContent).toBe('holds blake@example.com · gen 12');
    expect(up.getByText('3fa9c2d1')).toBeTruthy();
    expect(up.queryByTestId('machine-behind')).toBeNull();
    expect(up.getByTestId('machine-sessions').textContent).toBe('2 live sessions');
    const lagging = within(card('m-2'));
    expect(lagging.getByTestId('machine-state').textContent).toBe('lagging');
    expect(lagging.getByTestId('machine-behind').textContent).toBe('behind: gen 12 is current');
    expect(lagging.getByTestId('machine-lag').textContent).toBe('push waiting 4s');
    expect(lagging.getByTestId('machine-sessions').textContent).toBe('0 live sessions');
  });

  test('a machine away longer than its login lasts says so on its row', () => {
    renderDashboard(MachinesPanel, { snapshot: makeSnapshot({ machines: MACHINES }) });
    const away = within(card('m-3'));
    expect(away.getByTestId('machine-state').textContent).toBe('out of reach · last seen 9h 0m ago');
    expect(away.getByTestId('machine-out-of-reach').textContent).toContain('Its login ran out 1h 0m ago while it was away');
    expect(card('m-3').className).toContain('state-out-of-reach');
    // Away for less than a login lifetime: only last seen.
    cleanup();
    renderDashboard(MachinesPanel, { snapshot: makeSnapshot({ machines: [machine({ connected: false, lastSeenMs: T0 - 2 * HOUR })] }) });
    expect(screen.getByTestId('machine-state').textContent).toBe('last seen 2h 0m ago');
    expect(screen.queryByTestId('machine-out-of-reach')).toBeNull();
  });

  test('Revoke asks first (Cancel has the focus), then sends revokeMachine through the bridge', async () => {
    const { bridge } = renderDashboard(MachinesPanel, { snapshot: makeSnapshot({ machines: MACHINES }) });
    await fireEvent.click(screen.getByRole('button', { name: 'Revoke laptop' }));
    const dialog = screen.getByRole('dialog');
    expect(within(dialog).getByText('Revoke laptop?')).toBeTruthy();
    expect(document.activeElement?.textContent).toBe('Cancel');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(bridge.callsOf('revokeMachine')).toEqual([]);
    await fireEvent.click(screen.getByRole('button', { name: 'Revoke laptop' }));
    await fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke' }));
    expect(bridge.callsOf('revokeMachine')).toEqual([{ machineId: 'm-2' }]);
  });

  test('a refused revoke shows the error in the notice line; a revoked machine offers no Revoke', async () => {
    const bridge = renderDashboard(MachinesPanel, { snapshot: makeSnapshot({ machines: MACHINES }) });
    bridge.bridge.results.revokeMachine = err({ code: 'not-found', message: 'No machine with id m-1 has connected to this hub.' });
    await fireEvent.click(screen.getByRole('button', { name: 'Revoke build-server' }));
    await fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke' }));
    await Promise.resolve();
    expect(bridge.fleet.notice?.text).toBe('No machine with id m-1 has connected to this hub.');
    cleanup();
    renderDashboard(MachinesPanel, { snapshot: makeSnapshot({ machines: [machine({ revoked: true, connected: false })] }) });
    expect(screen.getByTestId('machine-state').textContent).toBe('revoked');
    expect(screen.queryByRole('button', { name: /Revoke/ })).toBeNull();
  });
});

describe('sessions name their machine', () => {
  test('a relayed session shows the machine’s host and "agent"; a local one its own host', () => {
    renderDashboard(SessionsPanel, { snapshot: makeSnapshot({ machines: MACHINES, sessions: SESSIONS, activeSessionCount: 3 }) });
    const host = (id: string) => document.querySelector(`tr[data-session-id="${id}"] td`);
    expect(host('s-remote-1')?.textContent?.replace(/\s+/g, ' ').trim()).toBe('build-server agent');
    expect(host('s-remote-1')?.getAttribute('title')).toBe('On build-server, relayed by its agent');
    expect(host('s-local')?.textContent?.trim()).toBe('devbox');
  });
});

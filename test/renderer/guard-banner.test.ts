import { cleanup, fireEvent, screen } from '@testing-library/svelte';
import { err } from '../../src-main/shared/result.js';
import { afterEach, describe, expect, test } from 'vitest';
import StatusBanners from '../../src-renderer/components/StatusBanners.svelte';
import type { FleetSnapshot } from '../../src-main/shared/view-model.js';
import { makeSnapshot, renderDashboard, T0 } from './fixtures.js';

afterEach(() => cleanup());

const guardOn: FleetSnapshot['sessionOwnerGuard'] = { on: true, configs: [{ path: '/home/dev/.claude.json', state: 'on' }] };
const rotation = { pinnedAccountId: null, pendingSwitch: null, allExhausted: null, lastDecision: null, guardHold: null };

describe('session-owner guard banner', () => {
  test('is absent while the guard is off', () => {
    renderDashboard(StatusBanners, { snapshot: makeSnapshot() });
    expect(screen.queryByTestId('guard-banner')).toBeNull();
  });

  test('says the guard is on and that switches wait for idle sessions', () => {
    renderDashboard(StatusBanners, { snapshot: makeSnapshot({ sessionOwnerGuard: guardOn, rotation }) });
    const banner = screen.getByTestId('guard-banner');
    expect(banner.textContent).toContain("Claude Code's session-owner guard is on.");
    expect(banner.textContent).toContain('switches wait until no session is running');
  });

  test('names the held switch and how many sessions it waits for', () => {
    const guardHold = { toId: 'acct-c', trigger: 'breach', sinceMs: T0 - 60_000, sessionCount: 2 };
    renderDashboard(StatusBanners, { snapshot: makeSnapshot({ sessionOwnerGuard: guardOn, rotation: { ...rotation, guardHold } }) });
    const banner = screen.getByTestId('guard-banner');
    expect(banner.textContent).toContain('The switch to casey@example.com is held while 2 Claude Code sessions run.');
  });
});

describe('switch now', () => {
  test('the held banner offers "Switch now", which sends switchNow and says what to do next', async () => {
    const guardHold = { toId: 'acct-c', trigger: 'breach', sinceMs: T0 - 60_000, sessionCount: 1 };
    const { bridge, fleet } = renderDashboard(StatusBanners, {
      snapshot: makeSnapshot({ sessionOwnerGuard: guardOn, rotation: { ...rotation, guardHold } }),
    });
    await fireEvent.click(screen.getByTestId('switch-now'));
    await Promise.resolve();
    expect(bridge.calls.map((c) => c.name)).toEqual(['switchNow']);
    expect(fleet.notice?.text).toContain('answer "This session belongs to another account"');
  });

  test('is not offered while no switch is held', () => {
    renderDashboard(StatusBanners, { snapshot: makeSnapshot({ sessionOwnerGuard: guardOn, rotation }) });
    expect(screen.queryByTestId('switch-now')).toBeNull();
  });

  test('a refusal shows in the notice line in the engine’s words', async () => {
    const guardHold = { toId: 'acct-c', trigger: 'breach', sinceMs: T0 - 60_000, sessionCount: 1 };
    const { bridge, fleet } = renderDashboard(StatusBanners, {
      snapshot: makeSnapshot({ sessionOwnerGuard: guardOn, rotation: { ...rotation, guardHold } }),
    });
    bridge.results.switchNow = err({ code: 'nothing-held', message: 'No switch is held.' });
    await fireEvent.click(screen.getByTestId('switch-now'));
    await Promise.resolve();
    await Promise.resolve();
    expect(fleet.notice).toEqual({ kind: 'error', text: 'No switch is held.' });
  });
});

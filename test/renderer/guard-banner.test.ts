import { cleanup, screen } from '@testing-library/svelte';
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

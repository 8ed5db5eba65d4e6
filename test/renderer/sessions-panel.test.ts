import { cleanup, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { afterEach, describe, expect, test, vi } from 'vitest';
import SessionsPanel from '../../src-renderer/components/SessionsPanel.svelte';
import { makeSnapshot, renderDashboard, T0 } from './fixtures.js';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const session = {
  id: '7f3a9c21-aaaa-bbbb-cccc-1234567890ab',
  host: 'devbox',
  cwd: '/home/me/src/ccmax-monitor',
  state: { kind: 'tool', toolName: 'Bash', sinceMs: T0 - 45_000 },
  lastPulseAtMs: T0 - 12_000,
  accountId: 'acct-b',
  loginOverrides: [],
} as const;

describe('live sessions panel', () => {
  test('shows host, project, short id, state with elapsed time, heartbeat age and account', () => {
    renderDashboard(SessionsPanel, { snapshot: makeSnapshot({ sessions: [session], activeSessionCount: 1 }) });
    const cells = [...document.querySelectorAll(`tr[data-session-id="${session.id}"] td`)].map((td) => td.textContent?.trim());
    expect(cells).toEqual(['devbox', 'ccmax-monitor', '7f3a9c21', 'tool: Bash 45s', '12s ago', 'blake@example.com']);
  });

  test('ticks elapsed times and heartbeat ages', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { clock } = renderDashboard(SessionsPanel, { snapshot: makeSnapshot({ sessions: [session], activeSessionCount: 1 }) });
    clock.nowMs += 3_000;
    flushSync(() => vi.advanceTimersByTime(1_000));
    expect(document.querySelector('td.state')?.textContent).toBe('tool: Bash 48s');
    expect(document.querySelector('td.age')?.textContent).toBe('15s ago');
  });

  test('names a session a swap cannot reach, by the login that overrides the stored one', () => {
    const desktop = { ...session, id: 'd35c7b00-1111', loginOverrides: ['CLAUDE_CODE_OAUTH_TOKEN', 'apiKeyHelper'] as const };
    const helper = { ...session, id: 'a9e1f2c3-2222', loginOverrides: ['apiKeyHelper'] as const };
    renderDashboard(SessionsPanel, { snapshot: makeSnapshot({ sessions: [session, desktop, helper], activeSessionCount: 3 }) });
    const texts = screen.getAllByTestId('unrotatable').map((td) => td.textContent?.trim());
    expect(texts).toEqual(['not rotatable: CLAUDE_CODE_OAUTH_TOKEN is set', 'not rotatable: an apiKeyHelper is configured']);
    expect(screen.getAllByTestId('unrotatable')[0]?.getAttribute('title')).toContain('CLAUDE_CODE_OAUTH_TOKEN, apiKeyHelper');
    const plain = [...document.querySelectorAll(`tr[data-session-id="${session.id}"] td`)].map((td) => td.textContent?.trim());
    expect(plain.at(-1)).toBe('blake@example.com');
  });

  test('explains how to get sessions when none reports', () => {
    renderDashboard(SessionsPanel);
    expect(screen.getByTestId('no-sessions').textContent).toContain('ccmax-monitor hooks install');
  });
});

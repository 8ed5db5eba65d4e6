import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, test } from 'vitest';
import ReplayPanel from '../../src-renderer/components/ReplayPanel.svelte';
import { toReplayQuery } from '../../src-renderer/lib/replay-request.js';
import { err, ok } from '../../src-main/shared/result.js';
import type { ReplayFigures, ReplayView } from '../../src-main/shared/replay-view.js';
import { renderDashboard, T0 } from './fixtures.js';

afterEach(cleanup);

const DAY = 86_400_000;
const figures = (over: Partial<ReplayFigures> = {}): ReplayFigures => ({
  expiredUnusedPct: 20,
  expiredUnusedMax20xDays: 4.2,
  weeklyResets: 3,
  limitHitMinutes: 30,
  avoidableLimitHitMinutes: 10,
  switches: 12,
  demandServedPct: 99.5,
  ...over,
});
const settings = { fiveHourThresholdPct: 80, minDwellMs: 300_000, hysteresisPct: 10 };
const a = { accountId: 'acct-1', email: 'a@example.com', plan: 'Max 20x', added: false };
const VIEW: ReplayView = {
  fromMs: T0 - 28 * DAY,
  toMs: T0,
  demand: { max20xWeeks: 3.5, readings: 1234, fiveHourPerSevenDayPct: 6, fiveHourRatioEstimated: true, stepMs: 300_000 },
  asIs: { settings, fleet: [a] },
  whatIf: {
    settings: { ...settings, fiveHourThresholdPct: 90 },
    fleet: [a, { accountId: 'added-1', email: null, plan: 'Max 5x', added: true }],
  },
  recorded: figures({ avoidableLimitHitMinutes: null, demandServedPct: null }),
  replayedAsIs: figures({ expiredUnusedPct: 18.5 }),
  replayedWhatIf: figures({ expiredUnusedPct: 7.25, limitHitMinutes: 0 }),
  notes: ['Tool calls are not recorded.'],
};

describe('the replay panel', () => {
  test('sends only what differs from today and shows recorded, as is and what if side by side', async () => {
    const { bridge } = renderDashboard(ReplayPanel);
    bridge.results.replay = ok(VIEW);
    await fireEvent.input(screen.getByLabelText(/^5-hour threshold/), { target: { value: '90' } });
    await fireEvent.change(screen.getByLabelText('Accounts'), { target: { value: '1' } });
    await fireEvent.change(screen.getByLabelText('Plan of added accounts'), { target: { value: 'Max 5x' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Replay' }));
    await waitFor(() => expect(screen.getByTestId('replay-table')).toBeTruthy());
    expect(bridge.callsOf('replay')).toEqual([{ fromMs: T0 - 28 * DAY, fiveHourThresholdPct: 90, accountsDelta: 1, addPlan: 'Max 5x' }]);
    const table = screen.getByTestId('replay-table');
    const rowOf = (label: string) =>
      [...(within(table).getByRole('rowheader', { name: label }).closest('tr')?.children ?? [])].map((c) => c.textContent).join(' ');
    expect(rowOf('5h threshold')).toBe('5h threshold 80 % 80 % 90 %');
    expect(rowOf('accounts')).toBe('accounts 1 1 2 (+1)');
    expect(rowOf('expired unused')).toBe('expired unused 20.0 % 18.5 % 7.3 %');
    expect(rowOf('limit-hit minutes')).toBe('limit-hit minutes 30 30 0');
    expect(rowOf('work served')).toBe('work served — 99.5 % 99.5 %');
    expect(screen.getByText('Added: 1 × Max 5x.')).toBeTruthy();
    expect(screen.getByText('Tool calls are not recorded.')).toBeTruthy();
  });

  test('says why when the monitor keeps no history', async () => {
    const { bridge } = renderDashboard(ReplayPanel);
    bridge.results.replay = err({ code: 'unavailable', message: 'This monitor keeps no history.' });
    await fireEvent.click(screen.getByRole('button', { name: 'Replay' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('This monitor keeps no history.'));
    expect(bridge.callsOf('replay')).toEqual([{ fromMs: T0 - 28 * DAY }]);
  });
});

describe('toReplayQuery', () => {
  test('adds a plan only when accounts are added, and dwell in ms', () => {
    const choices = { days: 7, fiveHourThresholdPct: null, dwellMin: 10, accountsDelta: -1, addPlan: 'Pro' as const };
    expect(toReplayQuery(choices, 10 * DAY)).toEqual({ fromMs: 3 * DAY, minDwellMs: 600_000, accountsDelta: -1 });
  });
});

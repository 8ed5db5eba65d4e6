import { cleanup, fireEvent, screen, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import HistoryPanel from '../../src-renderer/components/HistoryPanel.svelte';
import type { HistoryQuery, HistoryView, InsightFigures, InsightsView } from '../../src-main/shared/history-view.js';
import { err, ok } from '../../src-main/shared/result.js';
import { buildExport, download, samplesToCsv } from '../../src-renderer/lib/history-export.js';
import { FakeBridge, makeSnapshot, renderDashboard, T0 } from './fixtures.js';

// jsdom measures nothing and has no ResizeObserver (bind:clientWidth uses it): the charts fall back to their default width.
beforeEach(() => {
  vi.stubGlobal(
    'ResizeObserver',
    class {
      observe(): void {}
      unobserve(): void {}
      disconnect(): void {}
    },
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const figures = (over: Partial<InsightFigures> = {}): InsightFigures => ({
  weeklyResets: 4,
  uncertainResets: 1,
  expiredUnusedPct: 23.4,
  expiredUnusedMax20xDays: 6.6,
  limitHits: 2,
  limitHitMinutes: 37,
  switches: 9,
  switchesByTrigger: { breach: 7, manual: 2 },
  avgDeferralWaitMs: 95_000,
  deferredSwitches: 3,
  ...over,
});

const insights: InsightsView = {
  fromMs: T0 - 30 * DAY,
  toMs: T0,
  fleet: figures(),
  accounts: [],
  weeks: [],
  headline: { monthStartMs: Date.UTC(2026, 10, 1), thisMonthExpiredUnusedPct: 31.6, previousMonthExpiredUnusedPct: 48 },
};

/** A week of readings per account: 7d climbing 10 % a day, 5h saw-toothing; one weekly reset and a switch in. */
function historyOf(account: string, query: HistoryQuery): HistoryView {
  const samples = Array.from({ length: 8 }, (_, i) => ({
    atMs: T0 - (7 - i) * DAY,
    sevenDayPct: i * 10,
    fiveHourPct: (i * 37) % 100,
    source: 'poll' as const,
  }));
  return {
    account,
    fromMs: query.fromMs ?? 0,
    toMs: query.toMs ?? T0,
    samples,
    resets: [
      {
        accountId: account,
        window: 'seven_day',
        resetAtMs: T0 - 7 * DAY - HOUR,
        lastPct: 72,
        expiredUnusedPct: 28,
        lastReadingAgeMs: HOUR,
        uncertain: false,
      },
    ],
    limitHits: [],
    switches: [{ atMs: T0 - 2 * DAY, fromId: 'acct-c', toId: account, trigger: 'breach', deferralWaitMs: 0 }],
  };
}

function historyBridge(): FakeBridge {
  const bridge = new FakeBridge(makeSnapshot());
  bridge.getHistory = async (args) => {
    bridge.calls.push({ name: 'getHistory', args });
    return ok(historyOf(args.account, args));
  };
  bridge.getInsights = async (args) => {
    bridge.calls.push({ name: 'getInsights', args });
    return ok(insights);
  };
  return bridge;
}

describe('history panel', () => {
  test('shows the headline next to the previous month, and the fleet figures', async () => {
    renderDashboard(HistoryPanel, { bridge: historyBridge() });
    const headline = await screen.findByTestId('insight-headline');
    expect(headline.textContent).toContain('Weekly quota expired unused this month:');
    expect(screen.getByTestId('headline-this-month').textContent).toBe('32 %');
    expect(screen.getByTestId('headline-previous-month').textContent).toBe('48 %');
    const facts = screen.getByTestId('insight-figures').textContent ?? '';
    expect(facts).toContain('23 %');
    expect(facts).toContain('6.6 Max 20x days over 4 weekly resets');
    expect(facts).toContain('37 min at 100 % while active');
    expect(facts).toContain('7 breach, 2 manual');
    expect(facts).toContain('waited 1m on average');
  });

  test('asks the insights and every account’s history for the last 30 days, downsampled', async () => {
    const { bridge } = renderDashboard(HistoryPanel, { bridge: historyBridge() });
    await screen.findAllByTestId('account-chart');
    const asked = bridge.callsOf('getHistory') as HistoryQuery[];
    expect(asked.map((q) => q.account).sort()).toEqual(['acct-a', 'acct-b', 'acct-c']);
    for (const q of asked) {
      expect(q.toMs).toBe(Math.floor(T0 / 60_000) * 60_000);
      expect((q.toMs ?? 0) - (q.fromMs ?? 0)).toBe(30 * DAY);
      expect(q.points).toBe(720);
    }
    expect(bridge.callsOf('getInsights')).toEqual([{ fromMs: asked[0]?.fromMs, toMs: asked[0]?.toMs }]);
    await fireEvent.change(screen.getByLabelText('Period'), { target: { value: '365' } });
    await vi.waitFor(() => expect(bridge.callsOf('getInsights')).toHaveLength(2));
    const last = bridge.callsOf('getInsights').at(-1) as { fromMs: number; toMs: number };
    expect(last.toMs - last.fromMs).toBe(365 * DAY);
  });

  test('draws one chart per account with its lines, reset, switch and projection, and a fleet band per account', async () => {
    renderDashboard(HistoryPanel, { bridge: historyBridge() });
    const charts = await screen.findAllByTestId('account-chart');
    expect(charts.map((c) => c.dataset.accountId)).toEqual(['acct-b', 'acct-c', 'acct-a']);
    const blake = charts[0] as HTMLElement;
    // 8 readings: a step path has one M and 7 H…V steps, then runs on to now.
    const seven = blake.querySelector('[data-testid="line-7d"]')?.getAttribute('d') ?? '';
    expect(seven.match(/M/g)).toHaveLength(1);
    expect(seven.match(/V/g)).toHaveLength(7);
    expect(blake.querySelectorAll('[data-testid="expired-mark"]')).toHaveLength(1);
    expect(blake.querySelectorAll('[data-testid="switch-mark"]')).toHaveLength(1);
    expect(blake.querySelector('[data-testid="projection"]')).not.toBeNull();
    // blake: 93 % now, +10 %/day, resets in 2 days → 100 % in under a day.
    expect(within(blake).getByTestId('projection-text').dataset.kind).toBe('full');
    // alex: 5 % now with 70 % a day ago → no pace; 95 % of the week expires at the reset.
    expect(within(charts[2] as HTMLElement).getByTestId('projection-text').textContent).toMatch(
      /^About 95 % of this week will expire unused/,
    );
    const bands = screen.getAllByTestId('fleet-band');
    expect(bands.map((b) => b.dataset.accountId)).toEqual(['acct-b', 'acct-c', 'acct-a']);
  });

  test('the table fallback lists the readings and events, and "Show as table" shows it instead of the charts', async () => {
    renderDashboard(HistoryPanel, { bridge: historyBridge() });
    const charts = await screen.findAllByTestId('account-chart');
    const tables = within(charts[0] as HTMLElement).getByTestId('account-tables');
    expect(tables.classList.contains('visually-hidden')).toBe(true);
    const readingRows = tables.querySelectorAll('table')[0]?.querySelectorAll('tbody tr') ?? [];
    expect(readingRows).toHaveLength(8);
    // Newest first: 70 % 7d, 5h (7 × 37) % 100 = 59 %.
    expect([...(readingRows[0]?.querySelectorAll('td') ?? [])].slice(1).map((td) => td.textContent)).toEqual(['70 %', '59 %', 'poll']);
    const eventKinds = [...(tables.querySelectorAll('table')[1]?.querySelectorAll('tbody tr') ?? [])].map((tr) =>
      tr.getAttribute('data-kind'),
    );
    expect(eventKinds).toEqual(['switch-in', 'reset']);
    expect(tables.textContent).toContain('28 % expired unused');
    expect(tables.textContent).toContain('from casey@example.com (breach)');
    const fleetRows = screen.getByTestId('fleet-table').querySelectorAll('tbody tr');
    expect(fleetRows.length).toBeGreaterThan(10);
    // The newest fleet row: blake 30 % left of 7, casey 30 %, alex 30 % (all 70 % used, all Max 20x) → 30 % of the fleet.
    expect([...(fleetRows[0]?.querySelectorAll('td') ?? [])].slice(1).map((td) => td.textContent)).toEqual([
      '30 %',
      '10 %',
      '10 %',
      '10 %',
    ]);

    const toggle = screen.getByTestId('show-table');
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    await fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    expect(tables.classList.contains('visually-hidden')).toBe(false);
    expect(charts[0]?.querySelector('.plot')?.classList.contains('hidden')).toBe(true);
  });

  test('the chart reads out a reading per arrow key', async () => {
    renderDashboard(HistoryPanel, { bridge: historyBridge() });
    const charts = await screen.findAllByTestId('account-chart');
    const slider = within(charts[0] as HTMLElement).getByRole('slider');
    expect(slider.getAttribute('aria-valuetext')).toBe('8 readings; use the arrow keys to read them.');
    await fireEvent.keyDown(slider, { key: 'End' });
    expect(slider.getAttribute('aria-valuenow')).toBe('7');
    expect(slider.getAttribute('aria-valuetext')).toMatch(/: 7-day 70 %, 5-hour 59 %$/);
    await fireEvent.keyDown(slider, { key: 'ArrowLeft' });
    expect(slider.getAttribute('aria-valuetext')).toMatch(/: 7-day 60 %, 5-hour 22 %$/);
  });

  test('a monitor without history says so instead of failing', async () => {
    const bridge = new FakeBridge(makeSnapshot());
    const none = err({ code: 'unavailable' as const, message: 'This monitor keeps no history.' });
    bridge.results = { getInsights: none, getHistory: none };
    renderDashboard(HistoryPanel, { bridge });
    expect((await screen.findByTestId('history-unavailable')).textContent).toBe('This monitor keeps no history.');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  test('a failing history query is reported, the rest still shows', async () => {
    const bridge = historyBridge();
    const fine = bridge.getHistory;
    bridge.getHistory = async (args) => (args.account === 'acct-c' ? err({ code: 'internal', message: 'disk on fire' }) : fine(args));
    renderDashboard(HistoryPanel, { bridge });
    expect((await screen.findByRole('alert')).textContent).toContain('History of acct-c: disk on fire');
    expect(screen.getAllByTestId('account-chart')).toHaveLength(2);
  });
});

describe('history export', () => {
  test('samples CSV: one header, every account’s rows, at full resolution', async () => {
    const bridge = historyBridge();
    const result = await buildExport(bridge, { what: 'samples', format: 'csv', accountIds: ['a', 'b'], fromMs: T0 - 7 * DAY, toMs: T0 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const lines = result.value.body.trimEnd().split('\n');
    expect(lines[0]).toBe('account,time,at_ms,five_hour_pct,seven_day_pct,source');
    expect(lines).toHaveLength(1 + 16);
    expect(lines.filter((l) => l.startsWith('b,'))).toHaveLength(8);
    expect(result.value.name).toMatch(/^ccmax-samples-\d{4}-\d\d-\d\d-to-\d{4}-\d\d-\d\d\.csv$/);
    expect((bridge.callsOf('getHistory') as HistoryQuery[]).map((q) => q.points)).toEqual([5000, 5000]);
    expect(samplesToCsv([])).toBe('account,time,at_ms,five_hour_pct,seven_day_pct,source\n');
  });

  test('insights JSON is the API’s shape; a failed command is passed on', async () => {
    const bridge = historyBridge();
    const json = await buildExport(bridge, { what: 'insights', format: 'json', accountIds: [], fromMs: 0, toMs: T0 });
    expect(json.ok && JSON.parse(json.value.body)).toEqual(insights);
    expect(json.ok && json.value.mime).toBe('application/json');
    bridge.getInsights = async () => err({ code: 'unavailable', message: 'no history' });
    const failed = await buildExport(bridge, { what: 'insights', format: 'csv', accountIds: [], fromMs: 0, toMs: T0 });
    expect(failed).toEqual({ ok: false, error: { code: 'unavailable', message: 'no history' } });
  });

  test('the export buttons hand a file to the browser and say so', async () => {
    const blobs: Blob[] = [];
    vi.stubGlobal(
      'URL',
      Object.assign(URL, { createObjectURL: (b: Blob) => (blobs.push(b), 'blob:test'), revokeObjectURL: () => undefined }),
    );
    const clicked: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    });
    const { fleet } = renderDashboard(HistoryPanel, { bridge: historyBridge() });
    await screen.findAllByTestId('account-chart');
    await fireEvent.click(screen.getByRole('button', { name: 'Insights CSV' }));
    await vi.waitFor(() => expect(clicked).toHaveLength(1));
    expect(clicked[0]).toMatch(/^ccmax-insights-.*\.csv$/);
    expect(await blobs[0]?.text()).toMatch(/^period_start,period,account,weekly_resets/);
    expect(fleet.notice?.text).toBe(`Exported ${clicked[0]}.`);
    click.mockRestore();
  });

  test('download revokes its URL afterwards', () => {
    vi.useFakeTimers();
    const revoked: string[] = [];
    const host = { createObjectURL: () => 'blob:x', revokeObjectURL: (u: string) => revoked.push(u), document };
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    download({ name: 'f.csv', mime: 'text/csv', body: 'a\n' }, host);
    expect(document.querySelector('a[download]')).toBeNull();
    vi.advanceTimersByTime(10_000);
    expect(revoked).toEqual(['blob:x']);
    click.mockRestore();
    vi.useRealTimers();
  });
});

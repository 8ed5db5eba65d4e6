/**
 * The dashboard's History panel in real Chromium against `serve --demo` (three weeks of simulated
 * history), at 600, 1,000 and 1,400 px, light and dark: the headline equals the API's figure, a
 * chart per account with its lines and marks, the fleet burn-down, the table fallback equal to the
 * API's rows, "Show as table", the keyboard cursor, exports as downloads, the What if… panel running
 * a replay (the side-by-side table equals the answer on the socket and the API's), no sideways
 * scroll and no console error. Saves screenshots: every one under .tmp/screenshots/, two in docs/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ClientMessage, ServerMessage } from '../../src-main/shared/contract.js';
import type { HistoryView, InsightsView } from '../../src-main/shared/history-view.js';
import { REPLAY_COLUMNS, replayRows } from '../../src-main/shared/replay-rows.js';
import type { ReplayView } from '../../src-main/shared/replay-view.js';
import type { FleetSnapshot } from '../../src-main/shared/view-model.js';
import { thinSamples } from '../../src-renderer/lib/history-chart.js';
import { hasChromium, launchChromium } from './dashboard/browser.js';
import { ensureBuilt, ROOT, startDemoServer, type DemoServer } from './dashboard/demo-server.js';

const WIDTHS = [600, 1000, 1400] as const;
const SCHEMES = ['light', 'dark'] as const;
/** The screenshots that go into docs/ (the README shows the 1,400 px light one). */
const DOC_SHOTS: readonly string[] = ['1400-light', '1000-dark'];

/** The dashboard's way of writing a history percentage (lib/history-story.ts formatSharePct). */
const share = (pct: number | null) => (pct === null ? '—' : `${Math.abs(pct) < 10 ? Math.round(pct * 10) / 10 : Math.round(pct)} %`);

describe.skipIf(!hasChromium())('dashboard history panel in Chromium', () => {
  let server: DemoServer;
  let browser: Browser;
  const consoleErrors: string[] = [];
  const shotsDir = join(ROOT, '.tmp/screenshots');

  const api = async <T>(path: string): Promise<T> => (await (await fetch(`${server.url}${path}`)).json()) as T;

  async function open(
    width: number,
    scheme: 'light' | 'dark',
    before: (page: Page) => void = () => {},
  ): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme, acceptDownloads: true });
    const page = await context.newPage();
    before(page);
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`${width}px ${scheme}: ${message.text()}`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`${width}px ${scheme}: page error: ${error.message}`));
    await page.goto(server.url);
    await page.locator('[data-testid="account-chart"]').nth(4).waitFor({ timeout: 15_000 });
    await page.evaluate('document.fonts.ready');
    return { context, page };
  }

  /** The period the panel shows, as it says on its section. */
  async function period(page: Page): Promise<{ fromMs: number; toMs: number }> {
    const panel = page.getByTestId('history-panel');
    return { fromMs: Number(await panel.getAttribute('data-from-ms')), toMs: Number(await panel.getAttribute('data-to-ms')) };
  }

  beforeAll(async () => {
    ensureBuilt();
    server = await startDemoServer();
    browser = await launchChromium();
    mkdirSync(shotsDir, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const scheme of SCHEMES) {
    for (const width of WIDTHS) {
      test(`${width} px ${scheme}: headline, a chart per account, the fleet burn-down, inside the window`, async () => {
        const { context, page } = await open(width, scheme);
        const { fromMs, toMs } = await period(page);
        expect(toMs - fromMs).toBe(30 * 86_400_000);
        const insights = await api<InsightsView>(`/api/insights?from=${fromMs}&to=${toMs}`);
        expect(await page.getByTestId('headline-this-month').textContent()).toBe(share(insights.headline.thisMonthExpiredUnusedPct));
        expect(await page.getByTestId('headline-previous-month').textContent()).toBe(
          share(insights.headline.previousMonthExpiredUnusedPct),
        );
        expect(insights.headline.thisMonthExpiredUnusedPct).not.toBeNull();

        const state = await api<FleetSnapshot>('/api/state');
        const ids = await page.getByTestId('account-chart').evaluateAll((els) => els.map((el) => el.getAttribute('data-account-id')));
        expect(ids).toEqual(state.accounts.map((a) => a.id));
        const paths = await page.getByTestId('line-7d').evaluateAll((els) => els.map((el) => el.getAttribute('d') ?? ''));
        expect(paths.every((d) => /^M[\d.]+ [\d.]+H/.test(d))).toBe(true);
        expect(await page.getByTestId('expired-mark').count()).toBeGreaterThan(0);
        expect(await page.getByTestId('switch-mark').count()).toBeGreaterThan(0);
        expect(await page.getByTestId('projection').count()).toBeGreaterThan(0);
        expect(await page.getByTestId('fleet-band').count()).toBe(state.accounts.length);

        const fit = (await page.evaluate(`(() => {
          const svgs = [...document.querySelectorAll('[data-testid="history-panel"] svg')];
          return {
            scrollWidth: document.documentElement.scrollWidth,
            innerWidth,
            overflowing: svgs.filter((svg) => svg.getBoundingClientRect().right > svg.parentElement.getBoundingClientRect().right + 0.5).length,
            narrow: svgs.filter((svg) => svg.getBoundingClientRect().width < 200).length,
          };
        })()`)) as { scrollWidth: number; innerWidth: number; overflowing: number; narrow: number };
        expect(fit.scrollWidth).toBeLessThanOrEqual(fit.innerWidth);
        expect(fit.overflowing).toBe(0);
        expect(fit.narrow).toBe(0);

        const shot = `${width}-${scheme}`;
        const panel = page.getByTestId('history-panel');
        await panel.screenshot({ path: join(shotsDir, `history-${shot}.png`) });
        if (DOC_SHOTS.includes(shot)) await panel.screenshot({ path: join(ROOT, 'docs', `history-${shot}.png`) });
        await context.close();
      });
    }
  }

  test('the table fallback holds the API’s rows; "Show as table" shows it in place of the charts', async () => {
    const { context, page } = await open(1000, 'light');
    const state = await api<FleetSnapshot>('/api/state');
    for (const row of state.accounts) {
      const card = page.locator(`[data-testid="account-chart"][data-account-id="${row.id}"]`);
      const tablesOf = card.locator('[data-testid="account-tables"] table');
      // The panel reloads every minute: read the API and the page for one period (again if it moved meanwhile).
      const read = async () => {
        const { fromMs, toMs } = await period(page);
        const view = await api<HistoryView>(`/api/history?account=${row.id}&from=${fromMs}&to=${toMs}&points=720`);
        const events = await tablesOf
          .nth(1)
          .locator('tbody tr[data-kind]')
          .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-kind')));
        const readings = await tablesOf
          .first()
          .locator('tbody tr')
          .evaluateAll((trs) =>
            trs.map((tr) => [
              Number(tr.getAttribute('data-at-ms')),
              ...[...tr.querySelectorAll('td')].slice(1).map((td) => td.textContent?.trim()),
            ]),
          );
        const same = (await period(page)).toMs === toMs;
        return { view, events, readings, same };
      };
      let seen = await read();
      for (let attempt = 0; attempt < 3 && !seen.same; attempt++) seen = await read();
      const { view, events, readings } = seen;
      const expected = [
        ...view.resets.map((r) => ({ atMs: r.resetAtMs, kind: 'reset' })),
        ...view.switches.map((s) => ({ atMs: s.atMs, kind: s.toId === row.id ? 'switch-in' : 'switch-out' })),
        ...view.limitHits.map((h) => ({ atMs: h.startedAtMs, kind: 'limit-hit' })),
      ];
      // The newest 100, newest first.
      expect(events).toEqual(
        expected
          .sort((a, b) => a.atMs - b.atMs)
          .slice(-100)
          .reverse()
          .map((e) => e.kind),
      );
      // Every reading row is a recorded reading with its figures, newest first, thinned like the API's view.
      const thinned = thinSamples(view.samples, 48);
      expect(readings.length).toBe(thinned.length);
      const byTime = new Map(view.samples.map((s) => [s.atMs, [s.atMs, share(s.sevenDayPct), share(s.fiveHourPct), s.source]]));
      for (const reading of readings) expect(reading).toEqual(byTime.get(reading[0] as number));
      expect(readings.map((r) => r[0])).toEqual(thinned.map((s) => s.atMs).reverse());
    }
    const tables = page.getByTestId('account-tables').first();
    expect((await tables.boundingBox())?.width ?? 0).toBeLessThanOrEqual(1);
    await page.getByTestId('show-table').click();
    expect((await tables.boundingBox())?.width ?? 0).toBeGreaterThan(300);
    expect(await page.locator('[data-testid="account-svg"]').first().isVisible()).toBe(false);
    expect(await page.getByTestId('fleet-table').locator('tbody tr').count()).toBeGreaterThan(10);
    await page.getByTestId('history-panel').screenshot({ path: join(shotsDir, 'history-table-1000-light.png') });
    await page.getByTestId('show-table').click();
    expect(await page.locator('[data-testid="account-svg"]').first().isVisible()).toBe(true);
    await context.close();
  });

  test('keyboard: Tab reaches the charts, the arrow keys read the figures', async () => {
    const { context, page } = await open(1400, 'dark');
    await page.getByRole('button', { name: 'Insights JSON' }).focus();
    await page.keyboard.press('Tab');
    const fleet = page.getByRole('slider', { name: 'Fleet weekly quota left over time' });
    expect(await fleet.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await page.keyboard.press('End');
    expect(await fleet.getAttribute('aria-valuetext')).toMatch(/^.+: \d+(\.\d)? % of the fleet's weekly quota left \(/);
    await page.keyboard.press('Tab');
    const first = page.getByRole('slider').nth(1);
    expect(await first.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    expect(await first.getAttribute('aria-valuetext')).toMatch(/: 7-day \d+(\.\d)? %, 5-hour \d+(\.\d)? %$/);
    expect(await page.locator('[data-testid="account-chart"] .cursor').count()).toBe(1);
    await context.close();
  });

  test('exports download CSV and JSON of the samples and insights', async () => {
    const { context, page } = await open(1400, 'light');
    const save = async (name: string): Promise<{ file: string; body: string }> => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).click()]);
      const path = await download.path();
      return { file: download.suggestedFilename(), body: readFileSync(path, 'utf8') };
    };
    const samplesCsv = await save('Samples CSV');
    expect(samplesCsv.file).toMatch(/^ccmax-samples-.*\.csv$/);
    const lines = samplesCsv.body.trimEnd().split('\n');
    expect(lines[0]).toBe('account,time,at_ms,five_hour_pct,seven_day_pct,source');
    const state = await api<FleetSnapshot>('/api/state');
    expect(new Set(lines.slice(1).map((l) => l.split(',')[0]))).toEqual(new Set(state.accounts.map((a) => a.id)));
    const samplesJson = JSON.parse((await save('Samples JSON')).body) as HistoryView[];
    expect(samplesJson.map((v) => v.account)).toEqual(state.accounts.map((a) => a.id));
    expect(samplesJson.reduce((n, v) => n + v.samples.length, 0)).toBe(lines.length - 1);
    expect((await save('Insights CSV')).body).toMatch(/^period_start,period,account,weekly_resets/);
    const insights = JSON.parse((await save('Insights JSON')).body) as InsightsView;
    expect(insights.headline.thisMonthExpiredUnusedPct).not.toBeNull();
    expect(JSON.stringify(insights)).not.toMatch(/sk-ant-|accessToken|refreshToken/);
    await context.close();
  });

  for (const scheme of SCHEMES) {
    test(`${scheme}: the What if… panel runs a replay and shows recorded, as is and what if side by side`, async () => {
      // The dashboard's socket frames: the replay call the panel sends and the result it receives.
      const sent: ClientMessage[] = [];
      const received: ServerMessage[] = [];
      const { context, page } = await open(1000, scheme, (p) =>
        p.on('websocket', (ws) => {
          ws.on('framesent', (f) => typeof f.payload === 'string' && sent.push(JSON.parse(f.payload) as ClientMessage));
          ws.on('framereceived', (f) => typeof f.payload === 'string' && received.push(JSON.parse(f.payload) as ServerMessage));
        }),
      );
      const panel = page.getByTestId('replay-panel');
      await panel.scrollIntoViewIfNeeded();
      await panel.getByLabel(/^5-hour threshold/).fill('90');
      await panel.getByLabel(/^Accounts/).selectOption({ label: '+1 account' });
      await panel.getByLabel(/^Plan of added accounts/).selectOption('Max 5x');
      await panel.getByRole('button', { name: 'Replay' }).click();
      const table = panel.getByTestId('replay-table');
      // A replay of the demo's weeks takes seconds (8.8 s at load 20); generous for a loaded machine.
      await table.waitFor({ timeout: 120_000 });

      const call = sent.find((m) => m.type === 'call' && m.name === 'replay');
      expect(call?.args).toEqual({ fromMs: expect.any(Number), fiveHourThresholdPct: 90, accountsDelta: 1, addPlan: 'Max 5x' });
      const answer = received.find((m) => m.type === 'result' && m.id === call?.id);
      if (answer?.type !== 'result' || !answer.result.ok) throw new Error(`no replay result: ${JSON.stringify(answer)}`);
      const view = answer.result.value as ReplayView;
      expect(view.whatIf.settings.fiveHourThresholdPct).toBe(90);
      expect(view.whatIf.fleet.filter((a) => a.added).map((a) => a.plan)).toEqual(['Max 5x']);
      expect(view.demand.readings).toBeGreaterThan(100);

      // The table shows exactly the rows of that answer, three columns side by side.
      expect(await table.locator('thead th').allTextContents()).toEqual(['', ...REPLAY_COLUMNS]);
      const shown = await table
        .locator('tbody tr')
        .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent?.trim() ?? '')));
      expect(shown).toEqual(replayRows(view).map((r) => [r.label, ...r.cells]));
      expect(shown.find((r) => r[0] === '5h threshold')?.slice(2)).toEqual([`${view.asIs.settings.fiveHourThresholdPct} %`, '90 %']);
      expect(await panel.getByText('Added: 1 × Max 5x.').isVisible()).toBe(true);
      // The same what-if through the API over the same period gives the same replayed figures.
      const query = `from=${view.fromMs}&to=${view.toMs}&fiveHourThresholdPct=90&accountsDelta=1&addPlan=${encodeURIComponent('Max 5x')}`;
      const again = await api<ReplayView>(`/api/replay?${query}`);
      expect(again.replayedWhatIf).toEqual(view.replayedWhatIf);
      expect(again.replayedAsIs).toEqual(view.replayedAsIs);

      const fit = (await page.evaluate(`(() => {
        const t = document.querySelector('[data-testid="replay-table"]');
        const p = document.querySelector('[data-testid="replay-panel"]');
        return { scrollWidth: document.documentElement.scrollWidth, innerWidth, tableRight: t.getBoundingClientRect().right,
          panelRight: p.getBoundingClientRect().right };
      })()`)) as { scrollWidth: number; innerWidth: number; tableRight: number; panelRight: number };
      expect(fit.scrollWidth).toBeLessThanOrEqual(fit.innerWidth);
      expect(fit.tableRight).toBeLessThanOrEqual(fit.panelRight + 0.5);
      await panel.screenshot({ path: join(shotsDir, `replay-1000-${scheme}.png`) });
      await context.close();
    }, 180_000);
  }

  test('no console errors on any of it', () => {
    expect(consoleErrors).toEqual([]);
  });
});

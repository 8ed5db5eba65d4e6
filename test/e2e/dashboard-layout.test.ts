/**
 * The dashboard's layout in real Chromium against `serve --demo`, at the widths people use (360 px
 * phone-sized windows to a 1920 px desktop), light and dark: no sideways page scroll, every email
 * whole, bars inside their cells, the row menu by keyboard, pin and unpin, no console errors (the
 * /docs page included). Saves screenshots: every width under .tmp/screenshots/, three in docs/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FleetSnapshot } from '../../src-main/shared/view-model.js';
import { hasChromium, launchChromium } from './dashboard/browser.js';
import { ensureBuilt, ROOT, startDemoServer, type DemoServer } from './dashboard/demo-server.js';

const WIDTHS = [360, 420, 768, 1024, 1280, 1440, 1920] as const;
const SCHEMES = ['light', 'dark'] as const;
/** The widths whose screenshots go into docs/ (the README shows the 1280 px one). */
const DOC_WIDTHS: readonly number[] = [420, 1024, 1280];

interface LayoutFacts {
  readonly scrollWidth: number;
  readonly innerWidth: number;
  readonly cards: boolean;
  /** Emails not shown whole: clipped, cut by their cell or the window, or broken over lines in the table. */
  readonly brokenEmails: string[];
  readonly emails: string[];
  /** Usage bars reaching past their cell's content box. */
  readonly overrunBars: number;
}

/** Measures the page as laid out now (runs in the browser). */
const MEASURE = `(() => {
  const emails = [...document.querySelectorAll('tbody tr[data-account-id] .email')];
  const cards = getComputedStyle(document.querySelector('[data-testid="fleet-table"] thead')).position === 'absolute';
  const brokenEmails = emails.filter((el) => {
    const box = el.getBoundingClientRect();
    const cell = el.closest('th').getBoundingClientRect();
    const oneLine = cards || el.getClientRects().length === 1;
    return el.scrollWidth > el.clientWidth + 0.5 || box.right > cell.right + 0.5 || box.right > innerWidth || box.left < 0 || !oneLine;
  }).map((el) => el.textContent);
  const overrunBars = [...document.querySelectorAll('tbody td.usage .track')].filter((bar) => {
    const cell = bar.closest('td');
    const padRight = parseFloat(getComputedStyle(cell).paddingRight);
    return bar.getBoundingClientRect().right > cell.getBoundingClientRect().right - padRight + 0.5;
  }).length;
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth,
    cards,
    brokenEmails,
    emails: emails.map((el) => el.textContent),
    overrunBars,
  };
})()`;

describe.skipIf(!hasChromium())('dashboard layout from 360 px to 1920 px, light and dark', () => {
  let server: DemoServer;
  let browser: Browser;
  const consoleErrors: string[] = [];
  const shotsDir = join(ROOT, '.tmp/screenshots');
  const docsDir = join(ROOT, 'docs');

  const state = async (): Promise<FleetSnapshot> => (await (await fetch(`${server.url}/api/state`)).json()) as FleetSnapshot;

  async function open(width: number, scheme: 'light' | 'dark', path = '/'): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`${path} ${width}px ${scheme}: ${message.text()}`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`${path} ${width}px ${scheme}: page error: ${error.message}`));
    await page.goto(`${server.url}${path}`);
    return { context, page };
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

  test('the demo is full at once: every simulated account has figures within seconds of start', async () => {
    const { context, page } = await open(1280, 'light');
    await page.locator('tbody tr[data-account-id]').first().waitFor();
    const snapshot = await state();
    expect(snapshot.accounts.length).toBe(5);
    expect(snapshot.accounts.filter((a) => a.sevenDay.utilizationPct === null).map((a) => a.email)).toEqual([]);
    const dashes = await page
      .locator('tbody td.usage[data-window="7d"] .pct')
      .evaluateAll((cells) => cells.filter((c) => c.textContent === '—').length);
    expect(dashes).toBe(0);
    await context.close();
  });

  for (const scheme of SCHEMES) {
    for (const width of WIDTHS) {
      test(`${width} px ${scheme}: no sideways scroll, every email whole, bars inside their cells`, async () => {
        const { context, page } = await open(width, scheme);
        await page.locator('tbody tr[data-account-id]').first().waitFor();
        await page.evaluate('document.fonts.ready');
        const facts = (await page.evaluate(MEASURE)) as LayoutFacts;
        expect(facts.scrollWidth).toBeLessThanOrEqual(facts.innerWidth);
        expect(facts.emails.length).toBe(5);
        expect(facts.brokenEmails).toEqual([]);
        expect(facts.overrunBars).toBe(0);
        expect(facts.cards).toBe(width < 700);
        await page.screenshot({ path: join(shotsDir, `dashboard-${width}-${scheme}.png`), fullPage: true });
        if (DOC_WIDTHS.includes(width)) {
          await page.screenshot({ path: join(docsDir, `dashboard-${width}-${scheme}.png`), fullPage: false });
        }
        await context.close();
      });
    }
  }

  test('the row menu opens and closes by keyboard and gives the focus back', async () => {
    const { context, page } = await open(1280, 'light');
    const row = page.locator('tbody tr[data-account-id]').nth(2);
    const trigger = row.getByRole('button', { name: /^More actions for/ });
    const rowHeight = (await row.boundingBox())?.height;
    await trigger.focus();
    await page.keyboard.press('Enter');
    const menu = page.getByRole('menu');
    await menu.waitFor({ state: 'visible' });
    expect(await trigger.getAttribute('aria-expanded')).toBe('true');
    const focused = () => page.evaluate('document.activeElement?.textContent?.trim()');
    expect(await focused()).toBe('Refresh');
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe('Label…');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    expect(await focused()).toBe('Remove…');
    // The menu floats in the top layer: it neither stretches its row nor is clipped by the table.
    expect((await row.boundingBox())?.height).toBe(rowHeight);
    expect(await menu.evaluate((el) => el.matches(':popover-open'))).toBe(true);
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden' });
    expect(await trigger.getAttribute('aria-expanded')).toBe('false');
    expect(await page.evaluate('document.activeElement?.getAttribute("aria-label")')).toMatch(/^More actions for/);
    await context.close();
  });

  test('switching to a used-up account asks first and says why', async () => {
    const { context, page } = await open(1280, 'light');
    const snapshot = await state();
    const spent = snapshot.accounts.find((a) => !a.active && (a.orderGroup === 'exhausted' || (a.sevenDay.utilizationPct ?? 0) >= 100));
    expect(spent).toBeDefined();
    await page
      .locator(`tr[data-account-id="${spent?.id}"]`)
      .getByRole('button', { name: /^Switch to/ })
      .click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(/7-day quota is used up, back in \d/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await state()).rotation?.pinnedAccountId ?? null).toBeNull();
    await context.close();
  });

  test('a switch pins the account on its row and in the header; one click goes back to automatic', async () => {
    const { context, page } = await open(1024, 'dark');
    const target = (await page.locator('tr.next').getAttribute('data-account-id')) ?? '';
    expect(target).not.toBe('');
    const row = page.locator(`tr[data-account-id="${target}"]`);
    await row.getByRole('button', { name: /^Switch to/ }).click();
    await row.getByTestId('pinned-tag').waitFor();
    await expect.poll(() => page.getByTestId('rotation-mode').textContent()).toMatch(/pinned to/);
    expect((await state()).rotation?.pinnedAccountId).toBe(target);
    await page.screenshot({ path: join(shotsDir, 'dashboard-pinned-1024-dark.png') });
    await row.getByRole('button', { name: /^Unpin/ }).click();
    await row.getByTestId('pinned-tag').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('rotation-mode').textContent()).toMatch(/automatic/);
    expect((await state()).rotation?.pinnedAccountId).toBeNull();
    await context.close();
  });

  for (const scheme of SCHEMES) {
    test(`/docs in ${scheme}: follows the theme, has a favicon, shows the real port`, async () => {
      const { context, page } = await open(1280, scheme, '/docs');
      await page.locator('h1').first().waitFor();
      const background = await page.evaluate('getComputedStyle(document.body).backgroundColor');
      const [r, g, b] = (String(background).match(/\d+/g) ?? []).map(Number);
      const luminance = ((r ?? 0) + (g ?? 0) + (b ?? 0)) / 3;
      if (scheme === 'dark') expect(luminance).toBeLessThan(80);
      else expect(luminance).toBeGreaterThan(200);
      const port = new URL(server.url).port;
      expect(await page.textContent('body')).toContain(`127.0.0.1:${port}`);
      expect(await page.textContent('body')).not.toContain('127.0.0.1:47821');
      await page.screenshot({ path: join(shotsDir, `docs-${scheme}.png`) });
      await context.close();
    });
  }

  test('the tab title carries the active account and its figures', async () => {
    const { context, page } = await open(1280, 'light');
    await expect.poll(() => page.title()).toMatch(/^▶ \S+@demo\.example · 7d \d+% · 5h \d+% — ccmax-monitor \(DEMO\)$/);
    await context.close();
  });

  test('logged no console errors at any width or theme, /docs included', () => {
    expect(consoleErrors).toEqual([]);
  });
});

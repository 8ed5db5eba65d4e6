/**
 * The Machines panel in a real Chromium against `serve --demo` (issue 13 item 5): the demo's three
 * made-up machines render at 420, 1024 and 1280 px in both themes — one connected, one lagging a
 * generation behind, one out of reach with its notice — with no sideways page scroll and no console
 * error; Revoke is reached by keyboard, asks first (Escape cancels), and a confirmed revoke reaches
 * the monitor (its snapshot shows the machine revoked). Screenshots: .tmp/screenshots/ for every
 * width, docs/machines-panel-{light,dark}.png at 1024 px.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FleetSnapshot } from '../../src-main/shared/view-model.js';
import { hasChromium, launchChromium } from './dashboard/browser.js';
import { ensureBuilt, ROOT, startDemoServer, type DemoServer } from './dashboard/demo-server.js';

const WIDTHS = [420, 1024, 1280] as const;
const SCHEMES = ['light', 'dark'] as const;

describe.skipIf(!hasChromium())('Machines panel in Chromium', () => {
  let server: DemoServer;
  let browser: Browser;
  const consoleErrors: string[] = [];
  const shotsDir = join(ROOT, '.tmp/screenshots');

  const state = async (): Promise<FleetSnapshot> => (await (await fetch(`${server.url}/api/state`)).json()) as FleetSnapshot;

  async function open(width: number, scheme: 'light' | 'dark'): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${width}px ${scheme}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`${width}px ${scheme}: page error: ${e.message}`));
    await page.goto(server.url);
    await page.getByTestId('machines-panel').waitFor();
    await page.evaluate('document.fonts.ready');
    return page;
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

  test('renders the demo machines at 420, 1024 and 1280 px, light and dark, without sideways scroll', async () => {
    for (const scheme of SCHEMES) {
      for (const width of WIDTHS) {
        const page = await open(width, scheme);
        const panel = page.getByTestId('machines-panel');
        expect(await panel.locator('li[data-machine-id]').count()).toBe(3);
        const states = await panel.getByTestId('machine-state').allTextContents();
        expect(states[0]).toBe('connected');
        expect(states[1]).toBe('lagging');
        expect(states[2]).toMatch(/^out of reach · last seen 9h \dm ago$/);
        expect(await panel.getByTestId('machine-behind').allTextContents()).toEqual(['behind: gen 12 is current']);
        expect(await panel.getByTestId('machine-out-of-reach').count()).toBe(1);
        const facts = (await page.evaluate(`(() => {
          const panel = document.querySelector('[data-testid="machines-panel"]').getBoundingClientRect();
          const cards = [...document.querySelectorAll('li[data-machine-id]')].map((li) => li.getBoundingClientRect());
          return { scrollWidth: document.documentElement.scrollWidth, innerWidth, panelRight: panel.right,
            cardsInside: cards.every((c) => c.left >= panel.left - 0.5 && c.right <= panel.right + 0.5) };
        })()`)) as { scrollWidth: number; innerWidth: number; panelRight: number; cardsInside: boolean };
        expect(facts.scrollWidth, `${width}px ${scheme}`).toBeLessThanOrEqual(facts.innerWidth);
        expect(facts.cardsInside, `${width}px ${scheme}`).toBe(true);
        await panel.screenshot({ path: join(shotsDir, `machines-panel-${width}-${scheme}.png`) });
        if (width === 1024) await panel.screenshot({ path: join(ROOT, 'docs', `machines-panel-${scheme}.png`) });
        await page.context().close();
      }
    }
  }, 120_000);

  test('Revoke by keyboard asks first; Escape cancels; confirming revokes the machine on the monitor', async () => {
    const page = await open(1024, 'light');
    const revoke = page.getByRole('button', { name: 'Revoke laptop (demo)' });
    await revoke.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Revoke laptop (demo)?');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Cancel');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect((await state()).machines?.find((m) => m.id === 'demo-laptop')?.revoked).toBe(false);
    await revoke.focus();
    await page.keyboard.press('Enter');
    await dialog.getByRole('button', { name: 'Revoke', exact: true }).click();
    await page.locator('li[data-machine-id="demo-laptop"] [data-testid="machine-state"]', { hasText: 'revoked' }).waitFor();
    expect((await state()).machines?.find((m) => m.id === 'demo-laptop')?.revoked).toBe(true);
    await page.context().close();
  }, 60_000);

  test('no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});

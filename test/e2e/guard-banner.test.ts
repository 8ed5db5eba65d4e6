/**
 * The session-owner guard banner in a real Chromium against `serve --demo`: the flag is set in the
 * demo sandbox's `.claude.json` as Claude Code caches it; within one detect tick (10 s) the banner
 * shows. Saves docs/guard-banner-{light,dark}.png.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FleetSnapshot } from '../../src-main/shared/view-model.js';
import { hasChromium, launchChromium } from './dashboard/browser.js';
import { ensureBuilt, ROOT, startDemoServer, type DemoServer } from './dashboard/demo-server.js';
import { waitFor } from '../heartbeat/monitor-harness.js';

describe.skipIf(!hasChromium())('session-owner guard banner', () => {
  let server: DemoServer;
  let browser: Browser;

  beforeAll(async () => {
    ensureBuilt();
    server = await startDemoServer();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('shows once the flag is on in the sandbox config, in both themes', async () => {
    const claudeJson = join(dirname(server.dataDir as string), 'claude', '.claude.json');
    const config = JSON.parse(readFileSync(claudeJson, 'utf8')) as Record<string, unknown>;
    writeFileSync(claudeJson, JSON.stringify({ ...config, cachedGrowthBookFeatures: { tengu_ticklish_moon: true } }));
    const state = async (): Promise<FleetSnapshot> => (await (await fetch(`${server.url}/api/state`)).json()) as FleetSnapshot;
    let on = false;
    await waitFor(() => {
      void state().then((s) => (on = s.sessionOwnerGuard.on));
      return on;
    }, 15_000);
    for (const scheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, colorScheme: scheme });
      const page = await context.newPage();
      await page.goto(server.url);
      const banner = page.getByTestId('guard-banner');
      await banner.waitFor();
      expect(await banner.textContent()).toContain("Claude Code's session-owner guard is on.");
      await page.evaluate('document.fonts.ready');
      await page.screenshot({ path: join(ROOT, 'docs', `guard-banner-${scheme}.png`), clip: { x: 0, y: 0, width: 1280, height: 260 } });
      await context.close();
    }
  }, 40_000);
});

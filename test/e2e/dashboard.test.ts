/**
 * The whole dashboard in real Chromium (Debian `chromium`, driven by playwright-core) against
 * `ccmax-monitor serve --demo`: the fleet in rotation order, live updates, switching, live
 * sessions fed by the heartbeat client, no console errors, the CSP, and the README screenshots.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FleetSnapshot } from '../../src-main/shared/view-model.js';
import { hasChromium, launchChromium } from './dashboard/browser.js';
import { ensureBuilt, ROOT, startDemoServer, type DemoServer } from './dashboard/demo-server.js';
import { heartbeatUnavailableReason, switchUnavailableReason } from './dashboard/probe.js';

const DOCS = join(ROOT, 'docs');

/** Collects CSP violation reports in the page, before any of its own scripts run. */
const RECORD_CSP = `window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));`;

describe.skipIf(!hasChromium())('dashboard in Chromium against serve --demo', () => {
  let server: DemoServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];
  const sleepers: ChildProcess[] = [];

  const state = async (): Promise<FleetSnapshot> => (await (await fetch(`${server.url}/api/state`)).json()) as FleetSnapshot;
  const rowIds = (): Promise<string[]> =>
    page.locator('tbody tr[data-account-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-account-id') ?? ''));
  const activeRowId = (): Promise<string | null> => page.locator('tr[aria-current="true"]').getAttribute('data-account-id');

  beforeAll(async () => {
    ensureBuilt();
    server = await startDemoServer();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1440, height: 960 } });
    await context.addInitScript(RECORD_CSP);
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
    await page.goto(server.url);
  }, 60_000);

  afterAll(async () => {
    for (const sleeper of sleepers) sleeper.kill('SIGTERM');
    await browser?.close();
    await server?.stop();
  });

  test('shows the simulated fleet in rotation order with ▶ on the active account', async () => {
    await page.locator('tbody tr[data-account-id]').first().waitFor();
    const snapshot = await state();
    expect(snapshot.demo).toBe(true);
    expect(snapshot.accounts.length).toBe(5);
    await expect.poll(rowIds).toEqual(snapshot.accounts.map((a) => a.id));
    expect(await activeRowId()).toBe(snapshot.activeAccountId);
    expect(await page.locator('tr[aria-current="true"] .play').textContent()).toBe('▶');
    expect(await page.getByTestId('demo-banner').isVisible()).toBe(true);
  });

  test('receives live updates without a reload', async () => {
    await page.evaluate('window.__sameDocument = 42');
    const before = await page.getByTestId('last-poll').getAttribute('data-at-ms');
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await expect.poll(() => page.getByTestId('last-poll').getAttribute('data-at-ms'), { timeout: 15_000 }).not.toBe(before);
    expect(await page.evaluate('window.__sameDocument')).toBe(42);
  });

  test('a switch from the UI moves ▶ and adds the event', async (ctx) => {
    const unavailable = await switchUnavailableReason(server.url);
    if (unavailable !== null) return ctx.skip(`switching is not implemented by this server yet — ${unavailable}`);
    const target = (await page.locator('tr.next').getAttribute('data-account-id')) ?? '';
    expect(target).not.toBe('');
    await page
      .locator(`tr[data-account-id="${target}"]`)
      .getByRole('button', { name: /^Switch to/ })
      .click();
    await expect.poll(activeRowId, { timeout: 15_000 }).toBe(target);
    await expect.poll(() => page.locator('li[data-kind="account-switched"]').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect((await state()).activeAccountId).toBe(target);
  });

  test('the sessions panel shows a session fed by the heartbeat client', async (ctx) => {
    const unavailable = await heartbeatUnavailableReason(server.url);
    if (unavailable !== null) return ctx.skip(unavailable);
    // A stand-in for the Claude Code process whose life the session follows (its pulser watches it).
    const claude = spawn('sleep', ['120'], { stdio: 'ignore' });
    sleepers.push(claude);
    const sessionId = randomUUID();
    const base = { session_id: sessionId, cwd: '/home/e2e/src/e2e-project' };
    const env = { CLAUDE_PID: String(claude.pid) };
    await runHook({ ...base, hook_event_name: 'SessionStart', source: 'startup' }, env);
    await runHook({ ...base, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_use_id: 'toolu_e2e' }, env);
    const row = page.locator(`tr[data-session-id="${sessionId}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.locator('td').nth(1).textContent()).toBe('e2e-project');
    expect(await row.locator('td').nth(2).textContent()).toBe(sessionId.slice(0, 8));
    await expect.poll(() => row.locator('td.state').textContent(), { timeout: 10_000 }).toMatch(/^tool: Bash \d+s$/);
    await runHook({ ...base, hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_use_id: 'toolu_e2e' }, env);
    await expect.poll(() => row.locator('td.state').textContent(), { timeout: 10_000 }).not.toMatch(/^tool:/);
  });

  test('holds its CSP: nothing on the page was blocked, and injected inline code does not run', async () => {
    expect(await page.evaluate('window.__cspViolations')).toEqual([]);
    const response = await fetch(server.url);
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'/);

    const probe = await context.newPage(); // a separate page: its deliberate violations log console errors
    await probe.goto(server.url);
    await probe.locator('tbody tr[data-account-id]').first().waitFor();
    await probe.evaluate(`(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      document.head.appendChild(script);
      const style = document.createElement('style');
      style.textContent = 'body { outline: 9px solid rgb(255, 0, 0) }';
      document.head.appendChild(style);
    })()`);
    await expect.poll(() => probe.evaluate('window.__cspViolations.length')).toBeGreaterThanOrEqual(2);
    expect(await probe.evaluate('window.__inlineRan')).toBeUndefined();
    expect(await probe.evaluate('getComputedStyle(document.body).outlineStyle')).toBe('none');
    const violations = (await probe.evaluate('window.__cspViolations')) as string[];
    expect(violations.some((v) => v.startsWith('script-src'))).toBe(true);
    expect(violations.some((v) => v.startsWith('style-src'))).toBe(true);
    await probe.close();
  });

  test('saves light and dark screenshots of the dashboard', async () => {
    mkdirSync(DOCS, { recursive: true });
    // Wait until the polls have filled in the figures, so the pictures show a working fleet.
    await expect
      .poll(
        () =>
          page.locator('tbody tr[data-account-id] td.usage .pct').evaluateAll((cells) => cells.filter((c) => c.textContent !== '—').length),
        { timeout: 15_000 },
      )
      .toBeGreaterThanOrEqual(6);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
      await page.screenshot({ path: join(DOCS, `dashboard-${scheme}.png`), fullPage: true });
    }
    await page.emulateMedia({ colorScheme: null });
  });

  test('logged no console errors during the whole run', () => {
    expect(consoleErrors).toEqual([]);
  });

  /** Runs the heartbeat hook client the way Claude Code runs it: the payload on stdin. */
  function runHook(payload: Record<string, unknown>, env: Record<string, string>): Promise<void> {
    return new Promise((resolve, reject) => {
      const args = [
        join(ROOT, 'bin/ccmax-monitor.js'),
        'heartbeat',
        'hook',
        '--url',
        server.url,
        ...(server.dataDir ? ['--data-dir', server.dataDir] : []),
      ];
      const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`heartbeat hook exited ${code}: ${stderr}`))));
      child.stdin?.end(JSON.stringify(payload));
    });
  }
});

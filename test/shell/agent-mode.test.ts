/**
 * The tray app's "connect to a hub" mode, through its ports (no Electron): which settings choose
 * it, what the tray shows as the agent connects, holds a login or is refused, and what its menu does.
 */
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src-main/engine/ports.js';
import { hubConnectSettings, startAgentMode, type AgentModeRunner } from '../../src-main/shell/agent-mode.js';
import { agentTrayModel, hubDashboardUrl } from '../../src-main/shell/tray/agent-tray-model.js';
import type { HeldLogin } from '../../src-main/shared/machines-protocol.js';
import { FakeClock, flushMicrotasks } from '../fakes/fake-clock.js';

describe('choosing "connect to a hub"', () => {
  it('is chosen by --hub or CCMAX_HUB_URL, needs the token, and is off otherwise', () => {
    expect(hubConnectSettings({}, [])).toBeNull();
    expect(hubConnectSettings({ CCMAX_HUB_URL: 'https://hub:47821', CCMAX_TOKEN: 't' }, [])).toEqual({
      hubUrl: 'https://hub:47821',
      token: 't',
    });
    expect(hubConnectSettings({ CCMAX_HUB_URL: 'https://a', CCMAX_TOKEN: 't' }, ['--hub', 'http://b:1'])).toEqual({
      hubUrl: 'http://b:1',
      token: 't',
    });
    expect(() => hubConnectSettings({ CCMAX_HUB_URL: 'https://hub' }, [])).toThrow(/CCMAX_TOKEN/);
  });

  it('opens the hub’s page, whatever form of its address was given', () => {
    expect(hubDashboardUrl('wss://hub.example:47821/agent')).toBe('https://hub.example:47821/');
    expect(hubDashboardUrl('http://10.0.0.2:47821')).toBe('http://10.0.0.2:47821/');
    expect(hubDashboardUrl('ftp://x')).toBeNull();
    expect(hubDashboardUrl('not a url')).toBeNull();
  });
});

describe('the agent tray model', () => {
  const held: HeldLogin = { accountId: 'acct-1234567890', generation: 7, fingerprint: 'abcd1234', expiresAtMs: null };
  it('says reaching, connected with the login held, or refused — with a matching icon', () => {
    const reaching = agentTrayModel({ hubUrl: 'https://hub:1', connected: false, held: null, refused: null }, 'linux');
    expect([reaching.iconName, reaching.tooltip]).toEqual(['tray-high', 'ccmax-monitor agent · Reaching the hub… · holds no login yet']);
    const up = agentTrayModel({ hubUrl: 'https://hub:1', connected: true, held, refused: null }, 'darwin');
    expect(up.iconName).toBe('tray-okTemplate');
    expect(up.tooltip).toBe('ccmax-monitor agent · Connected to the hub · holds acct-123 (generation 7)');
    const refused = agentTrayModel(
      { hubUrl: 'https://hub:1', connected: false, held, refused: 'this machine was revoked (4403)' },
      'linux',
    );
    expect(refused.iconName).toBe('tray-exhausted');
    expect(refused.menu[0]).toMatchObject({ label: 'Refused by the hub: this machine was revoked (4403)', enabled: false });
    expect(refused.tooltip.length).toBeLessThanOrEqual(127);
  });

  it('while the hub is out of reach, says when the held access token runs out, and that Claude Code waits once it has', () => {
    const nowMs = 1_800_000_000_000;
    const expiring = { ...held, expiresAtMs: nowMs + 3 * 3_600_000 + 10 * 60_000 };
    const away = agentTrayModel({ hubUrl: 'https://hub:1', connected: false, held: expiring, refused: null, nowMs }, 'linux');
    expect([away.iconName, away.menu[0]]).toEqual([
      'tray-high',
      expect.objectContaining({ label: 'Reaching the hub… · holds acct-123 (generation 7) · token expires in 3h 10m' }),
    ]);
    const expired = agentTrayModel(
      { hubUrl: 'https://hub:1', connected: false, held: expiring, refused: null, nowMs: expiring.expiresAtMs },
      'linux',
    );
    expect(expired.iconName).toBe('tray-exhausted');
    expect(expired.tooltip).toContain('token expired: Claude Code waits for the hub');
    expect(expired.tooltip.length).toBeLessThanOrEqual(127);
    // Connected: the hub keeps it fresh, nothing about expiry.
    const up = agentTrayModel({ hubUrl: 'https://hub:1', connected: true, held: expiring, refused: null, nowMs }, 'linux');
    expect(up.tooltip).toBe('ccmax-monitor agent · Connected to the hub · holds acct-123 (generation 7)');
  });
});

function harness() {
  const clock = new FakeClock();
  const state = { connected: false, held: null as HeldLogin | null, stopped: 0 };
  let fatal: (code: number, reason: string) => void = () => undefined;
  const runner: AgentModeRunner = {
    agent: { connected: () => state.connected },
    held: () => state.held,
    stop: async () => void state.stopped++,
  };
  const tooltips: string[] = [];
  let menu: MenuItemConstructorOptions[] = [];
  const opened: string[] = [];
  let quits = 0;
  let destroyed = 0;
  const start = () =>
    startAgentMode<string, MenuItemConstructorOptions[]>({
      settings: { hubUrl: 'wss://hub.example:47821', token: 't' },
      startRunner: async (onFatal) => ((fatal = onFatal), runner),
      loadTrayImage: (name) => name,
      createTray: () => ({
        setImage: () => undefined,
        setToolTip: (t) => void tooltips.push(t),
        setTitle: () => undefined,
        setContextMenu: (m) => void (menu = m ?? []),
        on: () => undefined,
        destroy: () => void destroyed++,
      }),
      buildMenu: (template) => template,
      openExternal: async (url) => void opened.push(url),
      quit: () => void quits++,
      platform: 'linux',
      clock,
      logger: silentLogger,
    });
  const click = (id: string) => {
    const item = menu.find((m) => m.id === id);
    if (!item?.click) throw new Error(`no clickable ${id}`);
    (item.click as () => void)();
  };
  return {
    clock,
    state,
    start,
    tooltips,
    click,
    opened,
    quits: () => quits,
    destroyed: () => destroyed,
    fatal: (c: number, r: string) => fatal(c, r),
  };
}

describe('agent mode', () => {
  it('follows the agent’s state in the tray and stops the agent on Quit', async () => {
    const h = harness();
    const mode = await h.start();
    expect(h.tooltips.at(-1)).toContain('Reaching the hub');
    h.state.connected = true;
    h.state.held = { accountId: 'acct-abcdefgh', generation: 2, fingerprint: 'ffff0000', expiresAtMs: null };
    await h.clock.advance(1_000);
    expect(h.tooltips.at(-1)).toBe('ccmax-monitor agent · Connected to the hub · holds acct-abc (generation 2)');
    expect(mode.status()).toMatchObject({ connected: true, refused: null });
    h.click('open-hub-dashboard');
    await flushMicrotasks();
    expect(h.opened).toEqual(['https://hub.example:47821/']);
    h.click('quit');
    await flushMicrotasks();
    expect([h.state.stopped, h.quits(), h.destroyed()]).toEqual([1, 1, 1]);
    await mode.stop();
    expect(h.state.stopped).toBe(1);
  });

  it('shows a refusal by the hub at once, and no longer counts as connected', async () => {
    const h = harness();
    const mode = await h.start();
    h.state.connected = true;
    h.fatal(4403, 'this machine was revoked on the hub');
    expect(h.tooltips.at(-1)).toContain('Refused by the hub: this machine was revoked on the hub (4403)');
    expect(mode.status().connected).toBe(false);
    await mode.stop();
  });
});

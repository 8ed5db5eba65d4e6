import { describe, expect, it } from 'vitest';
import { TOOLTIP_MAX_CHARS, toTrayModel, type TrayMenuItem } from '../../src-main/shell/tray/tray-model.js';
import type { AccountRow, FleetSnapshot } from '../../src-main/shared/view-model.js';
import { makeAccountRow, makeSnapshot } from '../fakes/fake-engine.js';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
const HOUR = 3_600_000;

function row(id: string, email: string, overrides: Partial<AccountRow> = {}): AccountRow {
  return makeAccountRow({ id, email, active: false, ...overrides });
}

/** Three accounts in rotation order; `one` is active. */
function fleet(activeOverrides: Partial<AccountRow> = {}, snapshot: Partial<FleetSnapshot> = {}): FleetSnapshot {
  const accounts = [
    row('one', 'one@example.com', { active: true, order: 0, ...activeOverrides }),
    row('two', 'two@example.com', { order: 1, sevenDay: { utilizationPct: 20, resetsAtMs: T0 + 5 * 24 * HOUR } }),
    row('three', 'three@example.com', {
      order: 2,
      orderGroup: 'unusable',
      status: { kind: 'needs-login' },
      statusText: 'needs login',
      token: { fingerprint: 'ffff0000', health: 'needs-login', expiresAtMs: null, refreshedAtMs: null, refreshPath: null },
    }),
  ];
  return makeSnapshot({ accounts, activeAccountId: 'one', ...snapshot });
}

/** Every account exhausted; `two` comes back first, in 1d 2h. */
function allExhausted(snapshot: Partial<FleetSnapshot> = {}): FleetSnapshot {
  const spent = (id: string, resetInMs: number, active = false): AccountRow =>
    row(id, `${id}@example.com`, { active, orderGroup: 'exhausted', sevenDay: { utilizationPct: 100, resetsAtMs: T0 + resetInMs } });
  return makeSnapshot({ accounts: [spent('two', 26 * HOUR), spent('one', 50 * HOUR, true)], activeAccountId: 'one', ...snapshot });
}

function labels(items: readonly TrayMenuItem[]): string[] {
  return items.map((item) => (item.kind === 'separator' ? '---' : item.label));
}

function item(items: readonly TrayMenuItem[], id: string): Extract<TrayMenuItem, { kind: 'item' }> {
  const found = items.find((i) => i.kind === 'item' && i.id === id);
  if (!found || found.kind !== 'item') throw new Error(`no menu item ${id}`);
  return found;
}

describe('tray icon level', () => {
  const cases: { name: string; snapshot: FleetSnapshot; level: string }[] = [
    {
      name: 'ok below the high threshold',
      snapshot: fleet({ sevenDay: { utilizationPct: 42, resetsAtMs: T0 + HOUR }, fiveHour: { utilizationPct: 10, resetsAtMs: null } }),
      level: 'ok',
    },
    {
      name: 'high when the 7d figure reaches 75 %',
      snapshot: fleet({ sevenDay: { utilizationPct: 75, resetsAtMs: T0 + HOUR } }),
      level: 'high',
    },
    {
      name: 'critical when the 5h figure reaches 90 %',
      snapshot: fleet({ fiveHour: { utilizationPct: 93, resetsAtMs: T0 + HOUR } }),
      level: 'critical',
    },
    { name: 'exhausted when no account is usable', snapshot: allExhausted(), level: 'exhausted' },
  ];
  for (const platform of ['darwin', 'win32', 'linux'] as const) {
    for (const c of cases) {
      it(`shows ${c.level} on ${platform}: ${c.name}`, () => {
        const model = toTrayModel(c.snapshot, platform, T0);
        expect(model.level).toBe(c.level);
        expect(model.iconName).toBe(platform === 'darwin' ? `tray-${c.level}Template` : `tray-${c.level}`);
      });
    }
  }

  it('treats a full 5h window as critical, not exhausted, because it comes back within hours', () => {
    expect(toTrayModel(fleet({ fiveHour: { utilizationPct: 100, resetsAtMs: T0 + HOUR } }), 'linux', T0).level).toBe('critical');
  });

  it('shows a spent active account as critical while another account can take over', () => {
    const snapshot = fleet({ orderGroup: 'exhausted', sevenDay: { utilizationPct: 100, resetsAtMs: T0 + HOUR } });
    expect(toTrayModel(snapshot, 'linux', T0).level).toBe('critical');
  });
});

describe('tray tooltip and title', () => {
  it('names the active account with its 5h and 7d figures', () => {
    const model = toTrayModel(
      fleet({ fiveHour: { utilizationPct: 10.9, resetsAtMs: null }, sevenDay: { utilizationPct: 42.2, resetsAtMs: null } }),
      'win32',
      T0,
    );
    expect(model.tooltip).toBe('ccmax-monitor\none@example.com: 5h 10% · 7d 42%');
  });

  it('shows a short title in the macOS menu bar and none elsewhere', () => {
    const snapshot = fleet({ label: 'work', fiveHour: { utilizationPct: 10, resetsAtMs: null } });
    expect(toTrayModel(snapshot, 'darwin', T0).title).toBe('work · 5h 10% · 7d 42%');
    expect(toTrayModel(snapshot, 'linux', T0).title).toBe('');
    expect(toTrayModel(snapshot, 'win32', T0).title).toBe('');
  });

  it('says when the first account comes back when every account is exhausted', () => {
    const model = toTrayModel(allExhausted(), 'darwin', T0);
    expect(model.tooltip).toContain('All accounts exhausted; two@example.com back in 1d 2h');
    expect(model.title).toBe('all spent · back 1d 2h');
  });

  it('marks the demo fleet and a paused rotation', () => {
    const model = toTrayModel(fleet({}, { demo: true, paused: true }), 'darwin', T0);
    expect(model.tooltip.split('\n')[0]).toBe('ccmax-monitor DEMO (rotation paused)');
    expect(model.title.startsWith('DEMO ')).toBe(true);
    expect(model.title.endsWith(' ⏸')).toBe(true);
  });

  it('keeps the tooltip within the Windows limit even for very long addresses', () => {
    const long = `${'a'.repeat(150)}@example.com`;
    const model = toTrayModel(fleet({ email: long, label: 'x'.repeat(80) }), 'win32', T0);
    expect(model.tooltip.length).toBeLessThanOrEqual(TOOLTIP_MAX_CHARS);
    expect(model.tooltip.endsWith('…') || model.tooltip.includes('…')).toBe(true);
  });

  it('says there is no active account when Claude Code uses none of the fleet', () => {
    const model = toTrayModel(fleet({ active: false }, { activeAccountId: null }), 'linux', T0);
    expect(model.level).toBe('ok');
    expect(model.tooltip).toBe('ccmax-monitor\nNo active account');
    expect(labels(model.menu)).toContain('No active account');
  });
});

describe('session-owner guard in the tray', () => {
  const guardOn = { on: true, configs: [{ path: '/home/dev/.claude.json', state: 'on' as const }] };
  const rotation = { pinnedAccountId: null, pendingSwitch: null, allExhausted: null, lastDecision: null };

  it('says nothing while the guard is off', () => {
    const model = toTrayModel(fleet(), 'linux', T0);
    expect(model.tooltip).not.toContain('Guard');
    expect(model.menu.some((i) => i.kind === 'item' && i.id === 'session-owner-guard')).toBe(false);
  });

  it('says the guard is on in the tooltip and the menu', () => {
    const model = toTrayModel(fleet({}, { sessionOwnerGuard: guardOn, rotation: { ...rotation, guardHold: null } }), 'linux', T0);
    expect(model.tooltip).toBe('ccmax-monitor\none@example.com: 5h 10% · 7d 42%\nGuard on: switches wait for idle sessions');
    expect(labels(model.menu)).toContain('Guard on: switches wait for idle sessions');
  });

  it('says a switch is held and for how many sessions, within the tooltip limit', () => {
    const guardHold = { toId: 'acct-2', trigger: 'breach', sinceMs: T0 - 60_000, sessionCount: 2 };
    const snapshot = fleet(
      { email: `${'a'.repeat(60)}@example.com` },
      { sessionOwnerGuard: guardOn, rotation: { ...rotation, guardHold } },
    );
    const model = toTrayModel(snapshot, 'win32', T0);
    expect(model.tooltip.length).toBeLessThanOrEqual(TOOLTIP_MAX_CHARS);
    expect(model.tooltip.endsWith('Guard on: switch waits for 2 sessions')).toBe(true);
    const switchNow = model.menu.find((i) => i.kind === 'item' && i.id === 'switch-now');
    expect(switchNow).toMatchObject({ enabled: true, command: { kind: 'switch-now' } });
  });

  it('offers "Switch now" only while a switch is held', () => {
    const model = toTrayModel(fleet({}, { sessionOwnerGuard: guardOn, rotation: { ...rotation, guardHold: null } }), 'linux', T0);
    expect(model.menu.some((i) => i.kind === 'item' && i.id === 'switch-now')).toBe(false);
  });
});

describe('tray menu', () => {
  it('lists the accounts in rotation order with figures, ▶ on the active one and the next in line', () => {
    const model = toTrayModel(fleet(), 'linux', T0);
    const accountLines = model.menu.filter((i) => i.kind === 'item' && i.id.startsWith('account:'));
    expect(labels(accountLines)).toEqual([
      '▶ one@example.com  7d 42% · 5h 10%',
      'two@example.com  7d 20% · 5h 10% · next',
      'three@example.com  needs login',
    ]);
  });

  it('ends with the actions of PRODUCT §1 in order', () => {
    const model = toTrayModel(fleet(), 'linux', T0);
    expect(labels(model.menu).slice(-8)).toEqual([
      '---',
      'Switch to…',
      'Pause rotation',
      '---',
      'Open dashboard',
      'Refresh now',
      '---',
      'Quit',
    ]);
    expect(item(model.menu, 'open-dashboard').command).toEqual({ kind: 'open-dashboard' });
    expect(item(model.menu, 'refresh-now').command).toEqual({ kind: 'refresh-now' });
    expect(item(model.menu, 'quit').command).toEqual({ kind: 'quit' });
  });

  it('offers every usable account except the active one in "Switch to…"', () => {
    const submenu = item(toTrayModel(fleet(), 'linux', T0).menu, 'switch-to').submenu ?? [];
    const [one, two, three] = submenu.map((i) => (i.kind === 'item' ? i : null));
    expect(one).toMatchObject({ label: 'one@example.com', checked: true, enabled: false });
    expect(two).toMatchObject({
      label: 'two@example.com',
      checked: false,
      enabled: true,
      command: { kind: 'switch-to', accountId: 'two' },
    });
    expect(three).toMatchObject({ label: 'three@example.com (needs login)', enabled: false });
  });

  it('shows exhausted accounts with when they come back and keeps them out of reach in "Switch to…"', () => {
    const model = toTrayModel(allExhausted(), 'linux', T0);
    expect(labels(model.menu)).toContain('two@example.com  7d 100% · 5h 10% · back in 1d 2h');
    expect(labels(model.menu)[0]).toBe('All accounts exhausted; two@example.com back in 1d 2h');
    const submenu = item(model.menu, 'switch-to').submenu ?? [];
    expect(submenu.every((i) => i.kind === 'item' && !i.enabled)).toBe(true);
    expect(labels(submenu)).toEqual(['two@example.com (exhausted)', 'one@example.com (exhausted)']);
  });

  it('offers "Resume rotation" while paused and says it is paused', () => {
    const model = toTrayModel(fleet({}, { paused: true }), 'linux', T0);
    expect(item(model.menu, 'resume-rotation').command).toEqual({ kind: 'resume-rotation' });
    expect(labels(model.menu)).not.toContain('Pause rotation');
    expect(labels(model.menu)).toContain('Rotation paused');
  });

  it('offers "Pause rotation" while rotating', () => {
    expect(item(toTrayModel(fleet(), 'linux', T0).menu, 'pause-rotation').command).toEqual({ kind: 'pause-rotation' });
  });

  it('puts a DEMO marker at the top of the demo fleet menu', () => {
    const first = toTrayModel(fleet({}, { demo: true }), 'win32', T0).menu[0];
    expect(first).toMatchObject({ kind: 'item', label: 'DEMO: simulated fleet', enabled: false });
  });

  it('shows the age of stale figures', () => {
    const model = toTrayModel(fleet({ stale: true, usageReadAtMs: T0 - 25 * 60_000 }), 'linux', T0);
    expect(item(model.menu, 'account:one').label).toBe('▶ one@example.com  7d 42% · 5h 10% · 25m old');
  });

  it('invites adding an account when the fleet is empty', () => {
    const model = toTrayModel(makeSnapshot({ accounts: [], activeAccountId: null }), 'darwin', T0);
    expect(labels(model.menu)[0]).toBe('No accounts yet: open the dashboard to add one');
    expect(item(model.menu, 'switch-to').enabled).toBe(false);
    expect(model.title).toBe('no accounts');
  });

  it('shows a dash for figures the endpoint did not report', () => {
    const model = toTrayModel(fleet({ fiveHour: { utilizationPct: null, resetsAtMs: null } }), 'linux', T0);
    expect(model.tooltip).toContain('5h — · 7d 42%');
  });
});

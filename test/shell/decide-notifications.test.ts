import { describe, expect, it } from 'vitest';
import {
  EMPTY_NOTICE_MEMORY,
  LONG_DEFERRAL_MS,
  toNotifications,
  type NoticeInput,
  type NoticeMemory,
} from '../../src-main/shell/notifications/decide-notifications.js';
import type { EngineEvent } from '../../src-main/shared/event-types.js';
import type { AccountRow, FleetSnapshot } from '../../src-main/shared/view-model.js';
import { makeAccountRow, makeSnapshot } from '../fakes/fake-engine.js';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
const HOUR = 3_600_000;
const formatClock = (atMs: number): string => `clock(${(atMs - T0) / HOUR}h)`;

const one = makeAccountRow({ id: 'one', email: 'one@example.com', active: true });
const two = makeAccountRow({ id: 'two', email: 'two@example.com', active: false, order: 1 });

function snap(overrides: Partial<FleetSnapshot> = {}): FleetSnapshot {
  return makeSnapshot({
    accounts: [one, two],
    activeAccountId: 'one',
    lastSwitch: { atMs: T0 - HOUR, trigger: 'perishable', fromId: null, toId: 'one' },
    ...overrides,
  });
}

function decide(input: Partial<NoticeInput> & { next: FleetSnapshot }) {
  return toNotifications({ prev: null, events: [], memory: EMPTY_NOTICE_MEMORY, nowMs: T0, formatClock, ...input });
}

function event(kind: EngineEvent['kind'], atMs: number, message: string, data?: EngineEvent['data']): EngineEvent {
  return { atMs, kind, level: 'info', message, ...(data ? { data } : {}) };
}

const switchedToTwo = (trigger: string, atMs = T0): FleetSnapshot =>
  snap({
    accounts: [
      { ...one, active: false },
      { ...two, active: true },
    ],
    activeAccountId: 'two',
    lastSwitch: { atMs, trigger, fromId: 'one', toId: 'two' },
  });

const exhausted = (row: AccountRow, resetInMs: number): AccountRow => ({
  ...row,
  orderGroup: 'exhausted',
  sevenDay: { utilizationPct: 100, resetsAtMs: T0 + resetInMs },
});

describe('switch notices', () => {
  it('announces a switch with from → to and why', () => {
    const { notices } = decide({ prev: snap(), next: switchedToTwo('breach') });
    expect(notices).toEqual([
      { key: `switch:${T0}:two`, title: 'Switched to two@example.com', body: 'From one@example.com: its 5-hour limit was reached.' },
    ]);
  });

  it('does not announce the switch that was already the last one at start-up', () => {
    expect(decide({ prev: null, next: switchedToTwo('breach') }).notices).toEqual([]);
  });

  it('announces the same switch only once across repeated snapshots', () => {
    const first = decide({ prev: snap(), next: switchedToTwo('manual') });
    const again = decide({ prev: snap(), next: switchedToTwo('manual'), memory: first.memory });
    expect(first.notices).toHaveLength(1);
    expect(again.notices).toEqual([]);
  });

  it('says "you chose it" for a manual switch and marks the demo', () => {
    const next = { ...switchedToTwo('manual'), demo: true };
    const [notice] = decide({ prev: snap({ demo: true }), next }).notices;
    expect(notice?.title).toBe('DEMO: Switched to two@example.com');
    expect(notice?.body).toBe('From one@example.com: you chose it.');
  });
});

describe('long deferral notices', () => {
  const inTool = snap({
    sessions: [
      {
        id: 's',
        host: 'h',
        cwd: '/p',
        state: { kind: 'tool', toolName: 'Bash', sinceMs: T0 },
        lastPulseAtMs: T0,
        accountId: 'one',
        loginOverrides: [],
      },
    ],
  });
  const deferred = event('switch-deferred', T0, 'Deferred the switch to two@example.com while session s runs Bash.');

  function run(steps: { atMs: number; events?: EngineEvent[]; next?: FleetSnapshot }[]) {
    let memory: NoticeMemory = EMPTY_NOTICE_MEMORY;
    let prev: FleetSnapshot | null = inTool;
    const out: string[][] = [];
    for (const step of steps) {
      const next = step.next ?? inTool;
      const decision = decide({ prev, next, events: step.events ?? [], memory, nowMs: step.atMs });
      memory = decision.memory;
      prev = next;
      out.push(decision.notices.map((n) => `${n.title} | ${n.body}`));
    }
    return out;
  }

  it('announces a deferral once it has waited long, and only once', () => {
    const out = run([
      { atMs: T0, events: [deferred] },
      { atMs: T0 + LONG_DEFERRAL_MS - 1 },
      { atMs: T0 + LONG_DEFERRAL_MS },
      { atMs: T0 + 2 * LONG_DEFERRAL_MS, events: [{ ...deferred, atMs: T0 + 60_000 }] },
    ]);
    expect(out).toEqual([
      [],
      [],
      ['Switch still waiting | Deferred the switch to two@example.com while session s runs Bash. Waiting for 3m.'],
      [],
    ]);
  });

  it('stays quiet when the deferred switch is carried out in time', () => {
    const out = run([
      { atMs: T0, events: [deferred] },
      { atMs: T0 + 60_000, next: switchedToTwo('breach', T0 + 60_000) },
      { atMs: T0 + 2 * LONG_DEFERRAL_MS },
    ]);
    expect(out.flat().filter((n) => n.startsWith('Switch still waiting'))).toEqual([]);
  });

  it('dates the deferral from its deferredMs figure', () => {
    const late = event('switch-deferred', T0, 'Deferred.', { deferredMs: LONG_DEFERRAL_MS });
    expect(run([{ atMs: T0, events: [late] }])[0]).toEqual(['Switch still waiting | Deferred. Waiting for 3m.']);
  });

  it('forgets a deferral once no session holds the switch back', () => {
    const out = run([
      { atMs: T0, events: [deferred] },
      { atMs: T0 + 60_000, next: snap({ sessions: [] }) },
      { atMs: T0 + 2 * LONG_DEFERRAL_MS },
    ]);
    expect(out.flat()).toEqual([]);
  });
});

describe('login needed notices', () => {
  const dead: AccountRow = {
    ...two,
    orderGroup: 'unusable',
    status: { kind: 'needs-login' },
    statusText: 'needs login',
    token: { ...two.token, health: 'needs-login' },
  };

  it('announces an account needing a login once until it recovers', () => {
    const first = decide({ prev: snap(), next: snap({ accounts: [one, dead] }) });
    expect(first.notices.map((n) => n.title)).toEqual(['two@example.com needs a new login']);
    expect(first.notices[0]?.body).toContain('claude /login');
    const again = decide({ prev: snap({ accounts: [one, dead] }), next: snap({ accounts: [one, dead] }), memory: first.memory });
    expect(again.notices).toEqual([]);
    const healed = decide({ prev: snap({ accounts: [one, dead] }), next: snap(), memory: again.memory });
    const deadAgain = decide({ prev: snap(), next: snap({ accounts: [one, dead] }), memory: healed.memory });
    expect(deadAgain.notices.map((n) => n.title)).toEqual(['two@example.com needs a new login']);
  });

  it('does not nag about a disabled account', () => {
    expect(decide({ next: snap({ accounts: [one, { ...dead, enabled: false }] }) }).notices).toEqual([]);
  });
});

describe('fleet exhausted and back', () => {
  const spent = snap({ accounts: [exhausted(two, 26 * HOUR), exhausted(one, 50 * HOUR)] });

  it('announces the whole fleet exhausted with when the first account comes back', () => {
    const { notices } = decide({ prev: snap(), next: spent });
    expect(notices).toEqual([
      {
        key: `exhausted:${T0}`,
        title: 'All accounts exhausted',
        body: 'two@example.com comes back in 1d 2h (clock(26h)); rotation switches to it then. Claude Code stays on one@example.com.',
      },
    ]);
  });

  it('announces exhaustion once, then the fleet coming back once', () => {
    const first = decide({ prev: snap(), next: spent });
    const still = decide({ prev: spent, next: spent, memory: first.memory, nowMs: T0 + HOUR });
    const back = decide({ prev: spent, next: snap(), memory: still.memory, nowMs: T0 + 26 * HOUR });
    const stillBack = decide({ prev: snap(), next: snap(), memory: back.memory, nowMs: T0 + 27 * HOUR });
    expect(still.notices).toEqual([]);
    expect(back.notices.map((n) => `${n.title}: ${n.body}`)).toEqual(['Fleet back: one@example.com is usable again; rotation continues.']);
    expect(stillBack.notices).toEqual([]);
  });

  it('says no account is usable when none is merely exhausted', () => {
    const broken = snap({
      accounts: [
        { ...one, orderGroup: 'unusable' },
        { ...two, orderGroup: 'unusable' },
      ],
    });
    expect(decide({ next: broken }).notices.map((n) => n.title)).toEqual(['No usable account']);
  });

  it('says nothing about an empty fleet', () => {
    expect(decide({ next: snap({ accounts: [], activeAccountId: null }) }).notices).toEqual([]);
  });
});

describe('another tool writing Claude Code’s login', () => {
  const warning = event(
    'foreign-writer-detected',
    T0,
    "Another tool is writing Claude Code's login: 3 changes in 10 minutes … Close other switchers.",
  );

  it('announces the engine’s warning once, with its words', () => {
    const first = decide({ prev: snap(), next: snap(), events: [warning] });
    expect(first.notices).toEqual([
      { key: `foreign-writer:${T0}`, title: 'Another tool is writing Claude Code’s login', body: warning.message },
    ]);
    const again = decide({ prev: snap(), next: snap(), events: [warning], memory: first.memory });
    expect(again.notices).toEqual([]);
  });

  it('says nothing for a single change by another tool (only the warning is announced)', () => {
    const change = event('login-changed', T0, "Claude Code's login changed: another tool wrote …", { by: 'unknown-writer' });
    expect(decide({ prev: snap(), next: snap(), events: [change] }).notices).toEqual([]);
  });
});

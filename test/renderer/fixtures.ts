/**
 * Renderer test helpers: plausible snapshots and rows, a fake bridge that records every command
 * and lets a test push snapshots, and `renderDashboard` which renders a component with a
 * FleetState in context and a clock the test controls.
 */
import { toNextInLine } from '../../src-main/engine/fleet/next-in-line.js';
import { render } from '@testing-library/svelte';
import type { Component } from 'svelte';
import { COMMAND_NAMES, type CommandHandlers, type CommandName, type CommandResult } from '../../src-main/shared/contract.js';
import type { EngineEvent } from '../../src-main/shared/event-types.js';
import { err, ok } from '../../src-main/shared/result.js';
import type { AccountRow, FleetSnapshot } from '../../src-main/shared/view-model.js';
import type { ConnectionState, DashboardBridge } from '../../src-renderer/lib/bridge-types.js';
import { FLEET_KEY } from '../../src-renderer/lib/context.js';
import { FleetState } from '../../src-renderer/lib/fleet-state.svelte.js';
import { Ticker } from '../../src-renderer/lib/ticker.svelte.js';

export const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** A healthy, usable account row; override any field. */
export function makeRow(overrides: Partial<AccountRow> = {}): AccountRow {
  return {
    id: 'acct-1',
    email: 'one@example.com',
    label: null,
    displayName: 'One',
    plan: 'Max 20x',
    enabled: true,
    active: false,
    order: 0,
    orderGroup: 'usable',
    sevenDay: { utilizationPct: 42, resetsAtMs: T0 + 3 * DAY + 9 * HOUR },
    fiveHour: { utilizationPct: 10, resetsAtMs: T0 + 4 * HOUR + 26 * MIN },
    extraWindows: [],
    usageSource: 'poll',
    usageReadAtMs: T0 - MIN,
    stale: false,
    token: { fingerprint: 'a1b2c3d4', health: 'healthy', expiresAtMs: T0 + 8 * HOUR, refreshedAtMs: T0 - HOUR, refreshPath: 'auto' },
    status: { kind: 'ok' },
    statusText: 'ok',
    lastPollAtMs: T0 - MIN,
    nextPollAtMs: T0 + 4 * MIN,
    custody: null,
    ...overrides,
  };
}

/** Three accounts in rotation order, the first one active. */
export function makeFleet(): AccountRow[] {
  return [
    makeRow({
      id: 'acct-b',
      email: 'blake@example.com',
      active: true,
      order: 0,
      sevenDay: { utilizationPct: 93, resetsAtMs: T0 + 2 * DAY },
    }),
    makeRow({ id: 'acct-c', email: 'casey@example.com', order: 1, sevenDay: { utilizationPct: 20, resetsAtMs: T0 + 4 * DAY } }),
    makeRow({ id: 'acct-a', email: 'alex@example.com', order: 2, sevenDay: { utilizationPct: 5, resetsAtMs: T0 + 6 * DAY } }),
  ];
}

/** A complete snapshot of `makeFleet()`; override any field. */
export function makeSnapshot(overrides: Partial<FleetSnapshot> = {}): FleetSnapshot {
  const accounts = overrides.accounts ?? makeFleet();
  const snapshot: Omit<FleetSnapshot, 'nextInLine'> & Partial<Pick<FleetSnapshot, 'nextInLine'>> = {
    product: 'ccmax-monitor',
    version: '9.9.9-test',
    demo: false,
    generatedAtMs: T0,
    vault: { kind: 'keychain', location: 'ccmax-monitor' },
    accounts,
    activeAccountId: accounts.find((a) => a.active)?.id ?? null,
    activeMatchedBy: 'access-token',
    lastPollAtMs: T0 - MIN,
    nextRefreshAtMs: T0 + 3 * MIN + 7_000,
    nextTokenRefreshAtMs: T0 + 7 * HOUR,
    lastSwitch: { atMs: T0 - 10 * MIN, trigger: 'perishable', fromId: null, toId: accounts.find((a) => a.active)?.id ?? 'x' },
    paused: false,
    sessions: [],
    activeSessionCount: 0,
    settings: {
      fiveHourThresholdPct: 80,
      hysteresisPct: 10,
      activePollIntervalMs: 2 * MIN,
      parkedPollIntervalMs: 15 * MIN,
      minDwellMs: 5 * MIN,
      deferralMode: 'tool',
      notifications: true,
    },
    sessionOwnerGuard: { on: false, configs: [{ path: '/home/dev/.claude.json', state: 'unset' }] },
    ...overrides,
  };
  // Like the engine: next in line follows from the rows, the pending switch and the threshold.
  const nextInLine =
    snapshot.nextInLine !== undefined
      ? snapshot.nextInLine
      : toNextInLine(snapshot.accounts, snapshot.rotation?.pendingSwitch?.toId ?? null, snapshot.settings.fiveHourThresholdPct);
  return { ...snapshot, nextInLine };
}

export interface RecordedCall {
  readonly name: CommandName;
  readonly args: unknown;
}

/** A bridge that records calls; `results[name]` sets what a command answers (default: success). */
export class FakeBridge implements DashboardBridge {
  transport: 'electron' | 'websocket' = 'websocket';
  readonly calls: RecordedCall[] = [];
  results: Partial<Record<CommandName, CommandResult<unknown>>> = {};
  events: EngineEvent[] = [];
  #snapshot: FleetSnapshot | null = null;
  #connection: ConnectionState = 'open';
  readonly #snapshotListeners = new Set<(s: FleetSnapshot) => void>();
  readonly #connectionListeners = new Set<(s: ConnectionState) => void>();
  declare getSnapshot: CommandHandlers['getSnapshot'];
  declare getEvents: CommandHandlers['getEvents'];
  declare refreshNow: CommandHandlers['refreshNow'];
  declare switchTo: CommandHandlers['switchTo'];
  declare switchNow: CommandHandlers['switchNow'];
  declare pauseRotation: CommandHandlers['pauseRotation'];
  declare resumeRotation: CommandHandlers['resumeRotation'];
  declare importFromClaudeCode: CommandHandlers['importFromClaudeCode'];
  declare addFromCredentialsJson: CommandHandlers['addFromCredentialsJson'];
  declare setLabel: CommandHandlers['setLabel'];
  declare setEnabled: CommandHandlers['setEnabled'];
  declare removeAccount: CommandHandlers['removeAccount'];
  declare updateSettings: CommandHandlers['updateSettings'];
  declare getHistory: CommandHandlers['getHistory'];
  declare getInsights: CommandHandlers['getInsights'];
  declare replay: CommandHandlers['replay'];
  declare revokeMachine: CommandHandlers['revokeMachine'];

  constructor(snapshot: FleetSnapshot | null = null) {
    this.#snapshot = snapshot;
    for (const name of COMMAND_NAMES) {
      (this as unknown as Record<string, unknown>)[name] = async (args: unknown) => {
        this.calls.push({ name, args });
        return this.results[name] ?? this.#defaultResult(name);
      };
    }
  }

  #defaultResult(name: CommandName): CommandResult<unknown> {
    if (name === 'getEvents') return ok(this.events);
    if (name === 'getSnapshot') return ok(this.#snapshot);
    if (name === 'pauseRotation') return ok({ paused: true });
    if (name === 'resumeRotation') return ok({ paused: false });
    if (name === 'updateSettings') return ok(this.#snapshot?.settings);
    // Like a monitor that keeps no history (an observer): the history panel says so.
    if (name === 'getHistory' || name === 'getInsights') return err({ code: 'unavailable', message: 'This monitor keeps no history.' });
    return ok({ accepted: true, id: 'acct-new', email: 'new@example.com', label: null, enabled: true, plan: null, outcome: 'added' });
  }

  /** Calls of one command, in order. */
  callsOf(name: CommandName): unknown[] {
    return this.calls.filter((c) => c.name === name).map((c) => c.args);
  }

  push(snapshot: FleetSnapshot): void {
    this.#snapshot = snapshot;
    for (const listener of this.#snapshotListeners) listener(snapshot);
  }

  setConnection(state: ConnectionState): void {
    this.#connection = state;
    for (const listener of this.#connectionListeners) listener(state);
  }

  onSnapshot(listener: (s: FleetSnapshot) => void): () => void {
    this.#snapshotListeners.add(listener);
    if (this.#snapshot) listener(this.#snapshot);
    return () => this.#snapshotListeners.delete(listener);
  }

  onConnection(listener: (s: ConnectionState) => void): () => void {
    this.#connectionListeners.add(listener);
    listener(this.#connection);
    return () => this.#connectionListeners.delete(listener);
  }

  dispose(): void {}
}

export interface Rendered {
  readonly bridge: FakeBridge;
  readonly fleet: FleetState;
  readonly clock: { nowMs: number };
}

/** Renders `component` inside a dashboard context fed by a FakeBridge holding `snapshot`. */
export function renderDashboard<P extends Record<string, unknown>>(
  component: Component<P>,
  options: { snapshot?: FleetSnapshot | null; props?: P; nowMs?: number; bridge?: FakeBridge } = {},
): Rendered {
  const bridge = options.bridge ?? new FakeBridge(options.snapshot === undefined ? makeSnapshot() : options.snapshot);
  const clock = { nowMs: options.nowMs ?? T0 };
  const fleet = new FleetState(bridge, new Ticker({ now: () => clock.nowMs }));
  render(component as Component, { props: options.props ?? {}, context: new Map([[FLEET_KEY, fleet]]) });
  return { bridge, fleet, clock };
}

/**
 * An in-memory {@link Engine} for server, CLI and shell tests: a snapshot tests mutate and push,
 * recorded calls, and switches that make any method throw or an account operation fail.
 */
import { toNextInLine } from '../../src-main/engine/fleet/next-in-line.js';
import type { AccountOpError, AccountSummary, AccountsApi, Engine, EventQuery } from '../../src-main/engine/engine-types.js';
import type { EngineEvent } from '../../src-main/engine/events/event-types.js';
import { SettingsSchema, type Settings } from '../../src-main/engine/storage/state-schema.js';
import { err, ok, type Result } from '../../src-main/shared/result.js';
import type { AccountRow, FleetSnapshot } from '../../src-main/shared/view-model.js';
import { toSettingsView } from '../../src-main/engine/fleet/build-snapshot.js';

/** Methods the fake can be told to throw from (`engine.throwOn.add('snapshot')`). */
export type FakeEngineMethod =
  | 'snapshot'
  | 'refreshNow'
  | 'events'
  | 'settings'
  | 'updateSettings'
  | 'subscribe'
  | 'accounts.list'
  | 'accounts.add'
  | 'accounts.import'
  | 'accounts.setLabel'
  | 'accounts.setEnabled'
  | 'accounts.remove';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);

/** A complete, plausible account row; override any field. */
export function makeAccountRow(overrides: Partial<AccountRow> = {}): AccountRow {
  return {
    id: 'acct-1',
    email: 'one@example.com',
    label: null,
    displayName: 'One',
    plan: 'Max 20x',
    enabled: true,
    active: true,
    order: 0,
    orderGroup: 'usable',
    sevenDay: { utilizationPct: 42, resetsAtMs: T0 + 3 * 86_400_000 },
    fiveHour: { utilizationPct: 10, resetsAtMs: T0 + 2 * 3_600_000 },
    extraWindows: [{ name: 'seven_day_sonnet', utilizationPct: 1, resetsAtMs: T0 + 5 * 86_400_000 }],
    usageSource: 'poll',
    usageReadAtMs: T0 - 60_000,
    stale: false,
    token: {
      fingerprint: 'a1b2c3d4',
      health: 'healthy',
      expiresAtMs: T0 + 8 * 3_600_000,
      refreshedAtMs: T0 - 3_600_000,
      refreshPath: 'auto',
    },
    status: { kind: 'ok' },
    statusText: 'ok',
    lastPollAtMs: T0 - 60_000,
    nextPollAtMs: T0 + 240_000,
    custody: null,
    ...overrides,
  };
}

/** A complete snapshot with one active account; override any field. */
export function makeSnapshot(overrides: Partial<FleetSnapshot> = {}): FleetSnapshot {
  const settings = SettingsSchema.parse({});
  const snapshot: Omit<FleetSnapshot, 'nextInLine'> & Partial<Pick<FleetSnapshot, 'nextInLine'>> = {
    product: 'ccmax-monitor',
    version: '0.0.0-test',
    demo: false,
    generatedAtMs: T0,
    vault: { kind: 'file', location: '/tmp/vault.json' },
    accounts: [makeAccountRow()],
    activeAccountId: 'acct-1',
    activeMatchedBy: 'access-token',
    lastPollAtMs: T0 - 60_000,
    nextRefreshAtMs: T0 + 240_000,
    nextTokenRefreshAtMs: T0 + 7 * 3_600_000,
    lastSwitch: { atMs: T0 - 600_000, trigger: 'perishable', fromId: null, toId: 'acct-1' },
    paused: false,
    sessions: [
      {
        id: 'sess-1',
        host: 'devbox',
        cwd: '/src/app',
        state: { kind: 'tool', toolName: 'Bash', sinceMs: T0 - 5_000 },
        lastPulseAtMs: T0 - 2_000,
        accountId: 'acct-1',
        loginOverrides: [],
      },
    ],
    activeSessionCount: 1,
    sessionOwnerGuard: { on: false, configs: [{ path: '/home/dev/.claude.json', state: 'unset' }] },
    settings: toSettingsView(settings),
    ...overrides,
  };
  // Like the engine: next in line follows from the rows, the pending switch and the threshold.
  const nextInLine =
    snapshot.nextInLine !== undefined
      ? snapshot.nextInLine
      : toNextInLine(snapshot.accounts, snapshot.rotation?.pendingSwitch?.toId ?? null, snapshot.settings.fiveHourThresholdPct);
  return { ...snapshot, nextInLine };
}

/** The fake engine. Public fields are the knobs and the recordings. */
export class FakeEngine implements Engine {
  snapshotValue: FleetSnapshot = makeSnapshot();
  accountList: AccountSummary[] = [{ id: 'acct-1', email: 'one@example.com', label: null, enabled: true, plan: 'Max 20x' }];
  eventList: EngineEvent[] = [
    {
      atMs: T0 - 120_000,
      kind: 'usage-polled',
      level: 'info',
      message: 'Polled one@example.com.',
      accountId: 'acct-1',
      data: { sevenDayPct: 42 },
    },
    {
      atMs: T0 - 60_000,
      kind: 'account-switched',
      level: 'info',
      message: 'Switched to one@example.com.',
      accountId: 'acct-1',
      data: { trigger: 'perishable' },
    },
  ];
  settingsValue: Settings = SettingsSchema.parse({});
  /** Methods that throw `Error('fake engine failure: <method>')` until removed. */
  readonly throwOn = new Set<FakeEngineMethod>();
  /** When set, the next account operation fails with this error. */
  nextAccountError: AccountOpError | null = null;
  /** When set, `refreshNow` waits for it (to prove the server does not hold the request). */
  refreshGate: Promise<void> | null = null;
  /** When set, `accounts.importFromClaudeCode` waits for it (to hold a call in flight). */
  importGate: Promise<void> | null = null;
  /** Accounts `switchTo` refuses as `unusable` (disabled or needing a login). */
  readonly unusableAccountIds = new Set<string>();
  readonly calls = {
    refreshNow: [] as (string | undefined)[],
    addFromCredentialsJson: [] as string[],
    importFromClaudeCode: 0,
    events: [] as (EventQuery | undefined)[],
    updateSettings: [] as Partial<Settings>[],
    switchTo: [] as (string | null)[],
    switchNow: 0,
    revokeMachine: [] as string[],
    pause: 0,
    resume: 0,
  };
  readonly #listeners = new Set<(snapshot: FleetSnapshot) => void>();

  get listenerCount(): number {
    return this.#listeners.size;
  }

  /** Replaces fields of the snapshot and pushes it to subscribers. */
  setSnapshot(patch: Partial<FleetSnapshot>): FleetSnapshot {
    this.snapshotValue = { ...this.snapshotValue, ...patch };
    for (const listener of this.#listeners) listener(this.snapshotValue);
    return this.snapshotValue;
  }

  async load(): Promise<void> {}

  switchTo(accountId: string | null): ReturnType<Engine['switchTo']> {
    this.calls.switchTo.push(accountId);
    if (accountId !== null && !this.accountList.some((a) => a.id === accountId)) {
      return { ok: false, error: { kind: 'not-found', message: `No account has the id '${accountId}'.` } };
    }
    if (accountId !== null && this.unusableAccountIds.has(accountId)) {
      return { ok: false, error: { kind: 'unusable', message: `${accountId} cannot be used now (it needs a new login).` } };
    }
    return { ok: true, value: { pinnedAccountId: accountId } };
  }

  /** What `switchNow` answers (true: a held switch goes ahead). */
  switchNowAccepted = true;

  switchNow(): boolean {
    this.calls.switchNow++;
    return this.switchNowAccepted;
  }

  /** Machines `revokeMachine` knows; null: not a hub. */
  machineIds: Set<string> | null = null;

  revokeMachine(machineId: string): ReturnType<Engine['revokeMachine']> {
    this.calls.revokeMachine.push(machineId);
    if (this.machineIds === null) return 'not-a-hub';
    return this.machineIds.has(machineId) ? 'revoked' : 'not-found';
  }

  pause(): void {
    this.calls.pause++;
    this.setSnapshot({ paused: true });
  }

  resume(): void {
    this.calls.resume++;
    this.setSnapshot({ paused: false });
  }

  async settleRotation(): Promise<void> {}

  activeAccountId(): string | null {
    return this.snapshotValue.activeAccountId;
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  loginsAtRisk(): readonly string[] {
    return [];
  }

  snapshot(): FleetSnapshot {
    this.#maybeThrow('snapshot');
    return this.snapshotValue;
  }

  subscribe(listener: (snapshot: FleetSnapshot) => void): () => void {
    this.#maybeThrow('subscribe');
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async refreshNow(accountId?: string): Promise<void> {
    this.#maybeThrow('refreshNow');
    this.calls.refreshNow.push(accountId);
    if (this.refreshGate) await this.refreshGate;
  }

  events(query?: EventQuery): readonly EngineEvent[] {
    this.#maybeThrow('events');
    this.calls.events.push(query);
    const kinds = query?.kinds ? new Set(query.kinds) : null;
    return this.eventList
      .filter((e) => (query?.sinceMs === undefined || e.atMs >= query.sinceMs) && (!kinds || kinds.has(e.kind)))
      .filter((e) => query?.accountId === undefined || e.accountId === query.accountId)
      .sort((a, b) => b.atMs - a.atMs)
      .slice(0, query?.limit ?? 200);
  }

  settings(): Settings {
    this.#maybeThrow('settings');
    return this.settingsValue;
  }

  updateSettings(patch: Partial<Settings>): Result<Settings, { readonly kind: 'invalid'; readonly message: string }> {
    this.#maybeThrow('updateSettings');
    this.calls.updateSettings.push(patch);
    const parsed = SettingsSchema.safeParse({ ...this.settingsValue, ...patch });
    if (!parsed.success)
      return err({ kind: 'invalid', message: `Settings are not valid: ${parsed.error.issues[0]?.message ?? 'invalid'}.` });
    this.settingsValue = parsed.data;
    return ok(parsed.data);
  }

  readonly accounts: AccountsApi = {
    importFromClaudeCode: async () => {
      this.#maybeThrow('accounts.import');
      this.calls.importFromClaudeCode++;
      if (this.importGate) await this.importGate;
      return this.#accountOp(() =>
        this.#upsert({ id: 'acct-imported', email: 'imported@example.com', label: null, enabled: true, plan: 'Max 5x' }),
      );
    },
    addFromCredentialsJson: async (json) => {
      this.#maybeThrow('accounts.add');
      this.calls.addFromCredentialsJson.push(json);
      const parsed = JSON.parse(json) as Record<string, unknown>;
      const inner = (parsed['claudeAiOauth'] ?? parsed) as Record<string, unknown>;
      if (typeof inner['accessToken'] !== 'string') {
        return err({ kind: 'invalid-credentials', message: 'The credentials have no accessToken; paste the whole file.' });
      }
      return this.#accountOp(() => this.#upsert({ id: 'acct-new', email: 'new@example.com', label: null, enabled: true, plan: 'Max 20x' }));
    },
    list: () => {
      this.#maybeThrow('accounts.list');
      return [...this.accountList];
    },
    find: (ref) => this.accountList.find((a) => [a.id, a.email, a.label].some((v) => v?.toLowerCase() === ref.toLowerCase())) ?? null,
    setLabel: (id, label) => {
      this.#maybeThrow('accounts.setLabel');
      return this.#accountOp(() => this.#modify(id, { label }));
    },
    setEnabled: (id, enabled) => {
      this.#maybeThrow('accounts.setEnabled');
      return this.#accountOp(() => this.#modify(id, { enabled }));
    },
    remove: async (id) => {
      this.#maybeThrow('accounts.remove');
      return this.#accountOp(() => {
        const found = this.accountList.find((a) => a.id === id);
        if (!found) return err({ kind: 'not-found', message: `No account ${id}.` });
        this.accountList = this.accountList.filter((a) => a.id !== id);
        return ok(found);
      });
    },
  };

  #accountOp(run: () => Result<AccountSummary, AccountOpError>): Result<AccountSummary, AccountOpError> {
    if (this.nextAccountError) {
      const error = this.nextAccountError;
      this.nextAccountError = null;
      return err(error);
    }
    return run();
  }

  #upsert(summary: AccountSummary): Result<AccountSummary, AccountOpError> {
    const existed = this.accountList.some((a) => a.id === summary.id);
    this.accountList = [...this.accountList.filter((a) => a.id !== summary.id), summary];
    return ok({ ...summary, outcome: existed ? 'updated' : 'added' });
  }

  #modify(id: string, change: Partial<AccountSummary>): Result<AccountSummary, AccountOpError> {
    const found = this.accountList.find((a) => a.id === id);
    if (!found) return err({ kind: 'not-found', message: `No account ${id}.` });
    const next = { ...found, ...change };
    this.accountList = this.accountList.map((a) => (a.id === id ? next : a));
    return ok(next);
  }

  #maybeThrow(method: FakeEngineMethod): void {
    if (this.throwOn.has(method)) throw new Error(`fake engine failure: ${method}`);
  }
}

/** A fresh fake engine. */
export function createFakeEngine(): FakeEngine {
  return new FakeEngine();
}

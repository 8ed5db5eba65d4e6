/** Builds the secret-free fleet snapshot every face renders, from the engine's current facts. */
import type { MachineView } from '../../shared/machines-view.js';
import type { UsageWindow } from '../anthropic/api-types.js';
import type { AccountMeta, Settings, UsageCacheEntry } from '../storage/state-schema.js';
import { fingerprint, type VaultRecord } from '../vault/credentials.js';
import type {
  AccountRow,
  CustodyView,
  ExtraWindowView,
  FleetSnapshot,
  LastSwitchView,
  RotationView,
  SessionOwnerGuardView,
  SessionView,
  SettingsView,
  UsageWindowView,
  VaultView,
} from '../../shared/view-model.js';
import { toAccountStatus, toStatusText, type PollFailure } from './account-status.js';
import { toEffectiveWindow } from '../usage/effective-window.js';
import { toNextInLine } from './next-in-line.js';
import { toRotationOrder, type RotationCandidate } from './rotation-order.js';
import { toTokenHealth } from '../tokens/token-health.js';

/** Shown in the Token column when no login is stored. */
export const NO_TOKEN_FINGERPRINT = '—';

/** Everything the snapshot says about one account. */
export interface SnapshotAccountInput {
  readonly meta: AccountMeta;
  /** The vault record; null when none is stored (or it could not be read). */
  readonly record: VaultRecord | null;
  /** The last good usage reading (poll or statusline); null before the first. */
  readonly usage: UsageCacheEntry | null;
  /** The latest poll failure; shown only when no good reading came after it. */
  readonly lastFailure: PollFailure | null;
  /** The poller's rate-limit backoff for the account (`retry in …`). */
  readonly rateLimitedUntilMs: number | null;
  /** When the account was last polled (success or failure); null when never. */
  readonly lastPollAtMs: number | null;
  readonly nextPollAtMs: number | null;
  readonly refreshInFlight: boolean;
  /** The last change of Claude Code's stored login involving the account (custody ledger). */
  readonly custody: CustodyView | null;
}

export interface SnapshotInput {
  readonly version: string;
  readonly demo: boolean;
  readonly nowMs: number;
  readonly vault: VaultView;
  readonly accounts: readonly SnapshotAccountInput[];
  readonly activeAccountId: string | null;
  readonly activeMatchedBy: FleetSnapshot['activeMatchedBy'];
  /** When the poller next reads any account. */
  readonly nextRefreshAtMs: number | null;
  /** When the token keeper next refreshes any token. */
  readonly nextTokenRefreshAtMs: number | null;
  readonly lastSwitch: LastSwitchView | null;
  readonly paused: boolean;
  /** Rotation details (pin, pending switch, all-exhausted, last decision). */
  readonly rotation?: RotationView;
  /** Live sessions only (the registry has already pruned dead ones). */
  readonly sessions: readonly SessionView[];
  readonly settings: Settings;
  /** Claude Code's session-owner guard; default off with no config read. */
  readonly sessionOwnerGuard?: SessionOwnerGuardView;
  /** On a hub: its machines. */
  readonly machines?: readonly MachineView[];
}

/** The guard as reported before any config was read. */
export const GUARD_UNKNOWN: SessionOwnerGuardView = { on: false, configs: [] };

interface Candidate extends RotationCandidate {
  readonly input: SnapshotAccountInput;
}

/**
 * Turns the engine's facts into a {@link FleetSnapshot}: accounts in rotation order with every
 * column filled. Figures past their reset read as reset (0 %, no reset time); `stale` marks a last
 * good reading older than two of the account's own poll intervals (active vs parked). Pure.
 */
export function toFleetSnapshot(input: SnapshotInput): FleetSnapshot {
  const { nowMs, settings } = input;
  const candidates: Candidate[] = input.accounts.map((account) => ({
    id: account.meta.id,
    email: account.meta.email,
    enabled: account.meta.enabled,
    tokenUsable: account.record !== null && !account.record.needsLogin,
    sevenDay: account.usage?.sevenDay ?? null,
    hasReading: account.usage !== null,
    lastErrorKind: failureAfterReading(account)?.error.kind ?? null,
    input: account,
  }));
  const rows = toRotationOrder(candidates, nowMs).map(({ account, group }, order): AccountRow => {
    const a = account.input;
    const active = a.meta.id === input.activeAccountId;
    const sevenDay = toWindowView(a.usage?.sevenDay, nowMs);
    const intervalMs = active ? settings.activePollIntervalMs : settings.parkedPollIntervalMs;
    const status = toAccountStatus({
      enabled: a.meta.enabled,
      hasLogin: a.record !== null,
      needsLogin: a.record?.needsLogin ?? false,
      usageReadAtMs: a.usage?.readAtMs ?? null,
      lastFailure: a.lastFailure,
      rateLimitedUntilMs: a.rateLimitedUntilMs,
    });
    return {
      id: a.meta.id,
      email: a.meta.email,
      label: a.meta.label,
      displayName: a.meta.displayName,
      plan: a.meta.plan,
      enabled: a.meta.enabled,
      active,
      order,
      orderGroup: group,
      sevenDay,
      fiveHour: toWindowView(a.usage?.fiveHour, nowMs),
      extraWindows: toExtraViews(a.usage, nowMs),
      usageSource: a.usage?.source ?? null,
      usageReadAtMs: a.usage?.readAtMs ?? null,
      stale: a.usage !== null && nowMs - a.usage.readAtMs > 2 * intervalMs,
      token: {
        fingerprint: a.record ? fingerprint(a.record.credentials.accessToken) : NO_TOKEN_FINGERPRINT,
        health: toTokenHealth({
          record: a.record,
          nowMs,
          aheadMs: settings.tokenRefreshAheadMs,
          sevenDayPct: sevenDay.utilizationPct,
          refreshInFlight: a.refreshInFlight,
        }),
        expiresAtMs: a.record?.credentials.expiresAtMs ?? null,
        refreshedAtMs: a.record?.refreshedAtMs ?? null,
        refreshPath: a.record?.refreshPath ?? null,
      },
      status,
      statusText: toStatusText(status, nowMs),
      lastPollAtMs: a.lastPollAtMs,
      nextPollAtMs: a.nextPollAtMs,
      custody: a.custody,
    };
  });
  return {
    product: 'ccmax-monitor',
    version: input.version,
    demo: input.demo,
    generatedAtMs: nowMs,
    vault: input.vault,
    accounts: rows,
    activeAccountId: input.activeAccountId,
    activeMatchedBy: input.activeAccountId === null ? null : input.activeMatchedBy,
    lastPollAtMs: maxOrNull(input.accounts.map((a) => a.lastPollAtMs)),
    nextRefreshAtMs: input.nextRefreshAtMs,
    nextTokenRefreshAtMs: input.nextTokenRefreshAtMs,
    lastSwitch: input.lastSwitch,
    paused: input.paused,
    nextInLine: toNextInLine(rows, input.rotation?.pendingSwitch?.toId ?? null, settings.fiveHourThresholdPct),
    ...(input.rotation ? { rotation: input.rotation } : {}),
    sessions: input.sessions,
    activeSessionCount: input.sessions.length,
    settings: toSettingsView(settings),
    sessionOwnerGuard: input.sessionOwnerGuard ?? GUARD_UNKNOWN,
    ...(input.machines ? { machines: input.machines } : {}),
  };
}

/** The settings the dashboard shows and edits (the rest stay in `state.json` and the API). */
export function toSettingsView(settings: Settings): SettingsView {
  return {
    fiveHourThresholdPct: settings.fiveHourThresholdPct,
    hysteresisPct: settings.hysteresisPct,
    activePollIntervalMs: settings.activePollIntervalMs,
    parkedPollIntervalMs: settings.parkedPollIntervalMs,
    minDwellMs: settings.minDwellMs,
    deferralMode: settings.deferralMode,
    notifications: settings.notifications,
    launchAtLogin: settings.launchAtLogin,
    listenHost: settings.listenHost,
    listenPort: settings.listenPort,
  };
}

function failureAfterReading(account: SnapshotAccountInput): PollFailure | null {
  const failure = account.lastFailure;
  if (!failure) return null;
  return account.usage === null || failure.atMs >= account.usage.readAtMs ? failure : null;
}

function toWindowView(window: UsageWindow | null | undefined, nowMs: number): UsageWindowView {
  const effective = toEffectiveWindow(window, nowMs);
  return { utilizationPct: effective?.utilizationPct ?? null, resetsAtMs: effective?.resetsAtMs ?? null };
}

function toExtraViews(usage: UsageCacheEntry | null, nowMs: number): ExtraWindowView[] {
  if (!usage) return [];
  return Object.keys(usage.extra)
    .sort()
    .map((name) => ({ name, ...toWindowView(usage.extra[name], nowMs) }));
}

function maxOrNull(values: readonly (number | null)[]): number | null {
  let max: number | null = null;
  for (const v of values) if (v !== null && (max === null || v > max)) max = v;
  return max;
}

/**
 * The secret-free fleet snapshot: everything the dashboard, the tray, the CLI and the HTTP API show.
 * No token ever appears here — only fingerprints. Times are epoch milliseconds.
 */
import type { CustodyView } from './custody-view.js';
import type { LoginOverride } from './heartbeat-protocol.js';

export type { CustodyKind, CustodyView } from './custody-view.js';
import type { MachineView } from './machines-view.js';

/** Token health exactly as PRODUCT §3 lists it. */
export type TokenHealth = 'healthy' | 'expiring' | 'refreshing' | 'expired-exhausted' | 'needs-login';

/** Which path last freshened a stored token (PRODUCT §3). */
export type RefreshPath = 'auto' | 'claude' | 'login';

/** Where an account sits in the rotation order (PRODUCT §2). */
export type OrderGroup = 'usable' | 'exhausted' | 'unusable';

export type UsageSource = 'poll' | 'statusline' | 'demo';

export interface UsageWindowView {
  /** Percent 0–100 (may exceed 100 briefly); null when the window is not reported. */
  readonly utilizationPct: number | null;
  /** When the window resets; null when no window is open. */
  readonly resetsAtMs: number | null;
}

export interface ExtraWindowView extends UsageWindowView {
  /** The endpoint's own name for the window, e.g. `seven_day_sonnet`. */
  readonly name: string;
}

/** What is wrong with an account, as a value; `statusText` says it in words. */
export type AccountStatus =
  | { readonly kind: 'ok' }
  | { readonly kind: 'rate-limited'; readonly retryAtMs: number }
  | { readonly kind: 'network-error'; readonly message: string }
  | { readonly kind: 'unauthorized' }
  | { readonly kind: 'bad-response'; readonly message: string }
  | { readonly kind: 'needs-login' }
  | { readonly kind: 'disabled' }
  | { readonly kind: 'pending' };

export interface TokenView {
  /** Short, non-reversible fingerprint of the stored access token (e.g. `a1b2c3d4`). */
  readonly fingerprint: string;
  readonly health: TokenHealth;
  readonly expiresAtMs: number | null;
  readonly refreshedAtMs: number | null;
  readonly refreshPath: RefreshPath | null;
}

export interface AccountRow {
  /** The account uuid from the profile endpoint: the stable identity. */
  readonly id: string;
  readonly email: string;
  readonly label: string | null;
  readonly displayName: string | null;
  /** `Max 20x`, `Max 5x`, `Pro`, or null when the profile does not say. */
  readonly plan: string | null;
  readonly enabled: boolean;
  /** The account whose login Claude Code holds now (▶). */
  readonly active: boolean;
  /** 0-based position in the rotation order; equal to the index in `FleetSnapshot.accounts`. */
  readonly order: number;
  readonly orderGroup: OrderGroup;
  readonly sevenDay: UsageWindowView;
  readonly fiveHour: UsageWindowView;
  readonly extraWindows: readonly ExtraWindowView[];
  readonly usageSource: UsageSource | null;
  /** When the figures shown were read; null before the first successful reading. */
  readonly usageReadAtMs: number | null;
  /** True when the last successful reading is older than two poll intervals. */
  readonly stale: boolean;
  readonly token: TokenView;
  readonly status: AccountStatus;
  /** `ok`, `rate-limited, retry in 12m`, `network error`, `needs login`, `disabled`, … */
  readonly statusText: string;
  readonly lastPollAtMs: number | null;
  readonly nextPollAtMs: number | null;
  /** The last change of Claude Code's stored login involving this account; null when none was seen. */
  readonly custody: CustodyView | null;
}

export interface VaultView {
  readonly kind: 'keychain' | 'file';
  /** The file path for the file vault; the keychain service name otherwise. */
  readonly location: string;
}

export interface LastSwitchView {
  readonly atMs: number;
  readonly trigger: string;
  readonly fromId: string | null;
  readonly toId: string;
}

export type SessionState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'in-turn'; readonly sinceMs: number }
  | { readonly kind: 'tool'; readonly toolName: string; readonly sinceMs: number };

export interface SessionView {
  readonly id: string;
  readonly host: string;
  readonly cwd: string;
  readonly state: SessionState;
  readonly lastPulseAtMs: number;
  readonly accountId: string | null;
  /**
   * Login sources that override Claude Code's stored login in this session, in precedence order
   * (`ANTHROPIC_AUTH_TOKEN`, `CLAUDE_CODE_OAUTH_TOKEN`, `ANTHROPIC_API_KEY`, `apiKeyHelper`): a swap does not
   * reach it, it holds back no switch. Empty when none (or the hook client did not say).
   */
  readonly loginOverrides: readonly LoginOverride[];
  /** On a hub: the machine whose agent relayed this session (`MachineView.id`); absent for this machine's own sessions. */
  readonly machineId?: string;
}

export interface SettingsView {
  readonly fiveHourThresholdPct: number;
  readonly hysteresisPct: number;
  readonly activePollIntervalMs: number;
  readonly parkedPollIntervalMs: number;
  readonly minDwellMs: number;
  readonly deferralMode: 'tool' | 'turn' | 'never';
  readonly notifications: boolean;
  /** Desktop app only: start at login. Absent when the engine does not report it. */
  readonly launchAtLogin?: boolean;
  /** The address the server listens on (applies on restart). Absent when not reported. */
  readonly listenHost?: string;
  readonly listenPort?: number;
}

/** A switch waiting for a session to finish its tool call (or turn). */
export interface PendingSwitchView {
  readonly toId: string;
  readonly trigger: string;
  /** When the deferral began. */
  readonly sinceMs: number;
  readonly blockedBySessionId: string | null;
  readonly blockedByTool: string | null;
}

/** A switch held because Claude Code's session-owner guard is on and interactive sessions are running. */
export interface GuardHoldView {
  readonly toId: string;
  readonly trigger: string;
  /** When the hold began. */
  readonly sinceMs: number;
  /** Live sessions the switch would interrupt (unrotatable ones do not count). */
  readonly sessionCount: number;
}

/** What rotation is doing now, beyond the last switch. */
export interface RotationView {
  /** A manual pin: rotation stays on this account until unpinned or it becomes unusable. */
  readonly pinnedAccountId: string | null;
  readonly pendingSwitch: PendingSwitchView | null;
  /** Set while no account is usable: when the first one comes back. */
  readonly allExhausted: { readonly nextAvailableAtMs: number | null; readonly nextAccountId: string | null } | null;
  /** The last decision in a few words (`staying: best account`, `waiting: minimum dwell, 3m left`). */
  readonly lastDecision: string | null;
  /** A switch held by Claude Code's session-owner guard until no session runs or the user says "switch now". */
  readonly guardHold: GuardHoldView | null;
}

/** The account rotation would move to next, and why it is that one. */
export interface NextInLine {
  readonly accountId: string;
  /** `pending-switch`: a deferred switch already chose it; `rotation-order`: the first account rotation may land on. */
  readonly reason: 'pending-switch' | 'rotation-order';
}

/** The session-owner guard flag in one Claude Code config: `unset` when the CLI cached no value (off by default). */
export type GuardConfigState = 'on' | 'off' | 'unset' | 'unreadable';

/**
 * Claude Code's session-owner guard (flag `tengu_ticklish_moon`, CLI 2.1.331+): when on, an interactive
 * session stops at "This session belongs to another account" after the stored login changes account.
 */
export interface SessionOwnerGuardView {
  /** True when the flag is on in any known config: rotation then holds switches while an interactive session is alive. */
  readonly on: boolean;
  /** Every `.claude.json` read, with what it says. */
  readonly configs: readonly { readonly path: string; readonly state: GuardConfigState }[];
}

export interface FleetSnapshot {
  readonly product: 'ccmax-monitor';
  readonly version: string;
  /** True when running against the built-in simulated fleet. */
  readonly demo: boolean;
  readonly generatedAtMs: number;
  readonly vault: VaultView;
  /** Accounts in rotation order (PRODUCT §2): usable, then exhausted, then unusable. */
  readonly accounts: readonly AccountRow[];
  readonly activeAccountId: string | null;
  /** How the active account was recognised in Claude Code's store. */
  readonly activeMatchedBy: 'access-token' | 'refresh-token' | 'oauth-account' | null;
  readonly lastPollAtMs: number | null;
  /** When the poller next reads any account. */
  readonly nextRefreshAtMs: number | null;
  /** When the token keeper next refreshes any token. */
  readonly nextTokenRefreshAtMs: number | null;
  readonly lastSwitch: LastSwitchView | null;
  readonly paused: boolean;
  /** The account rotation would move to next (the tray and the dashboard both show this one); null when none can take over. */
  readonly nextInLine: NextInLine | null;
  /** Rotation details; absent from engines without rotation. */
  readonly rotation?: RotationView;
  readonly sessions: readonly SessionView[];
  readonly activeSessionCount: number;
  readonly settings: SettingsView;
  /** Claude Code's session-owner guard as read from its configs. */
  readonly sessionOwnerGuard: SessionOwnerGuardView;
  /** On a hub: every machine that ever connected (host, held login generation, lag); absent elsewhere. */
  readonly machines?: readonly MachineView[];
}

/** What `createEngine` is built from: its ports and options. */
import type { MachineView } from '../shared/machines-view.js';
import type { SessionView } from '../shared/view-model.js';
import type { AnthropicClient } from './anthropic/api-types.js';
import type { ActiveAccountCell } from './claude-code/active-account.js';
import type { ClaudePaths, ReadCredentialsOptions } from './claude-code/claude-store.js';
import type { CredentialTarget, IdentityTarget } from './claude-code/credential-targets/credential-target.js';
import type { EventLog } from './events/event-types.js';
import type { Clock, Logger, RandomFn } from './ports.js';
import type { LimitHit, StatuslineReading } from './sessions/session-registry.js';
import type { SessionStates } from './sessions/session-states.js';
import type { StateStore, UsageCacheStore } from './storage/store-port.js';
import type { LoginFallback } from './vault/login-fallback.js';
import type { Vault } from './vault/vault-types.js';

export interface EngineDeps {
  readonly clock: Clock;
  readonly random: RandomFn;
  readonly logger: Logger;
  readonly client: AnthropicClient;
  readonly vault: Vault;
  readonly store: StateStore;
  readonly usageCache: UsageCacheStore;
  readonly eventLog: EventLog;
  readonly claudePaths: ClaudePaths;
  readonly claudeReadOptions: ReadCredentialsOptions;
  readonly version: string;
  readonly demo: boolean;
  /** How often Claude Code's store is checked for the active account and refreshed logins. Default 10 s. */
  readonly detectEveryMs?: number;
  /** Where a switch writes the login; default by platform (credentials file, or the macOS keychain item). */
  readonly credentialsTarget?: CredentialTarget;
  /** Where a refreshed login goes when the vault refuses it; recovered into the vault at load. */
  readonly loginFallback?: LoginFallback;
  /** Where a switch writes the identity block; default `oauthAccount` in Claude Code's `.claude.json`. */
  readonly identityTarget?: IdentityTarget | null;
  /**
   * Where the engine keeps the account Claude Code is using; hand the same cell (as its
   * `ActiveAccountPort`) to the session registry. Default: a cell of the engine's own.
   */
  readonly activeAccount?: ActiveAccountCell;
  /** Live Claude Code sessions (deferral, the sessions panel, statusline readings); null: none are tracked. */
  readonly sessions?: SessionSource | null;
  /**
   * The `.claude.json` of every Claude Code config to read the session-owner guard flag from;
   * default the one of `claudePaths`.
   */
  readonly guardConfigFiles?: readonly string[];
  /** Re-decide rotation at least this often; default 30 s. */
  readonly rotationTickMs?: number;
  /**
   * A hub (PRODUCT §9): the engine refreshes the active account's token too, ahead of Claude Code's
   * own threshold, writes the new login where this machine's Claude Code reads it, then calls
   * `onLoginWritten` (the hub pushes it to every agent). Absent: Claude Code owns the active token.
   */
  readonly refreshActive?: { readonly onLoginWritten: (accountId: string) => void } | null;
  /** A hub's machines, for the snapshot; a change re-publishes it. Absent: not a hub. */
  readonly machines?: MachinesSource | null;
}

/** What the snapshot needs from a hub's machines (`server/machines-hub.ts` behind a host-made port). */
export interface MachinesSource {
  list(): readonly MachineView[];
  /** Revokes a machine; false when unknown. */
  revoke(machineId: string): boolean;
  subscribe(onChange: () => void): () => void;
}

/** What the engine needs from the live-session registry (`createSessionRegistry` satisfies it). */
export interface SessionSource extends SessionStates {
  sessions(): readonly SessionView[];
  activeSessionCount(): number;
  subscribe(onChange: () => void): () => void;
  onStatusline(listener: (reading: StatuslineReading) => void): () => void;
  /** Turns that ended on the usage limit; absent: no limit-hit rescue. */
  onLimitHit?(listener: (hit: LimitHit) => void): () => void;
}

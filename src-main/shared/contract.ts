/**
 * The one contract between the engine (main process or headless server) and the dashboard.
 * Every command the renderer can send, with its arguments and result, and the one push channel.
 * The Electron preload, the IPC handlers, the server's WebSocket dispatcher and the renderer's
 * bridge are all derived from this file; a type-level check below fails the build when a command
 * is missing from the runtime list.
 */
import type { Result } from './result.js';
import type { EngineEvent, EventKind } from './event-types.js';
import type { HistoryQuery, HistoryView, InsightsQuery, InsightsView } from './history-view.js';
import type { ReplayQuery, ReplayView } from './replay-view.js';
import type { FleetSnapshot, SettingsView } from './view-model.js';

/** Every code a {@link CommandError} can carry, by where it comes from. */
export const COMMAND_ERROR_CODES = [
  // The command handlers (engine/command-handlers.ts).
  'invalid-arguments',
  'invalid-settings',
  'not-found',
  'unusable',
  'nothing-held',
  'internal',
  // The history (a monitor that observes another keeps none).
  'unavailable',
  // Account operations (the engine's AccountOpError kinds).
  'no-login',
  'invalid-credentials',
  'profile-failed',
  'vault-failed',
  // The dashboard socket (server/socket-session.ts).
  'unknown-command',
  'rate-limited',
  'busy',
  // The tray app: IPC sender check, preload, deferring to another monitor.
  'forbidden',
  'ipc-failed',
  'deferring',
  // The renderer's bridge when the answer cannot arrive.
  'disconnected',
  'closed',
  'timeout',
  'failed',
] as const;

export type CommandErrorCode = (typeof COMMAND_ERROR_CODES)[number];

/** A command failure, in words the user can act on. Never contains a secret. */
export interface CommandError {
  readonly code: CommandErrorCode;
  readonly message: string;
}

export type CommandResult<T> = Result<T, CommandError>;

export interface EventFilter {
  readonly sinceMs?: number;
  readonly kinds?: readonly EventKind[];
  readonly accountId?: string;
  readonly limit?: number;
}

export interface AccountRef {
  readonly id: string;
  readonly email: string;
  readonly label: string | null;
  readonly enabled: boolean;
  readonly plan: string | null;
  readonly outcome?: 'added' | 'updated' | 'kept-newer';
}

/** Settings the dashboard may change (a subset of the persisted settings, all optional). */
export type SettingsPatch = Partial<
  SettingsView & { readonly launchAtLogin: boolean; readonly listenHost: string; readonly listenPort: number }
>;

/** Every command: its argument object and its success value. */
export interface CommandContract {
  getSnapshot: { args: Record<string, never>; value: FleetSnapshot };
  getEvents: { args: EventFilter; value: readonly EngineEvent[] };
  refreshNow: { args: { accountId?: string }; value: { accepted: true } };
  /** Pins `accountId` and switches to it when safe; `null` unpins (automatic rotation, `switch --auto`). */
  switchTo: { args: { accountId: string | null }; value: { accepted: true } };
  /**
   * "Switch now" while Claude Code's session-owner guard holds a switch: it goes ahead, and the user
   * answers "This session belongs to another account" in their running sessions. `nothing-held` when none is held.
   */
  switchNow: { args: Record<string, never>; value: { accepted: true } };
  pauseRotation: { args: Record<string, never>; value: { paused: boolean } };
  resumeRotation: { args: Record<string, never>; value: { paused: boolean } };
  importFromClaudeCode: { args: Record<string, never>; value: AccountRef };
  addFromCredentialsJson: { args: { json: string }; value: AccountRef };
  setLabel: { args: { accountId: string; label: string | null }; value: AccountRef };
  setEnabled: { args: { accountId: string; enabled: boolean }; value: AccountRef };
  removeAccount: { args: { accountId: string }; value: AccountRef };
  updateSettings: { args: SettingsPatch; value: SettingsView };
  getHistory: { args: HistoryQuery; value: HistoryView };
  getInsights: { args: InsightsQuery; value: InsightsView };
  /** Replays the recorded history under other settings or another fleet, beside what happened. */
  replay: { args: ReplayQuery; value: ReplayView };
  /** On a hub: closes a machine's connection and refuses it from now on (`not-found` when unknown, `unavailable` when not a hub). */
  revokeMachine: { args: { machineId: string }; value: { revoked: string } };
}

export type CommandName = keyof CommandContract;
export type CommandArgs<K extends CommandName> = CommandContract[K]['args'];
export type CommandValue<K extends CommandName> = CommandContract[K]['value'];

/** The runtime list of commands (IPC channel names are `ccmax:<name>`). */
export const COMMAND_NAMES = [
  'getSnapshot',
  'getEvents',
  'refreshNow',
  'switchTo',
  'switchNow',
  'pauseRotation',
  'resumeRotation',
  'importFromClaudeCode',
  'addFromCredentialsJson',
  'setLabel',
  'setEnabled',
  'removeAccount',
  'updateSettings',
  'getHistory',
  'getInsights',
  'replay',
  'revokeMachine',
] as const satisfies readonly CommandName[];

// Fails to compile when a command of the contract is missing from COMMAND_NAMES.
type MissingCommands = Exclude<CommandName, (typeof COMMAND_NAMES)[number]>;
const _everyCommandListed: MissingCommands extends never ? true : MissingCommands = true;
void _everyCommandListed;

/** The push channel: a new snapshot on every change. */
export const SNAPSHOT_CHANNEL = 'ccmax:snapshot';

/** The IPC channel of a command. */
export function channelOf(name: CommandName): `ccmax:${CommandName}` {
  return `ccmax:${name}`;
}

/** The implementation of one command. */
export type CommandHandler<K extends CommandName> = (args: CommandArgs<K>) => Promise<CommandResult<CommandValue<K>>>;

/** The implementation of every command: what IPC handlers and the WebSocket dispatcher call. */
export type CommandHandlers = { readonly [K in CommandName]: CommandHandler<K> };

/**
 * Builds a handler map with one entry per command: `make(name)` returns that command's handler.
 * The one place the per-command types are restored after iterating the runtime list.
 */
export function mapCommands(make: <K extends CommandName>(name: K) => CommandHandler<K>): CommandHandlers {
  const handlers: Partial<Record<CommandName, unknown>> = {};
  for (const name of COMMAND_NAMES) handlers[name] = make(name);
  return handlers as CommandHandlers;
}

/** What the renderer's bridge offers: every command plus snapshot subscription. */
export type Bridge = CommandHandlers & {
  /** Called with each pushed snapshot; returns an unsubscribe function. */
  onSnapshot(listener: (snapshot: FleetSnapshot) => void): () => void;
};

/** Messages of the dashboard WebSocket (`/api/ws`). */
export type ClientMessage = { readonly type: 'call'; readonly id: number; readonly name: CommandName; readonly args: unknown };
export type ServerMessage =
  | { readonly type: 'snapshot'; readonly snapshot: FleetSnapshot }
  | { readonly type: 'result'; readonly id: number; readonly result: CommandResult<unknown> };

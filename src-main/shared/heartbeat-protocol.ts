/**
 * The heartbeat protocol between Claude Code's hooks/statusline (the client) and the monitor:
 * versioned JSON text frames over one WebSocket path. Dependency-free so the tiny hook client can
 * import it; the validating parser lives in `heartbeat-schema.ts` (both in `shared/`: the hook client, the engine and the server use them).
 */

/** Protocol version every message carries as `v`; a server refuses other versions. */
export const PROTOCOL_VERSION = 1 as const;

/** The HTTP path the heartbeat WebSocket is mounted on. */
export const HEARTBEAT_PATH = '/heartbeat';

/** Fields every client message carries. `id`, when present, asks the server for an `ack`. */
interface Envelope {
  readonly v: typeof PROTOCOL_VERSION;
  /** Client-chosen correlation id (≤ 64 chars); the server answers `{type:'ack', id}`. */
  readonly id?: string;
  readonly sessionId: string;
  /** Hostname of the machine the session runs on. */
  readonly host?: string;
  /** The session's working directory. */
  readonly cwd?: string;
}

/**
 * Login sources that take precedence over Claude Code's stored login (CLAUDE_CODE_FACTS.loginPrecedence):
 * a session using one cannot be rotated by a swap.
 */
export const LOGIN_OVERRIDES = ['ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN', 'ANTHROPIC_API_KEY', 'apiKeyHelper'] as const;
export type LoginOverride = (typeof LOGIN_OVERRIDES)[number];

/** Which overriding login sources apply to a session: booleans only, never a value. */
export type LoginOverrides = { readonly [K in LoginOverride]: boolean };

export interface SessionStartedMessage extends Envelope {
  readonly type: 'session-started';
  /** Pid of the Claude Code process, when known. */
  readonly pid: number | null;
  readonly claudeVersion: string | null;
  /** `startup`, `resume`, `clear` or `compact` (SessionStart `source`). */
  readonly source: string | null;
  /** What overrides the stored login in this session; absent from older clients. */
  readonly loginOverrides?: LoginOverrides;
}

export interface TurnStartedMessage extends Envelope {
  readonly type: 'turn-started';
  /** As on `session-started` (repeated so a monitor started later learns it). */
  readonly loginOverrides?: LoginOverrides;
}

export interface ToolStartedMessage extends Envelope {
  readonly type: 'tool-started';
  readonly toolName: string;
  readonly toolUseId: string | null;
}

export interface ToolEndedMessage extends Envelope {
  readonly type: 'tool-ended';
  readonly toolName: string;
  readonly toolUseId: string | null;
  /** True for `PostToolUseFailure`. */
  readonly failed: boolean;
}

export interface TurnEndedMessage extends Envelope {
  readonly type: 'turn-ended';
  /** True for `StopFailure`. */
  readonly failed: boolean;
  /** `StopFailure`'s `error` (e.g. `rate_limit`: the account's usage limit was hit); absent otherwise. */
  readonly error?: string | null;
}

export interface SessionEndedMessage extends Envelope {
  readonly type: 'session-ended';
  /** SessionEnd `reason`, or `process-exited` when the pulser saw Claude Code vanish. */
  readonly reason: string;
}

export interface AliveMessage extends Envelope {
  readonly type: 'alive';
  readonly pid?: number | null;
}

/** One rate-limit window as Claude Code's statusline reports it. */
export interface StatuslineWindow {
  /** Percent 0–100. */
  readonly usedPct: number;
  /** Epoch **seconds** (as Claude Code sends it); null when absent. */
  readonly resetsAtS: number | null;
}

export interface StatuslineMessage extends Envelope {
  readonly type: 'statusline';
  readonly model: string | null;
  readonly claudeVersion: string | null;
  /** Null when the payload carried no `rate_limits` (liveness and model only). */
  readonly fiveHour: StatuslineWindow | null;
  readonly sevenDay: StatuslineWindow | null;
}

/** Every message a client may send. */
export type ClientMessage =
  | SessionStartedMessage
  | TurnStartedMessage
  | ToolStartedMessage
  | ToolEndedMessage
  | TurnEndedMessage
  | SessionEndedMessage
  | AliveMessage
  | StatuslineMessage;

export type ClientMessageType = ClientMessage['type'];

export const CLIENT_MESSAGE_TYPES: readonly ClientMessageType[] = [
  'session-started',
  'turn-started',
  'tool-started',
  'tool-ended',
  'turn-ended',
  'session-ended',
  'alive',
  'statusline',
];

/** What the monitor reports back for the statusline to print. */
export interface ActiveSummary {
  /** Label or email of the active account. */
  readonly account: string;
  readonly fiveHourPct: number | null;
  readonly sevenDayPct: number | null;
  readonly paused?: boolean;
  readonly demo?: boolean;
  /** A one-off word for this session, e.g. after a limit-hit rescue: the next prompt runs on the new account. */
  readonly notice?: string;
}

/** The server's answer to a message that carried an `id`. */
export interface AckMessage {
  readonly v: typeof PROTOCOL_VERSION;
  readonly type: 'ack';
  readonly id: string;
  /** Present on acks of `statusline` messages when the monitor knows its active account. */
  readonly active?: ActiveSummary | null;
}

/**
 * Close codes, named (graphql-ws style): 4000–4999 are ours, the rest are the standard ones the
 * `ws` library or the transport uses.
 */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  /** A frame larger than `maxPayloadBytes` (closed by `ws` itself). */
  MessageTooBig: 1009,
  /** The listener already holds `maxConnections` sockets. */
  TryAgainLater: 1013,
  /** Malformed JSON, a missing field, an unknown type or an unsupported version. */
  BadMessage: 4400,
  /** A peer that is not loopback offered no valid token. */
  Unauthorized: 4401,
  /** A browser page from another origin (cross-site WebSocket hijacking guard). */
  Forbidden: 4403,
  /** The client said nothing within the first-message timeout. */
  SilentClient: 4408,
  /** The client exceeded its message rate. */
  TooManyMessages: 4429,
  /** The registry is full (memory bound). */
  RegistryFull: 4507,
} as const;

export type CloseCodeName = keyof typeof CloseCode;

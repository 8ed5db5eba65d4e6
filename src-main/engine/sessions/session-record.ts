/**
 * One session's state, and the pure rules that move it: hook messages in, the next record out.
 * Several tool calls may run at once (Claude Code runs some tools in parallel), so open calls are
 * tracked by `tool_use_id`; the session shows the most recent one.
 */
import type { SessionState, SessionView } from '../../shared/view-model.js';
import { LOGIN_OVERRIDES, type ClientMessage, type LoginOverride, type LoginOverrides } from '../../shared/heartbeat-protocol.js';

/** A tool call between its `PreToolUse` and `PostToolUse`. */
export interface OpenTool {
  /** `tool_use_id`, or a synthetic key when the client sent none. */
  readonly key: string;
  readonly toolName: string;
  readonly sinceMs: number;
}

export interface SessionRecord {
  readonly id: string;
  readonly host: string;
  readonly cwd: string;
  readonly pid: number | null;
  readonly claudeVersion: string | null;
  readonly model: string | null;
  readonly startedAtMs: number;
  readonly lastPulseAtMs: number;
  /** Last hook message that can change the state (not `alive`/`statusline`). */
  readonly lastActivityAtMs: number;
  /** When the current turn began; null when idle. */
  readonly turnSinceMs: number | null;
  /** Oldest first. */
  readonly openTools: readonly OpenTool[];
  readonly accountId: string | null;
  /** Login sources that override the stored login in this session (it cannot be rotated); empty when none or not reported. */
  readonly loginOverrides: readonly LoginOverride[];
  /** The machine whose agent relayed it (hub only); null for this machine's own sessions. */
  readonly machineId: string | null;
}

const AGENT_PEER_PREFIX = 'agent:';

/** The registry peer of the sessions an agent relays (its per-peer bounds, logs, and the machine each session names). */
export function agentPeer(machineId: string): string {
  return `${AGENT_PEER_PREFIX}${machineId}`;
}

/** The machine behind a registry peer; null for this machine's own hooks. */
export function machineOfPeer(peer: string): string | null {
  return peer.startsWith(AGENT_PEER_PREFIX) ? peer.slice(AGENT_PEER_PREFIX.length) : null;
}

/** The overrides that are on, in precedence order. */
export function overridesOn(overrides: LoginOverrides): readonly LoginOverride[] {
  return LOGIN_OVERRIDES.filter((name) => overrides[name]);
}

/** True when a swap reaches the session (no login source overrides the stored one). */
export function isRotatable(record: Pick<SessionRecord, 'loginOverrides'>): boolean {
  return record.loginOverrides.length === 0;
}

/** A record for a session first seen through `message` at `nowMs`. */
export function newSessionRecord(
  message: ClientMessage,
  nowMs: number,
  accountId: string | null,
  machineId: string | null = null,
): SessionRecord {
  return {
    id: message.sessionId,
    host: message.host ?? '',
    cwd: message.cwd ?? '',
    pid: null,
    claudeVersion: null,
    model: null,
    startedAtMs: nowMs,
    lastPulseAtMs: nowMs,
    lastActivityAtMs: nowMs,
    turnSinceMs: null,
    openTools: [],
    accountId,
    loginOverrides: [],
    machineId,
  };
}

/**
 * The record after `message` (anything but `session-ended`, which the registry handles by removal).
 * Every message counts as a pulse; only hook messages move the state.
 */
export function applyMessage(record: SessionRecord, message: ClientMessage, nowMs: number, accountId: string | null): SessionRecord {
  const base: SessionRecord = {
    ...record,
    host: message.host ?? record.host,
    cwd: message.cwd ?? record.cwd,
    lastPulseAtMs: nowMs,
    accountId: accountId ?? record.accountId,
  };
  const active = { ...base, lastActivityAtMs: nowMs };
  switch (message.type) {
    case 'alive':
      return { ...base, pid: message.pid ?? base.pid };
    case 'statusline':
      return { ...base, model: message.model ?? base.model, claudeVersion: message.claudeVersion ?? base.claudeVersion };
    case 'session-started': {
      const meta = {
        ...active,
        pid: message.pid ?? base.pid,
        claudeVersion: message.claudeVersion ?? base.claudeVersion,
        loginOverrides: message.loginOverrides ? overridesOn(message.loginOverrides) : base.loginOverrides,
      };
      // A fresh process (startup/resume) has no turn running; clear/compact happen inside one.
      return message.source === 'startup' || message.source === 'resume' ? { ...meta, turnSinceMs: null, openTools: [] } : meta;
    }
    case 'turn-started': {
      // A new prompt means any call still open was interrupted (Esc fires no PostToolUse).
      const loginOverrides = message.loginOverrides ? overridesOn(message.loginOverrides) : base.loginOverrides;
      return { ...active, turnSinceMs: nowMs, openTools: [], loginOverrides };
    }
    case 'tool-started': {
      const key = message.toolUseId ?? `anonymous:${message.toolName}:${nowMs}:${record.openTools.length}`;
      const others = record.openTools.filter((t) => t.key !== key);
      return {
        ...active,
        turnSinceMs: record.turnSinceMs ?? nowMs,
        openTools: [...others, { key, toolName: message.toolName, sinceMs: nowMs }],
      };
    }
    case 'tool-ended':
      return {
        ...active,
        turnSinceMs: record.turnSinceMs ?? nowMs,
        openTools: withoutTool(record.openTools, message.toolUseId, message.toolName),
      };
    case 'turn-ended':
      return { ...active, turnSinceMs: null, openTools: [] };
    case 'session-ended':
      return active;
  }
}

function withoutTool(open: readonly OpenTool[], toolUseId: string | null, toolName: string): readonly OpenTool[] {
  if (toolUseId !== null) return open.filter((t) => t.key !== toolUseId);
  const index = open.findIndex((t) => t.toolName === toolName);
  return index < 0 ? open : open.filter((_, i) => i !== index);
}

/** The state the dashboard shows: the newest open tool call, else the turn, else idle. */
export function toSessionState(record: SessionRecord): SessionState {
  const newest = record.openTools[record.openTools.length - 1];
  if (newest) return { kind: 'tool', toolName: newest.toolName, sinceMs: newest.sinceMs };
  if (record.turnSinceMs !== null) return { kind: 'in-turn', sinceMs: record.turnSinceMs };
  return { kind: 'idle' };
}

/** True when two states would render the same. */
export function sameState(a: SessionState, b: SessionState): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'idle' || b.kind === 'idle') return true;
  if (a.sinceMs !== b.sinceMs) return false;
  return a.kind !== 'tool' || (b.kind === 'tool' && a.toolName === b.toolName);
}

/** The secret-free view of a record. */
export function toSessionView(record: SessionRecord): SessionView {
  return {
    id: record.id,
    host: record.host,
    cwd: record.cwd,
    state: toSessionState(record),
    lastPulseAtMs: record.lastPulseAtMs,
    accountId: record.accountId,
    loginOverrides: record.loginOverrides,
    ...(record.machineId !== null ? { machineId: record.machineId } : {}),
  };
}

/**
 * What the sweeper must expire at `nowMs`: open tool calls older than `ceilingMs`, and a turn with
 * no open call and no hook activity for `ceilingMs` (an Esc interrupt fires no `Stop`).
 */
export function expireStale(
  record: SessionRecord,
  nowMs: number,
  ceilingMs: number,
): { record: SessionRecord; expired: readonly string[] } {
  const kept = record.openTools.filter((t) => nowMs - t.sinceMs < ceilingMs);
  const expired = record.openTools.filter((t) => nowMs - t.sinceMs >= ceilingMs).map((t) => `tool: ${t.toolName}`);
  let turnSinceMs = record.turnSinceMs;
  if (kept.length === 0 && turnSinceMs !== null && nowMs - Math.max(record.lastActivityAtMs, turnSinceMs) >= ceilingMs) {
    turnSinceMs = null;
    expired.push('in turn');
  }
  if (expired.length === 0) return { record, expired };
  return { record: { ...record, openTools: kept, turnSinceMs }, expired };
}

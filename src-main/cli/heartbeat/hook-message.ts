/**
 * Pure mapping from what Claude Code writes on a hook's stdin (CLAUDE-CODE.md "Hooks"; payloads in
 * fixtures/) to a heartbeat message. Unknown events map to null: the hook then does nothing.
 */
import { PROTOCOL_VERSION, type ClientMessage, type LoginOverrides } from '../../shared/heartbeat-protocol.js';

export interface HookContext {
  readonly host: string;
  /** Pid of the Claude Code process, when known. */
  readonly claudePid: number | null;
  /** From `CLAUDE_CODE_VERSION`-like sources; null when unknown. */
  readonly claudeVersion: string | null;
  /** What overrides the stored login (booleans), for `session-started` and `turn-started`; absent: not said. */
  readonly loginOverrides?: LoginOverrides | null;
}

const str = (value: unknown, max: number): string | null => (typeof value === 'string' && value.length > 0 ? value.slice(0, max) : null);

/** The message for one hook payload, or null when the payload is not one we report. */
export function toHookMessage(payload: unknown, context: HookContext): ClientMessage | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const p = payload as Record<string, unknown>;
  const sessionId = str(p.session_id, 128);
  if (!sessionId) return null;
  const cwd = str(p.cwd, 4096);
  const base = { v: PROTOCOL_VERSION, sessionId, host: context.host.slice(0, 255), ...(cwd ? { cwd } : {}) };
  const toolName = str(p.tool_name, 256) ?? 'unknown';
  const toolUseId = str(p.tool_use_id, 256);
  const overrides = context.loginOverrides ? { loginOverrides: context.loginOverrides } : {};
  switch (p.hook_event_name) {
    case 'SessionStart':
      return {
        ...base,
        type: 'session-started',
        pid: context.claudePid,
        claudeVersion: context.claudeVersion,
        source: str(p.source, 32),
        ...overrides,
      };
    case 'UserPromptSubmit':
      return { ...base, type: 'turn-started', ...overrides };
    case 'PreToolUse':
      return { ...base, type: 'tool-started', toolName, toolUseId };
    case 'PostToolUse':
      return { ...base, type: 'tool-ended', toolName, toolUseId, failed: false };
    case 'PostToolUseFailure':
      return { ...base, type: 'tool-ended', toolName, toolUseId, failed: true };
    case 'Stop':
      return { ...base, type: 'turn-ended', failed: false };
    case 'StopFailure':
      return { ...base, type: 'turn-ended', failed: true, error: str(p.error, 64) };
    case 'SessionEnd':
      return { ...base, type: 'session-ended', reason: str(p.reason, 64) ?? 'other' };
    default:
      return null;
  }
}

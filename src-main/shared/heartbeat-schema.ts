/** Validates heartbeat frames: untrusted text in, a typed message or a descriptive error out. */
import { z } from 'zod';
import { err, ok, type Result } from './result.js';
import { CLIENT_MESSAGE_TYPES, PROTOCOL_VERSION, type ClientMessage } from './heartbeat-protocol.js';

/** Why a frame was refused; `message` is safe to send back as a close reason. */
export interface ProtocolError {
  readonly kind: 'bad-json' | 'unsupported-version' | 'unknown-type' | 'invalid';
  readonly message: string;
}

const text = (max: number) => z.string().max(max);
const envelope = {
  v: z.literal(PROTOCOL_VERSION),
  id: text(64).min(1).optional(),
  sessionId: text(128).min(1),
  host: text(255).optional(),
  cwd: text(4096).optional(),
};
const windowSchema = z
  .object({ usedPct: z.number().finite().min(0).max(1000), resetsAtS: z.number().finite().nonnegative().max(4_102_444_800).nullable() })
  .nullable();

/** Booleans only: a string (a value that leaked) is refused, as is any other key. */
const loginOverrides = z
  .strictObject({
    ANTHROPIC_AUTH_TOKEN: z.boolean(),
    CLAUDE_CODE_OAUTH_TOKEN: z.boolean(),
    ANTHROPIC_API_KEY: z.boolean(),
    apiKeyHelper: z.boolean(),
  })
  .optional();

const MessageSchema = z.discriminatedUnion('type', [
  z.object({
    ...envelope,
    type: z.literal('session-started'),
    pid: z.number().int().positive().nullable(),
    claudeVersion: text(64).nullable(),
    source: text(32).nullable(),
    loginOverrides,
  }),
  z.object({ ...envelope, type: z.literal('turn-started'), loginOverrides }),
  z.object({ ...envelope, type: z.literal('tool-started'), toolName: text(256).min(1), toolUseId: text(256).nullable() }),
  z.object({
    ...envelope,
    type: z.literal('tool-ended'),
    toolName: text(256).min(1),
    toolUseId: text(256).nullable(),
    failed: z.boolean(),
  }),
  z.object({ ...envelope, type: z.literal('turn-ended'), failed: z.boolean(), error: text(64).nullable().optional() }),
  z.object({ ...envelope, type: z.literal('session-ended'), reason: text(64) }),
  z.object({ ...envelope, type: z.literal('alive'), pid: z.number().int().positive().nullable().optional() }),
  z.object({
    ...envelope,
    type: z.literal('statusline'),
    model: text(256).nullable(),
    claudeVersion: text(64).nullable(),
    fiveHour: windowSchema,
    sevenDay: windowSchema,
  }),
]);

const KNOWN_TYPES = new Set<string>(CLIENT_MESSAGE_TYPES);

/**
 * Parses one text frame. Never throws. Errors say what was wrong (a field path, never the
 * frame's contents), short enough for a WebSocket close reason (≤ 123 bytes).
 */
export function parseClientMessage(frame: string): Result<ClientMessage, ProtocolError> {
  let raw: unknown;
  try {
    raw = JSON.parse(frame);
  } catch {
    return err({ kind: 'bad-json', message: 'frame is not valid JSON' });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return err({ kind: 'invalid', message: 'frame is not a JSON object' });
  }
  const record = raw as Record<string, unknown>;
  if (record.v !== PROTOCOL_VERSION) {
    return err({ kind: 'unsupported-version', message: `unsupported protocol version (expected v=${PROTOCOL_VERSION})` });
  }
  if (typeof record.type !== 'string' || !KNOWN_TYPES.has(record.type)) {
    return err({ kind: 'unknown-type', message: `unknown message type ${JSON.stringify(String(record.type).slice(0, 32))}` });
  }
  const parsed = MessageSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'message';
    return err({ kind: 'invalid', message: `invalid ${record.type}: ${where} ${issue?.message ?? 'is invalid'}`.slice(0, 120) });
  }
  return ok(parsed.data as ClientMessage);
}

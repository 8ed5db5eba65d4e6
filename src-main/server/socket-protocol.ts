/**
 * The messages of the dashboard socket (`/api/ws`) and the parser for what clients send. The call
 * and result shapes are the contract's (`ClientMessage`, `ServerMessage` in
 * src-main/shared/contract.ts); the application-level ping/pong is this server's addition for
 * browsers, which cannot send WebSocket pings.
 */
import { COMMAND_NAMES, type ClientMessage, type CommandName, type ServerMessage } from '../shared/contract.js';

/**
 * Largest message a client may send, in bytes (more closes with 1009): room for the most
 * `addFromCredentialsJson` accepts (64 KiB of JSON) even when escaping doubles every character
 * inside the call message, plus the envelope.
 */
export const MAX_CLIENT_MESSAGE_BYTES = 2 * 64 * 1024 + 4 * 1024;

/** Everything a client may send. */
export type DashboardClientMessage = ClientMessage | { readonly type: 'ping' };

/** Everything the server sends. */
export type DashboardServerMessage = ServerMessage | { readonly type: 'pong' };

/** A client message, read: a ping, a call (known or not), or the reason it is refused. */
export type ParsedClientMessage =
  | { readonly kind: 'ping' }
  | { readonly kind: 'call'; readonly id: number; readonly name: CommandName; readonly args: unknown }
  | { readonly kind: 'unknown-command'; readonly id: number; readonly name: string }
  | { readonly kind: 'invalid'; readonly reason: string };

const COMMANDS: ReadonlySet<string> = new Set(COMMAND_NAMES);
const CALL_FIELDS: ReadonlySet<string> = new Set(['type', 'id', 'name', 'args']);

// Close reasons are fixed sentences: they must stay under 123 bytes and never echo client input.
const invalid = (reason: string): ParsedClientMessage => ({ kind: 'invalid', reason });
export const INVALID_REASONS = {
  notJson: 'messages must be JSON: {"type":"call","id":1,"name":"getSnapshot","args":{}} or {"type":"ping"}',
  notObject: 'a message must be a JSON object with "type": "call" or "ping"',
  unknownType: 'unknown message type; send {"type":"call",...} or {"type":"ping"}',
  pingFields: 'a ping is exactly {"type":"ping"}',
  callId: 'a call needs "id": a whole number from 0 to 2^53-1',
  callName: 'a call needs "name": the command, a string',
  callFields: 'a call has only the fields type, id, name and args',
} as const;

/** True when `name` is a contract command (own names only: `toString` or `__proto__` are not). */
export function isCommandName(name: string): name is CommandName {
  return COMMANDS.has(name);
}

/** Reads one text message from a client; never throws. */
export function parseClientMessage(text: string): ParsedClientMessage {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return invalid(INVALID_REASONS.notJson);
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return invalid(INVALID_REASONS.notObject);
  const fields = message as Record<string, unknown>;
  if (fields['type'] === 'ping') {
    return Object.keys(fields).length === 1 ? { kind: 'ping' } : invalid(INVALID_REASONS.pingFields);
  }
  if (fields['type'] !== 'call') return invalid(INVALID_REASONS.unknownType);
  const { id, name } = fields;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return invalid(INVALID_REASONS.callId);
  if (typeof name !== 'string' || name.length === 0) return invalid(INVALID_REASONS.callName);
  if (Object.keys(fields).some((key) => !CALL_FIELDS.has(key))) return invalid(INVALID_REASONS.callFields);
  if (!isCommandName(name)) return { kind: 'unknown-command', id, name };
  return { kind: 'call', id, name, args: fields['args'] };
}

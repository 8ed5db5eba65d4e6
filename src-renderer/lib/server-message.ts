/** Parses what the dashboard socket receives, trusting nothing about its shape. */
import type { ServerMessage } from '../../src-main/shared/contract.js';

/** Messages the bridge acts on, plus `other` for valid JSON it has no use for (e.g. `pong`). */
export type ReceivedMessage = ServerMessage | { readonly type: 'other' };

/**
 * Reads one socket message: a snapshot push, a call result, or `other` for any other object with a
 * string `type`; null when the data is not JSON or not shaped like a protocol message.
 */
export function parseServerMessage(data: unknown): ReceivedMessage | null {
  if (typeof data !== 'string') return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isObject(value) || typeof value['type'] !== 'string') return null;
  if (value['type'] === 'snapshot') {
    const snapshot = value['snapshot'];
    return isObject(snapshot) && Array.isArray(snapshot['accounts']) && Array.isArray(snapshot['sessions'])
      ? (value as unknown as ServerMessage)
      : null;
  }
  if (value['type'] === 'result') {
    const result = value['result'];
    return typeof value['id'] === 'number' && isObject(result) && typeof result['ok'] === 'boolean'
      ? (value as unknown as ServerMessage)
      : null;
  }
  return { type: 'other' };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sends one heartbeat message and waits (bounded) for its acknowledgement. Never throws. */
import type { AckMessage, ClientMessage } from '../../shared/heartbeat-protocol.js';
import type { MonitorTarget } from './find-monitor.js';
import { connectWebSocket } from './mini-ws.js';

export type Delivery =
  | { readonly kind: 'acked'; readonly ack: AckMessage }
  | { readonly kind: 'sent' }
  | { readonly kind: 'unreachable'; readonly message: string };

/**
 * Connects, sends `message` with a fresh id and waits up to `ackWaitMs` for the ack.
 * `sent` means the frame left but no ack came in time; `unreachable` that no connection was made.
 */
export async function deliver(
  target: MonitorTarget,
  message: ClientMessage,
  options: { ackWaitMs: number; connectTimeoutMs?: number },
): Promise<Delivery> {
  let socket;
  try {
    socket = await connectWebSocket(target.url, { token: target.token, timeoutMs: options.connectTimeoutMs ?? 500 });
  } catch (error) {
    return { kind: 'unreachable', message: (error as Error).message };
  }
  const id = `${process.pid.toString(36)}${Date.now().toString(36)}`;
  const outcome = await new Promise<Delivery>((resolve) => {
    const timer = setTimeout(() => resolve({ kind: 'sent' }), options.ackWaitMs);
    socket.onText((text) => {
      try {
        const ack = JSON.parse(text) as AckMessage;
        if (ack.type === 'ack' && ack.id === id) {
          clearTimeout(timer);
          resolve({ kind: 'acked', ack });
        }
      } catch {
        // Not for us; keep waiting until the bound.
      }
    });
    socket.onClose(() => {
      clearTimeout(timer);
      resolve({ kind: 'sent' });
    });
    socket.sendText(JSON.stringify({ ...message, id }));
  });
  socket.close();
  return outcome;
}

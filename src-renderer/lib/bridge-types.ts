/**
 * What the dashboard's components get from the bridge: every contract command, snapshot pushes,
 * and the connection's state. Environment-free (no DOM types) so Node tests can drive it too.
 */
import type { Bridge } from '../../src-main/shared/contract.js';

/** `connecting` before the first snapshot, `reconnecting` after the link dropped, `closed` once disposed. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface DashboardBridge extends Bridge {
  /** Which implementation this is; components must not branch on it except to hide desktop-only settings. */
  readonly transport: 'electron' | 'websocket';
  /** Called now with the current state, then on every change; returns an unsubscribe function. */
  onConnection(listener: (state: ConnectionState) => void): () => void;
  /** Closes the link and fails calls still waiting. Idempotent. */
  dispose(): void;
}

/** The part of a WebSocket the bridge uses (a browser `WebSocket` or the `ws` package's client). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  onclose: ((event: { readonly code: number; readonly reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

/** Opens a socket to `url`. */
export type SocketFactory = (url: string) => SocketLike;

/** `WebSocket.OPEN`, spelled out so this file needs no DOM types. */
export const SOCKET_OPEN = 1;

/**
 * The browser's bridge: the contract over the server's `/api/ws` socket. Snapshots arrive as
 * `{type:'snapshot'}` pushes; each command is sent as `{type:'call', id, name, args}` and settles on
 * the matching `{type:'result', id, result}`, or on a timeout. The socket reconnects with
 * exponential backoff; calls made while it is down wait for it (up to their timeout).
 */
import { mapCommands } from '../../src-main/shared/contract.js';
import type {
  ClientMessage,
  CommandArgs,
  CommandErrorCode,
  CommandName,
  CommandResult,
  CommandValue,
} from '../../src-main/shared/contract.js';
import type { FleetSnapshot } from '../../src-main/shared/view-model.js';
import { err } from '../../src-main/shared/result.js';
import { SOCKET_OPEN, type ConnectionState, type DashboardBridge, type SocketFactory, type SocketLike } from './bridge-types.js';
import { parseServerMessage } from './server-message.js';

export interface WsBridgeOptions {
  /** `ws://host:port/api/ws`. */
  readonly url: string;
  readonly openSocket: SocketFactory;
  /** How long a call waits for its result, including time waiting for a connection. Default 15 s. */
  readonly callTimeoutMs?: number;
  /** First reconnect delay; doubles per failed attempt up to `maxBackoffMs`. Defaults 500 ms / 10 s. */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /**
   * Every this often the bridge sends `{"type":"ping"}`; a socket that received nothing since the
   * previous ping is closed and reconnected (browsers notice a dead link late, e.g. after sleep).
   * Default 20 s; 0 turns it off.
   */
  readonly keepAliveMs?: number;
  /** Jitter source in [0, 1); default `Math.random`. */
  readonly random?: () => number;
  /** Told about unexpected conditions (bad messages, listener errors). Default: nothing. */
  readonly onProblem?: (message: string) => void;
}

interface PendingCall {
  readonly name: CommandName;
  readonly args: unknown;
  readonly settle: (result: CommandResult<unknown>) => void;
  readonly timer: ReturnType<typeof setTimeout>;
  sent: boolean;
}

const failure = (code: CommandErrorCode, message: string): CommandResult<never> => err({ code, message });

/** Creates the WebSocket bridge and starts connecting. */
export function createWsBridge(options: WsBridgeOptions): DashboardBridge {
  const callTimeoutMs = options.callTimeoutMs ?? 15_000;
  const initialBackoffMs = options.initialBackoffMs ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;
  const random = options.random ?? Math.random;
  const problem = options.onProblem ?? (() => undefined);
  const snapshotListeners = new Set<(snapshot: FleetSnapshot) => void>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  const pending = new Map<number, PendingCall>();
  let socket: SocketLike | null = null;
  let state: ConnectionState = 'connecting';
  let latest: FleetSnapshot | null = null;
  let nextId = 1;
  let attempt = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;
  let heardSincePing = true;

  const guard = (what: string, fn: () => void): void => {
    try {
      fn();
    } catch (error) {
      problem(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const setState = (next: ConnectionState): void => {
    if (next === state) return;
    state = next;
    for (const listener of connectionListeners) guard('a connection listener', () => listener(next));
  };

  const send = (id: number, call: PendingCall): void => {
    if (socket === null || socket.readyState !== SOCKET_OPEN) return;
    const message: ClientMessage = { type: 'call', id, name: call.name, args: call.args };
    socket.send(JSON.stringify(message));
    call.sent = true;
  };

  const settle = (id: number, result: CommandResult<unknown>): void => {
    const call = pending.get(id);
    if (!call) return;
    pending.delete(id);
    clearTimeout(call.timer);
    call.settle(result);
  };

  const onMessage = (data: unknown): void => {
    heardSincePing = true;
    const message = parseServerMessage(data);
    if (message === null) return problem('ignored a message that is not part of the dashboard protocol');
    if (message.type === 'snapshot') {
      latest = message.snapshot;
      for (const listener of snapshotListeners) guard('a snapshot listener', () => listener(message.snapshot));
    } else if (message.type === 'result') {
      settle(message.id, message.result);
    }
  };

  const onClose = (): void => {
    socket = null;
    const inFlight = [...pending].filter(([, call]) => call.sent);
    for (const [id] of inFlight) {
      settle(id, failure('disconnected', 'The connection to ccmax-monitor dropped before it answered; check the result and try again.'));
    }
    if (disposed) return;
    setState('reconnecting');
    const delayMs = Math.min(maxBackoffMs, initialBackoffMs * 2 ** attempt) * (0.5 + random() / 2);
    attempt++;
    reconnectTimer = setTimeout(() => guard('reconnecting', connect), delayMs);
  };

  function connect(): void {
    reconnectTimer = null;
    if (disposed) return;
    const ws = options.openSocket(options.url);
    socket = ws;
    ws.onopen = () =>
      guard('opening', () => {
        attempt = 0;
        heardSincePing = true;
        setState('open');
        for (const [id, call] of pending) if (!call.sent) send(id, call);
      });
    ws.onmessage = (event) => guard('handling a message', () => onMessage(event.data));
    ws.onclose = () => guard('handling a close', () => (socket === ws ? onClose() : undefined));
    ws.onerror = () => undefined; // a close event always follows; that is where recovery happens
  }

  const call = <K extends CommandName>(name: K, args: CommandArgs<K>): Promise<CommandResult<CommandValue<K>>> => {
    if (disposed) return Promise.resolve(failure('closed', 'The dashboard is closing.'));
    return new Promise((resolve) => {
      const id = nextId++;
      const timer = setTimeout(
        () =>
          settle(
            id,
            failure('timeout', `ccmax-monitor did not answer "${name}" within ${Math.round(callTimeoutMs / 1000)} s; is it still running?`),
          ),
        callTimeoutMs,
      );
      const entry: PendingCall = { name, args, settle: resolve as (r: CommandResult<unknown>) => void, timer, sent: false };
      pending.set(id, entry);
      send(id, entry);
    });
  };

  const commands = mapCommands((name) => (args) => call(name, args));

  const keepAliveMs = options.keepAliveMs ?? 20_000;
  const keepAlive =
    keepAliveMs > 0
      ? setInterval(
          () =>
            guard('keep-alive', () => {
              if (socket === null || socket.readyState !== SOCKET_OPEN) return;
              if (!heardSincePing) return socket.close(4000, 'no answer to ping');
              heardSincePing = false;
              socket.send(JSON.stringify({ type: 'ping' }));
            }),
          keepAliveMs,
        )
      : null;

  connect();

  return {
    ...commands,
    transport: 'websocket',
    onSnapshot(listener) {
      snapshotListeners.add(listener);
      if (latest !== null) {
        const current = latest;
        guard('a snapshot listener', () => listener(current));
      }
      return () => snapshotListeners.delete(listener);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      guard('a connection listener', () => listener(state));
      return () => connectionListeners.delete(listener);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      if (reconnectTimer !== null) clearTimeout(reconnectTimer);
      if (keepAlive !== null) clearInterval(keepAlive);
      socket?.close(1000, 'dashboard closed');
      socket = null;
      for (const [id] of [...pending]) settle(id, failure('closed', 'The dashboard is closing.'));
      setState('closed');
    },
  };
}

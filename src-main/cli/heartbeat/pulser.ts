/**
 * The per-session pulser: a detached process started at SessionStart that holds one WebSocket to the
 * monitor and sends `alive` every 5 s while the Claude Code process lives. When that process is gone
 * it reports the session ended and exits; SessionEnd stops it with SIGTERM. One per session (lock).
 */
import { PROTOCOL_VERSION, type ClientMessage } from '../../shared/heartbeat-protocol.js';
import { deliver } from './deliver.js';
import type { MonitorTarget } from './find-monitor.js';
import { connectWebSocket, type MiniSocket } from './mini-ws.js';
import { acquireLock, isProcessAlive, pulserLockPath, releaseLock } from './pulser-lock.js';

export interface PulserOptions {
  readonly sessionId: string;
  /** The Claude Code process to outlive no longer than one interval. */
  readonly watchPid: number;
  readonly dataDir: string;
  readonly host: string;
  readonly cwd: string;
  /** Re-read on every reconnect, so a restarted monitor on a new port is found again. */
  readonly findTarget: () => MonitorTarget | null;
  /** Default 5,000 ms. */
  readonly intervalMs?: number;
  /** Pid recorded in the lock; default this process. */
  readonly pid?: number;
}

export type PulserExit = 'process-exited' | 'stopped' | 'lock-held';

export interface Pulser {
  readonly done: Promise<PulserExit>;
  stop(): void;
}

/** Starts pulsing; `done` settles when the pulser has released its lock and closed its socket. */
export function startPulser(options: PulserOptions): Pulser {
  const pid = options.pid ?? process.pid;
  const intervalMs = options.intervalMs ?? 5_000;
  const lockPath = pulserLockPath(options.dataDir, options.sessionId);
  let resolveDone: (exit: PulserExit) => void = () => {};
  const done = new Promise<PulserExit>((resolve) => (resolveDone = resolve));
  let held = false;
  try {
    held = acquireLock(lockPath, pid);
  } catch {
    held = false;
  }
  if (!held) {
    resolveDone('lock-held');
    return { done, stop: () => {} };
  }

  const envelope = { v: PROTOCOL_VERSION, sessionId: options.sessionId, host: options.host, cwd: options.cwd };
  let socket: MiniSocket | null = null;
  let connecting = false;
  let timer: NodeJS.Timeout | null = null;
  let finished = false;

  const finish = (exit: PulserExit): void => {
    if (finished) return;
    finished = true;
    if (timer) clearTimeout(timer);
    socket?.close();
    socket = null;
    releaseLock(lockPath, pid);
    resolveDone(exit);
  };

  const connect = async (): Promise<void> => {
    const target = options.findTarget();
    if (!target || connecting) return;
    connecting = true;
    try {
      const s = await connectWebSocket(target.url, { token: target.token, timeoutMs: 1_000 });
      if (finished) {
        s.close();
        return;
      }
      socket = s;
      s.onClose(() => {
        if (socket === s) socket = null;
      });
      s.sendText(JSON.stringify({ ...envelope, type: 'alive', pid: options.watchPid } satisfies ClientMessage));
    } catch {
      // Monitor down: try again next tick.
    } finally {
      connecting = false;
    }
  };

  const tick = async (): Promise<void> => {
    if (finished) return;
    if (!isProcessAlive(options.watchPid)) {
      const target = options.findTarget();
      socket?.close();
      socket = null;
      if (target) {
        await deliver(target, { ...envelope, type: 'session-ended', reason: 'process-exited' }, { ackWaitMs: 500 });
      }
      finish('process-exited');
      return;
    }
    if (socket) socket.sendText(JSON.stringify({ ...envelope, type: 'alive', pid: options.watchPid } satisfies ClientMessage));
    else await connect();
  };

  const schedule = (): void => {
    timer = setTimeout(() => {
      tick()
        .catch(() => undefined)
        .finally(() => {
          if (!finished) schedule();
        });
    }, intervalMs);
  };
  schedule();
  return { done, stop: () => finish('stopped') };
}

import type { ChildProcess } from 'node:child_process';

export interface BenchServe {
  readonly child: ChildProcess;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  /** The server's resident set size from /proc (NaN once it is gone). */
  rssBytes(): number;
  /** CPU time the server has used so far (user + system, from /proc, 10 ms resolution); NaN once it is gone. */
  cpuMs(): number;
  /** SIGTERM, SIGKILL after 5 s; resolves when it exited. Idempotent. */
  stop(): Promise<void>;
}

export function startServe(options: {
  readonly root: string;
  readonly dataDir: string;
  readonly home: string;
  readonly startTimeoutMs?: number;
}): Promise<BenchServe>;

/**
 * Mounts the live-session heartbeat WebSocket (`/heartbeat`) on the HTTP server: Claude Code's hooks
 * and statusline report through it. A `tool-ended`/`turn-ended` report is acknowledged only after
 * any switch it unblocked has been written, so the session's next request uses the new account.
 */
import { type Clock, createHeartbeatCore, type Engine, type HeartbeatCore, type Logger, type SessionRegistry } from '../engine/index.js';
import { createHeartbeatListener } from './heartbeat-socket.js';
import { HEARTBEAT_PATH, type ActiveSummary } from '../shared/heartbeat-protocol.js';
import type { HttpServerHandle } from './http-server.js';

export interface MountHeartbeatOptions {
  readonly server: Pick<HttpServerHandle, 'attachUpgrade'>;
  readonly engine: Engine;
  readonly registry: SessionRegistry;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The server token (the server's access decider checks it; kept for the listener's own options). */
  readonly token: string | null;
  /** Awaited after the rotation settled, before a heartbeat ack: e.g. until every connected machine holds the new login. */
  readonly afterSettle?: () => Promise<void>;
}

/**
 * Mounts the heartbeat endpoint; `core` also takes hook traffic agents relay from other machines;
 * `dispose()` closes its connections (call before closing the server).
 */
export function mountHeartbeat(options: MountHeartbeatOptions): { readonly core: HeartbeatCore; dispose(): Promise<void> } {
  const { engine } = options;
  const core = createHeartbeatCore({
    registry: options.registry,
    clock: options.clock,
    logger: options.logger,
    beforeAck: async () => {
      await engine.settleRotation();
      await options.afterSettle?.();
    },
    describeActive: (sessionId) => describeActive(engine, sessionId),
  });
  const listener = createHeartbeatListener({ core, logger: options.logger, clock: options.clock, token: options.token });
  // Claude Code's hooks on this machine carry no token; every refusal is said with the protocol's close codes.
  options.server.attachUpgrade(HEARTBEAT_PATH, (req, socket, head, access) => listener.handleUpgrade(req, socket, head, access), {
    loopbackPeersWithoutToken: true,
    refusesInProtocol: true,
  });
  return { core, dispose: () => listener.dispose() };
}

/** What the statusline prints: the active account and its figures. */
function describeActive(engine: Engine, sessionId: string): ActiveSummary | null {
  const snapshot = engine.snapshot();
  const row = snapshot.accounts.find((a) => a.active);
  if (!row) return null;
  return {
    account: row.label ?? row.email,
    fiveHourPct: row.fiveHour.utilizationPct,
    sevenDayPct: row.sevenDay.utilizationPct,
    paused: snapshot.paused,
    demo: snapshot.demo,
    ...withNotice(engine.sessionNotice?.(sessionId) ?? null),
  };
}

const withNotice = (notice: string | null): { notice?: string } => (notice ? { notice } : {});

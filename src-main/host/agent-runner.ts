/**
 * Runs this machine as an agent of a hub — what `ccmax-monitor agent` and the tray app's "connect
 * to a hub" mode both start: the hub connection (agent/agent-client.ts) and the local hook relay
 * (agent/agent-relay.ts) on a loopback heartbeat listener, advertised in the data dir's discovery
 * file so this machine's installed hooks and statusline find it exactly as they find a monitor.
 */
import { createAgent, type Agent } from '../agent/agent-client.js';
import { createHookRelay } from '../agent/agent-relay.js';
import { openAgentState } from '../agent/agent-state.js';
import {
  type Clock,
  defaultCredentialTarget,
  defaultIdentityTarget,
  type Logger,
  PRODUCT_VERSION,
  resolveClaudePaths,
  systemClock,
} from '../engine/index.js';
import { createHeartbeatListener } from '../server/heartbeat-socket.js';
import type { HeldLogin } from '../shared/machines-protocol.js';
import { removeDiscovery, writeDiscovery } from './discovery.js';

export interface AgentRunnerOptions {
  readonly hubUrl: string;
  readonly token: string;
  /** Extra CA certificate(s) for a `wss://` hub with its own certificate. */
  readonly ca?: string | Buffer;
  readonly dataDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly homeDir: string;
  readonly platform: NodeJS.Platform;
  readonly logger: Logger;
  /** Loopback port for this machine's hooks; 0 picks a free one (the discovery file names it). */
  readonly hooksPort?: number;
  readonly clock?: Clock;
  readonly pid?: number;
  /** The hub refused this agent for good (wrong token, revoked); the runner has stopped connecting. */
  readonly onFatal?: (code: number, reason: string) => void;
}

export interface AgentRunner {
  readonly agent: Agent;
  readonly machineId: string;
  readonly configDir: string;
  /** Where this machine's hooks report (loopback). */
  readonly hooksUrl: string;
  /** The login this machine holds (account, generation, fingerprint), as last acknowledged to the hub. */
  held(): HeldLogin | null;
  /** Stops the relay and the hub connection and removes the discovery file. Idempotent. */
  stop(): Promise<void>;
}

export async function startAgentRunner(options: AgentRunnerOptions): Promise<AgentRunner> {
  const { logger } = options;
  const pid = options.pid ?? process.pid;
  const clock = options.clock ?? systemClock;
  const state = await openAgentState(options.dataDir);
  const paths = resolveClaudePaths(options.env, options.homeDir, options.platform);
  const relay = createHookRelay({ logger });
  const listener = createHeartbeatListener({ token: null, core: relay.core, logger, clock });
  const { port } = await listener.listen({ host: '127.0.0.1', port: options.hooksPort ?? 0 });
  const hooksUrl = `http://127.0.0.1:${port}`;
  const agent = createAgent({
    hubUrl: options.hubUrl,
    token: options.token,
    ...(options.ca ? { ca: options.ca } : {}),
    state,
    credentialsTarget: defaultCredentialTarget(options.platform, paths, logger),
    identityTarget: defaultIdentityTarget(paths, logger),
    logger,
    agentVersion: PRODUCT_VERSION,
    relay,
    ...(options.onFatal ? { onFatal: options.onFatal } : {}),
  });
  try {
    await writeDiscovery(options.dataDir, {
      version: 1,
      url: hooksUrl,
      pid,
      startedAtMs: clock.now(),
      demo: false,
      productVersion: PRODUCT_VERSION,
    });
  } catch (error) {
    logger.error('could not write the discovery file; hooks on this machine will not find the agent', { error: String(error) });
  }
  agent.start();
  let stopping: Promise<void> | null = null;
  const stop = async (): Promise<void> => {
    await agent.stop();
    await listener.dispose();
    await removeDiscovery(options.dataDir, pid).catch(() => undefined);
  };
  return {
    agent,
    machineId: state.get().machineId,
    configDir: paths.configDir,
    hooksUrl,
    held: () => state.get().held,
    stop: () => (stopping ??= stop()),
  };
}

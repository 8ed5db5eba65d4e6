/**
 * The agent: one authenticated WebSocket to the hub (`ws://` or `wss://`), reconnecting with
 * exponential backoff and full jitter. On every (re)connect it first sends any full login found in
 * this machine's store (`harvest`), then `hello` with what it holds. Pushed logins (access tokens
 * only) are written, verified and acknowledged by `agent-login.ts`; `agent-expiry.ts` warns before
 * the held access token runs out without a newer one from the hub.
 */
import { hostname } from 'node:os';
import WebSocket from 'ws';
import type { CredentialTarget, IdentityTarget, Logger } from '../engine/index.js';
import { AGENT_PATH, AGENT_PROTOCOL_VERSION, AgentCloseCode, parseHubMessage } from '../shared/machines-protocol.js';
import type { AgentStateStore } from './agent-state.js';
import { watchHeldExpiry } from './agent-expiry.js';
import { createLoginHandler } from './agent-login.js';
import type { HookRelay } from './agent-relay.js';

export interface AgentOptions {
  /** The hub's base URL (`http(s)://` or `ws(s)://`); `/agent` is appended when missing. */
  readonly hubUrl: string;
  readonly token: string;
  /** Extra CA certificate(s) to trust for a `wss://` hub (e.g. its self-signed certificate); default the system's. */
  readonly ca?: string | Buffer;
  readonly state: AgentStateStore;
  readonly credentialsTarget: CredentialTarget;
  readonly identityTarget: IdentityTarget | null;
  readonly logger: Logger;
  readonly agentVersion: string;
  readonly host?: string;
  /** Reconnect backoff bounds; default 1 s → 60 s. */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly random?: () => number;
  /** Relays this machine's hooks and statusline to the hub (see agent-relay.ts); none by default. */
  readonly relay?: HookRelay;
  /** How long before the held access token expires the agent warns that no newer one came; default 20 min. */
  readonly expiryWarningMs?: number;
  /** How long to wait for the hub to confirm a harvested login; default 10 s. */
  readonly harvestTimeoutMs?: number;
  /** Called when the hub refuses this agent for good (wrong token, revoked): the agent stops. */
  readonly onFatal?: (code: number, reason: string) => void;
}

export interface Agent {
  start(): void;
  stop(): Promise<void>;
  connected(): boolean;
}

/** Turns the hub address into the agent WebSocket URL. */
export function toAgentUrl(base: string): URL {
  const url = new URL(base);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  else if (url.protocol !== 'ws:' && url.protocol !== 'wss:')
    throw new Error(`the hub URL must start with http(s):// or ws(s)://; got ${url.protocol}`);
  if (!url.pathname.endsWith(AGENT_PATH)) url.pathname = `${url.pathname.replace(/\/+$/, '')}${AGENT_PATH}`;
  return url;
}

const FATAL_CODES: ReadonlySet<number> = new Set([AgentCloseCode.Unauthorized, AgentCloseCode.Forbidden]);

export function createAgent(options: AgentOptions): Agent {
  const { state, logger } = options;
  const url = toAgentUrl(options.hubUrl);
  const minBackoffMs = options.minBackoffMs ?? 1_000;
  const maxBackoffMs = options.maxBackoffMs ?? 60_000;
  const random = options.random ?? Math.random;
  let ws: WebSocket | null = null;
  let failures = 0;
  let stopped = false;
  let retry: NodeJS.Timeout | null = null;
  let chain = Promise.resolve();

  const send = (message: object): void => {
    if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ v: AGENT_PROTOCOL_VERSION, ...message }));
  };

  const logins = createLoginHandler({
    state,
    credentialsTarget: options.credentialsTarget,
    identityTarget: options.identityTarget,
    logger,
    send,
    ...(options.harvestTimeoutMs !== undefined ? { harvestTimeoutMs: options.harvestTimeoutMs } : {}),
  });
  const expiry = watchHeldExpiry({
    held: () => state.get().held,
    connected: () => ws?.readyState === WebSocket.OPEN,
    logger,
    ...(options.expiryWarningMs !== undefined ? { warningMs: options.expiryWarningMs } : {}),
  });

  const onFrame = (text: string): void => {
    const parsed = parseHubMessage(text);
    if (!parsed.ok) {
      logger.warn('ignored a frame from the hub', { reason: parsed.error });
      return;
    }
    const message = parsed.value;
    if (message.type === 'welcome') return;
    if (message.type === 'relay' || message.type === 'relay-close') return options.relay?.fromHub(message);
    if (message.type === 'harvested') return logins.harvested(message);
    chain = chain
      .then(() => logins.apply(message))
      .then(() => expiry.rearm())
      .catch((error: unknown) => logger.error('applying a login failed', { error: String(error) }));
  };

  const schedule = (): void => {
    if (stopped) return;
    const ceiling = Math.min(maxBackoffMs, minBackoffMs * 2 ** Math.min(failures, 16));
    const delayMs = Math.round(minBackoffMs / 2 + random() * (ceiling - minBackoffMs / 2));
    failures++;
    logger.info('reconnecting to the hub', { inMs: delayMs });
    retry = setTimeout(connect, delayMs);
  };

  function connect(): void {
    retry = null;
    if (stopped) return;
    const socket = new WebSocket(url, {
      headers: { authorization: `Bearer ${options.token}` },
      handshakeTimeout: 10_000,
      maxPayload: 256 * 1024,
      ...(options.ca ? { ca: options.ca } : {}),
    });
    ws = socket;
    socket.on('open', () => {
      failures = 0;
      chain = chain
        .then(async () => {
          await logins.harvestLocal();
          send({
            type: 'hello',
            machineId: state.get().machineId,
            host: options.host ?? hostname(),
            agentVersion: options.agentVersion,
            held: state.get().held,
          });
          if (ws === socket) options.relay?.hubUp(send);
        })
        .catch((error: unknown) => logger.error('greeting the hub failed', { error: String(error) }));
    });
    socket.on('message', (data, isBinary) => {
      if (!isBinary) onFrame(Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
    });
    socket.on('unexpected-response', (_req, res) => {
      logger.warn('the hub refused the connection', { status: res.statusCode });
      socket.terminate();
    });
    socket.on('error', (error) => logger.debug('hub socket error', { error: error.message }));
    socket.on('close', (code, reason) => {
      if (ws === socket) {
        ws = null;
        options.relay?.hubDown();
        expiry.rearm();
      }
      const text = reason.toString('utf8');
      if (FATAL_CODES.has(code)) {
        logger.error('the hub refused this agent', { code, reason: text });
        stopped = true;
        options.onFatal?.(code, text);
        return;
      }
      schedule();
    });
  }

  return {
    start: () => {
      expiry.rearm();
      connect();
    },
    async stop() {
      stopped = true;
      expiry.stop();
      if (retry) clearTimeout(retry);
      ws?.close(1000, 'agent stopping');
      await chain;
    },
    connected: () => ws?.readyState === WebSocket.OPEN,
  };
}

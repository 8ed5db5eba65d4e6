/**
 * A loopback stand-in for the Anthropic OAuth endpoints, backed by the fleet simulator: the demo
 * mode (`serve --demo`) and the tests talk to it instead of api.anthropic.com. It answers the
 * documented shapes, checks the headers the real API checks, records every request (by token
 * fingerprint, never the token), and injects faults on demand.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Logger, OAUTH_BETA, PROFILE_PATH, silentLogger, USAGE_PATH } from '../engine/index.js';
import type { AccessCheck, FleetSimulator } from './fleet-simulator.js';
import { createFaultBoard, type FaultBoard } from './stand-in-faults.js';
import { bearerOf, refreshTokenIn, toRecord, type RecordedRequest } from './stand-in-record.js';
import {
  apiError,
  apiErrorForStatus,
  profileBody,
  tokenResponse,
  usageBody,
  type StandInResponse,
  type UsageForm,
} from './stand-in-oauth.js';

export type { StandInFault, FaultBoard, FaultScope, ArmedFault } from './stand-in-faults.js';
export type { StandInResponse, UsageForm } from './stand-in-oauth.js';
export type { RecordedRequest } from './stand-in-record.js';

export const TOKEN_PATH = '/v1/oauth/token';
const MAX_BODY_BYTES = 1_000_000;

/** What a custom route sees. `access` is the bearer checked against the simulator (null: none sent). */
export interface StandInRequest {
  readonly method: string;
  readonly path: string;
  readonly url: URL;
  readonly headers: IncomingMessage['headers'];
  readonly bodyText: string;
  /** The body parsed as JSON; null when empty or not JSON. */
  readonly json: unknown;
  readonly bearer: string | null;
  readonly access: AccessCheck | null;
  readonly accountId: string | null;
  readonly simulator: FleetSimulator;
}

/** Returns an answer, or nothing when it wrote to `res` itself (e.g. a stream). */
export type RouteHandler = (request: StandInRequest, res: ServerResponse) => StandInResponse | void | Promise<StandInResponse | void>;

export interface StandInOptions {
  readonly simulator: FleetSimulator;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0 (any free port). */
  readonly port?: number;
  readonly logger?: Logger;
  /** Default `named`. */
  readonly usageForm?: UsageForm;
  /** Keeps only the newest N requests, so a long demo does not grow without bound; default 2000. */
  readonly maxRecorded?: number;
}

export interface StandInApi {
  /** `http://127.0.0.1:<port>`: use as `apiBaseUrl`; the token URL is `${url}/v1/oauth/token`. */
  readonly url: string;
  readonly tokenUrl: string;
  readonly requests: RecordedRequest[];
  readonly faults: FaultBoard;
  /** Adds a route, checked before the built-in ones (so it may also replace one). */
  addRoute(method: string, path: string, handler: RouteHandler): void;
  setUsageForm(form: UsageForm): void;
  /** Stops listening and drops open connections and delayed answers. */
  close(): Promise<void>;
}

/** Starts the stand-in on loopback and resolves once it listens. */
export async function startStandInApi(options: StandInOptions): Promise<StandInApi> {
  const { simulator } = options;
  const logger = options.logger ?? silentLogger;
  const maxRecorded = options.maxRecorded ?? 2000;
  const faults = createFaultBoard();
  const routes = new Map<string, RouteHandler>();
  const requests: RecordedRequest[] = [];
  const delays = new Set<{ timer: NodeJS.Timeout; done: () => void }>();
  let usageForm: UsageForm = options.usageForm ?? 'named';

  function builtIn(request: StandInRequest): StandInResponse {
    if (request.method === 'POST' && request.path === TOKEN_PATH) return tokenResponse(simulator, request.json);
    if (request.method !== 'GET' || (request.path !== USAGE_PATH && request.path !== PROFILE_PATH)) {
      return apiError(404, 'not_found_error', 'Not found');
    }
    const beta = String(request.headers['anthropic-beta'] ?? '')
      .split(',')
      .map((s) => s.trim());
    if (!request.bearer) return apiError(401, 'authentication_error', 'Missing bearer token');
    if (!beta.includes(OAUTH_BETA)) return apiError(401, 'authentication_error', 'OAuth authentication is currently not supported.');
    if (request.access?.kind === 'expired') {
      return apiError(401, 'authentication_error', 'OAuth token has expired. Please obtain a new token or refresh your existing token.');
    }
    const account = request.access?.kind === 'valid' ? simulator.account(request.access.accountId) : null;
    if (!account) return apiError(401, 'authentication_error', 'Invalid bearer token');
    return { status: 200, json: request.path === USAGE_PATH ? usageBody(account, usageForm) : profileBody(account) };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const bodyText = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const bearer = bearerOf(req.headers.authorization);
    const json = parseJson(bodyText);
    const refreshToken = refreshTokenIn(json);
    const access = bearer ? simulator.checkAccessToken(bearer) : null;
    const accountId =
      access && access.kind !== 'unknown' ? access.accountId : refreshToken ? simulator.ownerOfRefreshToken(refreshToken) : null;
    const request: StandInRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      url,
      headers: req.headers,
      bodyText,
      json,
      bearer,
      access,
      accountId,
      simulator,
    };
    const fault = faults.take(accountId, request.path);
    const record = toRecord({
      method: request.method,
      path: request.path,
      atMs: simulator.now(),
      headers: req.headers,
      json,
      bearer,
      refreshToken,
      accountId,
      fault,
    });
    requests.push(record);
    if (requests.length > maxRecorded) requests.splice(0, requests.length - maxRecorded);
    res.on('finish', () => {
      record.status = res.statusCode;
      logger.debug('stand-in answered', {
        method: record.method,
        path: record.path,
        status: record.status,
        account: accountId,
        token: record.bearerFingerprint,
      });
    });

    if (fault?.kind === 'destroy') return void req.socket.destroy();
    if (fault?.kind === 'delay' && !(await sleep(fault.ms))) return;
    if (fault?.kind === 'status') return send(res, apiErrorForStatus(fault.status));
    if (fault?.kind === 'rate-limited') {
      const answer = apiErrorForStatus(429);
      return send(res, fault.retryAfter === null ? answer : { ...answer, headers: { 'retry-after': fault.retryAfter } });
    }
    if (fault?.kind === 'garbage')
      return send(res, { status: 200, headers: { 'content-type': 'text/html' }, body: '<html><body>upstream hiccup</body></html>' });

    const custom = routes.get(`${request.method} ${request.path}`);
    const answer = custom ? await custom(request, res) : builtIn(request);
    if (!answer) return;
    if (fault?.kind === 'truncated') {
      const full = answer.body ?? JSON.stringify(answer.json ?? null);
      return send(res, {
        status: answer.status,
        headers: { 'content-type': 'application/json', ...answer.headers },
        body: full.slice(0, Math.floor(full.length / 2)),
      });
    }
    send(res, answer);
  }

  /** Resolves true after `ms`, or false when the server closes first. */
  function sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          delays.delete(entry);
          resolve(true);
        }, ms),
        done: () => resolve(false),
      };
      delays.add(entry);
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error('stand-in route failed', { path: req.url, error: error instanceof Error ? error.message : String(error) });
      if (!res.headersSent) send(res, apiErrorForStatus(500));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;

  return {
    url,
    tokenUrl: `${url}${TOKEN_PATH}`,
    requests,
    faults,
    addRoute(method, path, handler) {
      routes.set(`${method.toUpperCase()} ${path}`, handler);
    },
    setUsageForm(form) {
      usageForm = form;
    },
    close() {
      for (const entry of delays) {
        clearTimeout(entry.timer);
        entry.done();
      }
      delays.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function send(res: ServerResponse, answer: StandInResponse): void {
  if (res.destroyed) return;
  const body = answer.body ?? (answer.json === undefined ? '' : JSON.stringify(answer.json));
  const contentType = answer.json === undefined ? 'text/plain' : 'application/json';
  res.writeHead(answer.status, {
    'content-type': contentType,
    'request-id': `req_standin_${Math.random().toString(36).slice(2, 12)}`,
    ...answer.headers,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) break;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

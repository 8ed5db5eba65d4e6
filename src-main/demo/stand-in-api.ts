/**
 * A loopback stand-in for the Anthropic OAuth endpoints, backed by the fleet simulator: the demo
 * mode (`serve --demo`) and the tests talk to it instead of api.anthropic.com. It answers the
 * documented shapes, checks the headers the real API checks, records every request (by token
 * fingerprint, never the token), and injects faults on demand. Requests and the built-in answers
 * are in `stand-in-request.ts`, writing answers in `stand-in-answer.ts`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Logger, silentLogger } from '../engine/index.js';
import type { FleetSimulator } from './fleet-simulator.js';
import { createDelays, sendAnswer as send, truncatedAnswer } from './stand-in-answer.js';
import { createFaultBoard, type FaultBoard, type StandInFault } from './stand-in-faults.js';
import { toRecord, type RecordedRequest } from './stand-in-record.js';
import { apiErrorForStatus, type UsageForm } from './stand-in-oauth.js';
import { builtInAnswer, readStandInRequest, TOKEN_PATH, type RouteHandler, type StandInRequest } from './stand-in-request.js';

export type { StandInFault, FaultBoard, FaultScope, ArmedFault } from './stand-in-faults.js';
export type { StandInResponse, UsageForm } from './stand-in-oauth.js';
export type { RecordedRequest } from './stand-in-record.js';
export { TOKEN_PATH, type RouteHandler, type StandInRequest } from './stand-in-request.js';

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
  const delays = createDelays();
  let usageForm: UsageForm = options.usageForm ?? 'named';

  /** Records the request (bounded), and its status once answered. */
  function remember(request: StandInRequest, refreshToken: string | null, fault: StandInFault | null, res: ServerResponse): void {
    const { accountId } = request;
    const record = toRecord({
      method: request.method,
      path: request.path,
      atMs: simulator.now(),
      headers: request.headers,
      json: request.json,
      bearer: request.bearer,
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
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { request, refreshToken } = await readStandInRequest(req, simulator);
    const fault = faults.take(request.accountId, request.path);
    remember(request, refreshToken, fault, res);

    if (fault?.kind === 'destroy') return void req.socket.destroy();
    if (fault?.kind === 'delay' && !(await delays.sleep(fault.ms))) return;
    if (fault?.kind === 'status') return send(res, apiErrorForStatus(fault.status));
    if (fault?.kind === 'rate-limited') {
      const answer = apiErrorForStatus(429);
      return send(res, fault.retryAfter === null ? answer : { ...answer, headers: { 'retry-after': fault.retryAfter } });
    }
    if (fault?.kind === 'garbage')
      return send(res, { status: 200, headers: { 'content-type': 'text/html' }, body: '<html><body>upstream hiccup</body></html>' });

    const custom = routes.get(`${request.method} ${request.path}`);
    const answer = custom ? await custom(request, res) : builtInAnswer(request, usageForm);
    if (!answer) return;
    send(res, fault?.kind === 'truncated' ? truncatedAnswer(answer) : answer);
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
      delays.cancelAll();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/**
 * A request to the stand-in as its routes see it (the bearer already checked against the simulator),
 * and the built-in answers of the documented endpoints (usage, profile, token).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { OAUTH_BETA, PROFILE_PATH, USAGE_PATH } from '../engine/index.js';
import type { AccessCheck, FleetSimulator } from './fleet-simulator.js';
import { bearerOf, refreshTokenIn } from './stand-in-record.js';
import { apiError, profileBody, tokenResponse, usageBody, type StandInResponse, type UsageForm } from './stand-in-oauth.js';

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

/** Reads `req` (body within 1 MB) and identifies its account by bearer or refresh token. */
export async function readStandInRequest(
  req: IncomingMessage,
  simulator: FleetSimulator,
): Promise<{ request: StandInRequest; refreshToken: string | null }> {
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
  return { request, refreshToken };
}

/** The answer of the built-in endpoints, checking the headers the real API checks. */
export function builtInAnswer(request: StandInRequest, usageForm: UsageForm): StandInResponse {
  const { simulator } = request;
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

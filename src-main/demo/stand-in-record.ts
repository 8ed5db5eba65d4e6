/** The stand-in's request log entries: what was asked, by which account, secret-free. */
import type { IncomingMessage } from 'node:http';
import { fingerprint } from '../engine/index.js';
import type { StandInFault } from './stand-in-faults.js';

/** One request as the stand-in saw it. Secret-free: tokens appear only as fingerprints. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  /** Simulator time (epoch ms). */
  readonly atMs: number;
  readonly bearerFingerprint: string | null;
  readonly refreshTokenFingerprint: string | null;
  /** The simulated account the bearer or refresh token belongs to. */
  readonly accountId: string | null;
  /** Lower-case header names; `authorization` shows the fingerprint instead of the token. */
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON body with `refresh_token`/`access_token` replaced by fingerprints; null when none. */
  readonly body: unknown;
  /** The status answered; null when the connection was destroyed. Set when the answer is sent. */
  status: number | null;
  readonly fault: StandInFault['kind'] | null;
}

export interface RecordInput {
  readonly method: string;
  readonly path: string;
  readonly atMs: number;
  readonly headers: IncomingMessage['headers'];
  readonly json: unknown;
  readonly bearer: string | null;
  readonly refreshToken: string | null;
  readonly accountId: string | null;
  readonly fault: StandInFault | null;
}

/** Builds the log entry of a request, replacing every token by its fingerprint. */
export function toRecord(input: RecordInput): RecordedRequest {
  return {
    method: input.method,
    path: input.path,
    atMs: input.atMs,
    bearerFingerprint: input.bearer ? fingerprint(input.bearer) : null,
    refreshTokenFingerprint: input.refreshToken ? fingerprint(input.refreshToken) : null,
    accountId: input.accountId,
    headers: redactHeaders(input.headers),
    body: redactBody(input.json),
    status: null,
    fault: input.fault?.kind ?? null,
  };
}

/** The `refresh_token` of a token-endpoint body, if any. */
export function refreshTokenIn(json: unknown): string | null {
  return isRecord(json) && typeof json.refresh_token === 'string' ? json.refresh_token : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const SECRET_HEADERS = new Set(['authorization', 'x-api-key']);

/** The token of an `Authorization: Bearer …` value, or null. */
export function bearerOf(value: string | string[] | undefined): string | null {
  return /^Bearer\s+(\S+)$/i.exec(String(value ?? ''))?.[1] ?? null;
}

/** `Bearer <fingerprint>` for a bearer token, so tests can still tell tokens apart. */
function redactCredential(value: string): string {
  const bearer = bearerOf(value);
  return bearer ? `Bearer <${fingerprint(bearer)}>` : '<redacted>';
}

function redactHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    out[name] = SECRET_HEADERS.has(name) ? redactCredential(text) : text;
  }
  return out;
}

function redactBody(json: unknown): unknown {
  if (!isRecord(json)) return json;
  const out: Record<string, unknown> = { ...json };
  for (const key of ['refresh_token', 'access_token']) {
    if (typeof out[key] === 'string') out[key] = `<${fingerprint(out[key])}>`;
  }
  return out;
}

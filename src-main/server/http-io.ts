/**
 * Small HTTP helpers shared by the server modules: security headers, JSON replies and errors, and
 * a bounded JSON body reader. Nothing here knows about routes or the engine.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { err, ok, type Result } from '../shared/result.js';

/** An error reply: status, a stable machine code, and a sentence a user can act on. */
export interface HttpError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The JSON shape of every error body. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

/** CSP for the dashboard's HTML; matches the renderer's own meta CSP (src-renderer/index.html). */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** CSP for everything that is not a page (JSON, scripts, images): nothing may run or load. */
export const NON_PAGE_CSP = "default-src 'none'; frame-ancestors 'none'";

/** Sets the headers every response carries; HTML senders replace the CSP with their own. */
export function applySecurityHeaders(res: ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Content-Security-Policy', NON_PAGE_CSP);
}

/** The same headers as raw header lines, for replies written straight to an upgrade socket. */
export const SECURITY_HEADER_LINES = [
  'X-Content-Type-Options: nosniff',
  'Referrer-Policy: no-referrer',
  'X-Frame-Options: DENY',
  `Content-Security-Policy: ${NON_PAGE_CSP}`,
];

/** Sends `body` as JSON with `status`; API replies are never cached. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** Builds an {@link HttpError}. */
export function httpError(status: number, code: string, message: string, headers?: Readonly<Record<string, string>>): HttpError {
  return headers ? { status, code, message, headers } : { status, code, message };
}

/** The JSON body for an error. */
export function toErrorBody(error: HttpError): ErrorBody {
  return { error: { code: error.code, message: error.message } };
}

/** Sends an error as `{ error: { code, message } }`. */
export function sendError(res: ServerResponse, error: HttpError): void {
  sendJson(res, error.status, toErrorBody(error), error.headers);
}

/** Limits for {@link readJsonBody}. */
export interface BodyLimits {
  /** Largest accepted body in bytes; more answers 413. */
  readonly maxBytes: number;
  /** When true a missing or empty body reads as `undefined` instead of a 400. */
  readonly allowEmpty: boolean;
}

const tooLarge = (maxBytes: number): HttpError =>
  httpError(413, 'payload-too-large', `The request body is larger than ${maxBytes} bytes; send less.`, {
    Connection: 'close',
  });

/** True when the request announces a body (a non-zero length or a chunked transfer). */
function announcesBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length.trim() !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}

/**
 * Reads and parses a JSON request body, never buffering more than `maxBytes`.
 * Errors: 413 (too large; the caller must close the connection, the error carries
 * `Connection: close`), 415 (not `application/json`), 400 (malformed JSON, unreadable, or missing
 * when `allowEmpty` is false).
 */
export async function readJsonBody(req: IncomingMessage, limits: BodyLimits): Promise<Result<unknown, HttpError>> {
  if (!announcesBody(req)) {
    return limits.allowEmpty
      ? ok(undefined)
      : err(httpError(400, 'bad-request', 'This request needs a JSON body; send one with content-type application/json.'));
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes) return err(tooLarge(limits.maxBytes));
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    return err(httpError(415, 'unsupported-media-type', 'Send the request body as JSON with content-type application/json.'));
  }
  const read = await readBounded(req, limits.maxBytes);
  if (!read.ok) return read;
  const text = read.value.toString('utf8').trim();
  if (text === '') {
    return limits.allowEmpty ? ok(undefined) : err(httpError(400, 'bad-request', 'This request needs a JSON body; the body was empty.'));
  }
  try {
    return ok(JSON.parse(text) as unknown);
  } catch {
    return err(httpError(400, 'invalid-json', 'The request body is not valid JSON; check the syntax and send it again.'));
  }
}

function readBounded(req: IncomingMessage, maxBytes: number): Promise<Result<Buffer, HttpError>> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const finish = (result: Result<Buffer, HttpError>): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total > maxBytes) {
        // Stop buffering at once; the caller answers 413 and closes the connection.
        req.pause();
        finish(err(tooLarge(maxBytes)));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => finish(ok(Buffer.concat(chunks)));
    const onError = (): void => finish(err(httpError(400, 'bad-request', 'The request body could not be read; send the request again.')));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

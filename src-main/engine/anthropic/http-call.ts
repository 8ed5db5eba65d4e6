/**
 * One HTTP call to an Anthropic endpoint and the classification of what came back into the typed
 * failures of api-types.ts. Never throws for anything the network or the server can do.
 */
import { err, ok, type Result } from '../../shared/result.js';
import type { FetchFn } from '../ports.js';
import { fingerprint } from '../vault/credentials.js';
import type { ApiError } from './api-types.js';

export interface HttpRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Covers the whole exchange: connecting, headers and reading the body. */
  readonly timeoutMs: number;
  /** Tokens sent with this call; scrubbed from any message we build from an error. */
  readonly secrets: readonly string[];
}

/** A complete HTTP answer, whatever its status. */
export interface HttpReply {
  readonly status: number;
  /** The raw `retry-after` header, or null. */
  readonly retryAfter: string | null;
  readonly text: string;
}

/** Messages built from server or runtime text are cut to this length. */
const MAX_MESSAGE_CHARS = 160;

/** Answers larger than this are refused (a usage or token answer is a few KiB). */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

type Exchange = Result<HttpReply, ApiError> | { readonly thrown: unknown; readonly status: number | null };

/**
 * Sends the request with a hard deadline: at `timeoutMs` the call resolves `timeout` and the fetch
 * is aborted and its body cancelled — even if the runtime keeps a trickling body alive, we no longer
 * wait for it. Failures before a status arrives become `network`; a body that breaks off after the
 * status, or grows past {@link MAX_RESPONSE_BYTES}, becomes `bad-response`.
 */
export async function sendHttp(fetchFn: FetchFn, request: HttpRequest): Promise<Result<HttpReply, ApiError>> {
  const controller = new AbortController();
  let body: ReadableStreamDefaultReader<Uint8Array> | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), request.timeoutMs);
  });
  const exchange = (async (): Promise<Exchange> => {
    let status: number | null = null;
    try {
      const response = await fetchFn(request.url, {
        method: request.method,
        headers: { ...request.headers },
        body: request.body,
        signal: controller.signal,
        redirect: 'error',
      });
      status = response.status;
      body = response.body?.getReader() ?? null;
      const text = body ? await readCapped(body) : '';
      if (text === null) {
        controller.abort();
        return err({ kind: 'bad-response', status, message: `response body larger than ${MAX_RESPONSE_BYTES} bytes` });
      }
      return ok({ status, retryAfter: response.headers.get('retry-after'), text });
    } catch (cause) {
      return { thrown: cause, status };
    }
  })();
  try {
    const outcome = await Promise.race([exchange, deadline]);
    if (outcome === 'timeout') {
      controller.abort();
      void (body as ReadableStreamDefaultReader<Uint8Array> | null)?.cancel().catch(() => undefined);
      return err({ kind: 'timeout', afterMs: request.timeoutMs });
    }
    if (!('thrown' in outcome)) return outcome;
    const message = scrub(describeNetworkError(outcome.thrown), request.secrets);
    if (outcome.status !== null)
      return err({ kind: 'bad-response', status: outcome.status, message: `response body broke off: ${message}` });
    return err({ kind: 'network', message });
  } finally {
    clearTimeout(timer);
  }
}

/** The body as text, or null once it grows past {@link MAX_RESPONSE_BYTES} (the rest is not read). */
async function readCapped(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string | null> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_RESPONSE_BYTES) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Maps a non-2xx status to its typed failure (null for 2xx): 401/403 → unauthorized,
 * 429 → rate-limited (with `retry-after`), anything else → bad-response.
 */
export function classifyStatus(reply: HttpReply, nowMs: number): ApiError | null {
  const { status } = reply;
  if (status >= 200 && status < 300) return null;
  if (status === 401 || status === 403) return { kind: 'unauthorized', status };
  if (status === 429) return { kind: 'rate-limited', retryAfterMs: parseRetryAfterMs(reply.retryAfter, nowMs) };
  const what = status >= 500 ? 'server error' : 'unexpected status';
  return { kind: 'bad-response', status, message: `${what} ${status}` };
}

/** Parses a body as JSON; a body that is not JSON (garbage, cut off) is a bad-response. */
export function parseJsonBody(reply: HttpReply): Result<unknown, ApiError> {
  try {
    return ok(JSON.parse(reply.text) as unknown);
  } catch {
    const what = reply.text.trim() === '' ? 'response body was empty' : 'response body was not valid JSON';
    return err({ kind: 'bad-response', status: reply.status, message: what });
  }
}

/** Sends, classifies the status, and parses the JSON of a 2xx answer. */
export async function callJson(fetchFn: FetchFn, request: HttpRequest, nowMs: () => number): Promise<Result<unknown, ApiError>> {
  const sent = await sendHttp(fetchFn, request);
  if (!sent.ok) return sent;
  const failure = classifyStatus(sent.value, nowMs());
  if (failure) return err(failure);
  return parseJsonBody(sent.value);
}

const IMF_FIXDATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * `retry-after` as milliseconds from `nowMs`: delay-seconds (`3600`) or an HTTP date
 * (`Wed, 21 Oct 2026 07:28:00 GMT`, a past date → 0). Null when absent or unreadable.
 */
export function parseRetryAfterMs(value: string | null, nowMs: number): number | null {
  const raw = value?.trim();
  if (!raw) return null;
  if (/^\d+$/.test(raw)) return Number(raw) * 1000;
  // Date.parse alone is far too lenient ("1.5" is a date to V8), so insist on the HTTP-date form.
  if (!IMF_FIXDATE.test(raw)) return null;
  const atMs = Date.parse(raw);
  return Number.isNaN(atMs) ? null : Math.max(0, atMs - nowMs);
}

/** Replaces every secret in a message by its fingerprint, and keeps the message short. */
export function scrub(message: string, secrets: readonly string[]): string {
  let safe = message;
  for (const secret of secrets) {
    if (secret) safe = safe.split(secret).join(`[token ${fingerprint(secret)}]`);
  }
  return safe.length > MAX_MESSAGE_CHARS ? `${safe.slice(0, MAX_MESSAGE_CHARS - 1)}…` : safe;
}

const NETWORK_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found (DNS)',
  EAI_AGAIN: 'DNS lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CLOSED: 'connection closed',
};

/** Words for a fetch rejection: undici hides the real reason in `cause` (often with a `code`). */
function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause ?? error;
  const code = typeof (cause as { code?: unknown } | null)?.code === 'string' ? (cause as { code: string }).code : null;
  if (code) return `${NETWORK_CODES[code] ?? 'network error'} (${code})`;
  if (cause instanceof Error && cause.message) return `network error: ${cause.message}`;
  return 'network error';
}

/**
 * A scripted `/v1/messages` for the loopback stand-in API (src-main/demo/stand-in-api.ts), enough
 * for the real Claude Code CLI to run a turn: the main loop first gets a `Bash` tool call, then —
 * once the tool result comes back — a final text. Side requests (titles, quota checks) get text.
 * Every answer carries the unified rate-limit headers Claude Code turns into statusline
 * `rate_limits`; every call is logged with the bearer's fingerprint, never the token.
 */
import type { ServerResponse } from 'node:http';
import type { RouteHandler, StandInRequest } from '../../src-main/demo/stand-in-api.js';
import { fingerprint } from '../../src-main/engine/vault/credentials.js';

/** What the stand-in sends as `anthropic-ratelimit-unified-*` (fractions 0–1, epoch seconds). */
export interface UnifiedRateLimits {
  readonly fiveHourUtilization: number;
  readonly fiveHourResetS: number;
  readonly sevenDayUtilization: number;
  readonly sevenDayResetS: number;
  readonly status: 'allowed' | 'allowed_warning' | 'rejected';
}

export interface MessagesCall {
  readonly atMs: number;
  readonly bearerFingerprint: string | null;
  readonly accountId: string | null;
  readonly model: string | null;
  readonly stream: boolean;
  readonly answered: 'tool_use' | 'text' | 'rate_limit';
}

export interface MessagesEndpointOptions {
  /** The shell command the scripted Bash call runs; default `sleep 1; echo hi`. */
  readonly bashCommand?: string;
  readonly finalText?: string;
  readonly rateLimits: (request: StandInRequest) => UnifiedRateLimits;
  /** True: answer 429 `rate_limit_error` with unified status `rejected` (the account's usage limit is hit). */
  readonly limitHit?: (request: StandInRequest) => boolean;
}

export interface MessagesEndpoint {
  /** For `standIn.addRoute('POST', '/v1/messages', endpoint.handler)`. */
  readonly handler: RouteHandler;
  /** For `POST /v1/messages/count_tokens`. */
  readonly countTokens: RouteHandler;
  readonly calls: MessagesCall[];
}

type Json = Record<string, unknown>;

/** True when the conversation's last message carries a tool result (the tool already ran). */
function afterToolResult(body: Json): boolean {
  const messages = Array.isArray(body.messages) ? (body.messages as Json[]) : [];
  const last = messages[messages.length - 1];
  return Array.isArray(last?.content) && (last.content as Json[]).some((c) => c?.type === 'tool_result');
}

function offersBash(body: Json): boolean {
  return Array.isArray(body.tools) && (body.tools as Json[]).some((t) => t?.name === 'Bash');
}

/** Creates the endpoint. */
export function createMessagesEndpoint(options: MessagesEndpointOptions): MessagesEndpoint {
  const calls: MessagesCall[] = [];
  let toolCount = 0;
  const handler: RouteHandler = (request, res) => {
    const body = (request.json ?? {}) as Json;
    const model = typeof body.model === 'string' ? body.model : 'claude-stand-in';
    const useTool = offersBash(body) && !afterToolResult(body);
    const stream = body.stream === true;
    if (options.limitHit?.(request)) return limitHitAnswer(calls, request, model, stream, options.rateLimits(request));
    calls.push({
      atMs: Date.now(),
      bearerFingerprint: request.bearer ? fingerprint(request.bearer) : null,
      accountId: request.accountId,
      model,
      stream,
      answered: useTool ? 'tool_use' : 'text',
    });
    const limits = options.rateLimits(request);
    const headers = {
      'anthropic-ratelimit-unified-status': limits.status,
      'anthropic-ratelimit-unified-5h-utilization': String(limits.fiveHourUtilization),
      'anthropic-ratelimit-unified-5h-reset': String(limits.fiveHourResetS),
      'anthropic-ratelimit-unified-7d-utilization': String(limits.sevenDayUtilization),
      'anthropic-ratelimit-unified-7d-reset': String(limits.sevenDayResetS),
      'request-id': `req_standin_${calls.length}`,
    };
    const content = useTool
      ? {
          type: 'tool_use',
          id: `toolu_standin_${++toolCount}`,
          name: 'Bash',
          input: { command: options.bashCommand ?? 'sleep 1; echo hi', description: 'scripted' },
        }
      : { type: 'text', text: options.finalText ?? 'done' };
    const message = {
      id: `msg_standin_${calls.length}`,
      type: 'message',
      role: 'assistant',
      model,
      content: [content],
      stop_reason: useTool ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    };
    if (!stream) return { status: 200, json: message, headers };
    writeStream(res, headers, message, content);
  };
  const countTokens: RouteHandler = () => ({ status: 200, json: { input_tokens: 10 } });
  return { handler, countTokens, calls };
}

function writeStream(res: ServerResponse, headers: Record<string, string>, message: Json, content: Json): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...headers });
  const event = (type: string, data: Json): void => void res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  event('message_start', { message: { ...message, content: [], stop_reason: null, usage: { input_tokens: 10, output_tokens: 1 } } });
  if (content.type === 'tool_use') {
    event('content_block_start', { index: 0, content_block: { ...content, input: {} } });
    event('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: JSON.stringify(content.input) } });
  } else {
    event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: content.text } });
  }
  event('content_block_stop', { index: 0 });
  event('message_delta', { delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage: { output_tokens: 5 } });
  event('message_stop', {});
  res.end();
}

/** A 429 as Anthropic sends it when a subscription's usage limit is reached. */
function limitHitAnswer(calls: MessagesCall[], request: StandInRequest, model: string, stream: boolean, limits: UnifiedRateLimits) {
  calls.push({
    atMs: Date.now(),
    bearerFingerprint: request.bearer ? fingerprint(request.bearer) : null,
    accountId: request.accountId,
    model,
    stream,
    answered: 'rate_limit',
  });
  return {
    status: 429,
    json: { type: 'error', error: { type: 'rate_limit_error', message: "This request would exceed your account's rate limit." } },
    headers: {
      'anthropic-ratelimit-unified-status': 'rejected',
      'anthropic-ratelimit-unified-5h-status': 'rejected',
      'anthropic-ratelimit-unified-5h-utilization': '1',
      'anthropic-ratelimit-unified-5h-reset': String(limits.fiveHourResetS),
      'anthropic-ratelimit-unified-7d-utilization': String(limits.sevenDayUtilization),
      'anthropic-ratelimit-unified-7d-reset': String(limits.sevenDayResetS),
      'anthropic-ratelimit-unified-reset': String(limits.fiveHourResetS),
      'anthropic-ratelimit-unified-representative-claim': 'five_hour',
      'request-id': `req_standin_${calls.length}`,
    },
  };
}

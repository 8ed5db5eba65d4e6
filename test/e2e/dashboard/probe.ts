/**
 * Asks a running server whether it implements a command, the way the dashboard would call it: over
 * the `/api/ws` socket, or over the REST route when the socket does not take calls.
 */
import { WebSocket } from 'ws';
import type { CommandName, CommandResult } from '../../../src-main/shared/contract.js';

export type ProbeOutcome = { readonly kind: 'answered'; readonly result: CommandResult<unknown> } | { readonly kind: 'no-socket-calls' };

/** Sends one call on `/api/ws` and waits for its result (or for the server to refuse calls). */
export function callOverSocket(baseUrl: string, name: CommandName, args: unknown, timeoutMs = 5_000): Promise<ProbeOutcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/ws`);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no answer to ${name} within ${timeoutMs} ms`));
    }, timeoutMs);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'call', id: 1, name, args })));
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; id?: number; result?: CommandResult<unknown> };
      if (message.type === 'result' && message.id === 1 && message.result) {
        clearTimeout(timer);
        ws.close();
        resolve({ kind: 'answered', result: message.result });
      }
    });
    ws.on('close', (code) => {
      clearTimeout(timer);
      if (code === 4400) resolve({ kind: 'no-socket-calls' });
    });
    ws.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/**
 * Why `switchTo` cannot be exercised on this server, or null when it can: a `not-implemented`
 * answer on the socket, or HTTP 501 from `POST /api/switch` when the socket takes no calls.
 */
export async function switchUnavailableReason(baseUrl: string): Promise<string | null> {
  const probe = await callOverSocket(baseUrl, 'switchTo', { accountId: 'ccmax-e2e-probe-no-such-account' });
  if (probe.kind === 'answered') {
    return !probe.result.ok && String(probe.result.error.code) === 'not-implemented' ? `switchTo: ${probe.result.error.message}` : null;
  }
  const response = await fetch(`${baseUrl}/api/switch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accountId: 'ccmax-e2e-probe-no-such-account' }),
  });
  return response.status === 501 ? `POST /api/switch answers 501: ${await response.text()}` : null;
}

/** Why live sessions cannot be fed on this server, or null: the heartbeat WebSocket upgrade answers 404. */
export function heartbeatUnavailableReason(baseUrl: string, timeoutMs = 5_000): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/heartbeat`);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`the /heartbeat upgrade got no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    ws.on('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      res.resume();
      ws.terminate();
      resolve(res.statusCode === 404 ? 'this server has no /heartbeat endpoint yet (live sessions are not wired into serve)' : null);
    });
    ws.on('open', () => {
      clearTimeout(timer);
      ws.close();
      resolve(null);
    });
    ws.on('error', () => undefined); // the outcome is decided above
  });
}

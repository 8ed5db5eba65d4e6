import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiError } from '../../src-main/engine/anthropic/api-types.js';
import type { Result } from '../../src-main/shared/result.js';
import { startStandInHarness, type StandInHarness } from '../stand-in/index.js';

let h: StandInHarness;
let token: string;
beforeEach(async () => {
  h = await startStandInHarness();
  token = h.simulator.credentials(h.accountId(0)).accessToken;
});
afterEach(async () => {
  await h.close();
});

/** The failure of a call that must fail; also asserts the token never leaks into it. */
function failure(result: Result<unknown, ApiError>): ApiError {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('expected a failure');
  expect(JSON.stringify(result.error)).not.toContain(token);
  return result.error;
}

describe('client faults over loopback', () => {
  it('maps an injected 401 to unauthorized', async () => {
    h.standIn.faults.inject({ kind: 'status', status: 401 }, { times: 1 });
    expect(failure(await h.client().getUsage(token))).toEqual({ kind: 'unauthorized', status: 401 });
  });

  it('maps 403 to unauthorized', async () => {
    h.standIn.faults.inject({ kind: 'status', status: 403 });
    expect(failure(await h.client().getProfile(token))).toEqual({ kind: 'unauthorized', status: 403 });
  });

  it('maps 429 with retry-after in seconds to rate-limited with milliseconds', async () => {
    h.standIn.faults.inject({ kind: 'rate-limited', retryAfter: '3600' });
    expect(failure(await h.client().getUsage(token))).toEqual({ kind: 'rate-limited', retryAfterMs: 3_600_000 });
  });

  it('maps 429 with retry-after as an HTTP date to the time left on the client clock', async () => {
    const retryAt = new Date(h.clock.now() + 15 * 60_000).toUTCString();
    h.standIn.faults.inject({ kind: 'rate-limited', retryAfter: retryAt });
    expect(failure(await h.client().getUsage(token))).toEqual({ kind: 'rate-limited', retryAfterMs: 900_000 });
  });

  it('maps 429 without retry-after to rate-limited with no delay known', async () => {
    h.standIn.faults.inject({ kind: 'rate-limited', retryAfter: null });
    expect(failure(await h.client().getUsage(token))).toEqual({ kind: 'rate-limited', retryAfterMs: null });
  });

  it.each([500, 503])('maps %i to bad-response', async (status) => {
    h.standIn.faults.inject({ kind: 'status', status });
    expect(failure(await h.client().getUsage(token))).toEqual({ kind: 'bad-response', status, message: `server error ${status}` });
  });

  it('maps a slow answer to timeout after the configured deadline', async () => {
    h.standIn.faults.inject({ kind: 'delay', ms: 5_000 });
    const startedMs = Date.now();
    expect(failure(await h.client({ timeoutMs: 150 }).getUsage(token))).toEqual({ kind: 'timeout', afterMs: 150 });
    expect(Date.now() - startedMs).toBeLessThan(2_000);
  });

  it('still answers when the delay is shorter than the deadline', async () => {
    h.standIn.faults.inject({ kind: 'delay', ms: 50 });
    expect((await h.client({ timeoutMs: 2_000 }).getUsage(token)).ok).toBe(true);
  });

  it('maps truncated JSON to bad-response', async () => {
    h.standIn.faults.inject({ kind: 'truncated' });
    expect(failure(await h.client().getUsage(token))).toEqual({
      kind: 'bad-response',
      status: 200,
      message: 'response body was not valid JSON',
    });
  });

  it('maps a garbage body to bad-response', async () => {
    h.standIn.faults.inject({ kind: 'garbage' });
    expect(failure(await h.client().getProfile(token))).toMatchObject({ kind: 'bad-response', status: 200 });
  });

  it('maps JSON of the wrong shape to bad-response', async () => {
    h.standIn.addRoute('GET', '/api/oauth/usage', () => ({ status: 200, json: ['not', 'usage'] }));
    expect(failure(await h.client().getUsage(token))).toEqual({
      kind: 'bad-response',
      status: 200,
      message: 'usage response is not a JSON object',
    });
  });

  it('maps a destroyed connection to network', async () => {
    h.standIn.faults.inject({ kind: 'destroy' });
    expect(failure(await h.client().getUsage(token)).kind).toBe('network');
  });

  it('maps a closed server to network with a readable message', async () => {
    await h.standIn.close();
    const error = failure(await h.client().getUsage(token));
    expect(error).toEqual({ kind: 'network', message: 'connection refused (ECONNREFUSED)' });
  });

  it('recovers once a fault for the next request has been spent', async () => {
    h.standIn.faults.inject({ kind: 'status', status: 503 }, { times: 1 });
    const client = h.client();
    expect((await client.getUsage(token)).ok).toBe(false);
    expect((await client.getUsage(token)).ok).toBe(true);
  });

  it('hits only the account the fault was injected for', async () => {
    h.standIn.faults.inject({ kind: 'status', status: 500 }, { accountId: h.accountId(0) });
    const other = h.simulator.credentials(h.accountId(1)).accessToken;
    expect((await h.client().getUsage(other)).ok).toBe(true);
    expect((await h.client().getUsage(token)).ok).toBe(false);
  });

  it('never puts the token into a network error message, even when the runtime error carries it', async () => {
    const client = h.client({
      fetch: async () => {
        throw new TypeError('fetch failed', { cause: new Error(`socket hang up while sending Bearer ${token}`) });
      },
    });
    const error = failure(await client.getUsage(token));
    expect(error.kind).toBe('network');
  });
});

import { describe, expect, it } from 'vitest';
import { classifyStatus, parseJsonBody, parseRetryAfterMs, scrub, sendHttp } from '../../src-main/engine/anthropic/http-call.js';
import { fingerprint } from '../../src-main/engine/vault/credentials.js';

const NOW_MS = Date.UTC(2026, 10, 24, 12);

describe('parseRetryAfterMs', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfterMs('3600', NOW_MS)).toBe(3_600_000);
  });

  it('reads an HTTP date relative to now', () => {
    expect(parseRetryAfterMs('Tue, 24 Nov 2026 12:10:00 GMT', NOW_MS)).toBe(600_000);
  });

  it('answers 0 for an HTTP date in the past', () => {
    expect(parseRetryAfterMs('Tue, 24 Nov 2026 11:00:00 GMT', NOW_MS)).toBe(0);
  });

  it.each([[null], [''], ['soon'], ['1.5'], ['-5'], ['2026-11-24T12:10:00Z']])('answers null for %s', (value) => {
    expect(parseRetryAfterMs(value, NOW_MS)).toBeNull();
  });
});

describe('classifyStatus', () => {
  const reply = (status: number, retryAfter: string | null = null) => ({ status, retryAfter, text: '' });

  it('passes a 2xx through', () => {
    expect(classifyStatus(reply(200), NOW_MS)).toBeNull();
  });

  it('calls 401 and 403 unauthorized', () => {
    expect(classifyStatus(reply(401), NOW_MS)).toEqual({ kind: 'unauthorized', status: 401 });
    expect(classifyStatus(reply(403), NOW_MS)).toEqual({ kind: 'unauthorized', status: 403 });
  });

  it('calls 429 rate-limited with its retry-after', () => {
    expect(classifyStatus(reply(429, '120'), NOW_MS)).toEqual({ kind: 'rate-limited', retryAfterMs: 120_000 });
    expect(classifyStatus(reply(429), NOW_MS)).toEqual({ kind: 'rate-limited', retryAfterMs: null });
  });

  it('calls 5xx and unexpected statuses bad-response', () => {
    expect(classifyStatus(reply(503), NOW_MS)).toEqual({ kind: 'bad-response', status: 503, message: 'server error 503' });
    expect(classifyStatus(reply(404), NOW_MS)).toEqual({ kind: 'bad-response', status: 404, message: 'unexpected status 404' });
  });
});

describe('parseJsonBody', () => {
  it('calls a body that is not JSON a bad-response', () => {
    expect(parseJsonBody({ status: 200, retryAfter: null, text: '{"five_hour": {"utili' })).toEqual({
      ok: false,
      error: { kind: 'bad-response', status: 200, message: 'response body was not valid JSON' },
    });
  });
});

describe('scrub', () => {
  it('replaces a token in a message by its fingerprint', () => {
    const token = 'sk-ant-oat01-secret-value';
    const message = scrub(`failed for ${token}`, [token]);
    expect(message).not.toContain(token);
    expect(message).toContain(fingerprint(token));
  });
});

describe('sendHttp network failures', () => {
  const request = { url: 'https://api.example.invalid/x', method: 'GET' as const, headers: {}, timeoutMs: 1_000, secrets: [] };

  it.each([
    ['ENOTFOUND', 'host not found (DNS) (ENOTFOUND)'],
    ['ECONNRESET', 'connection reset (ECONNRESET)'],
    ['EWHATEVER', 'network error (EWHATEVER)'],
  ])('names a %s failure in words', async (code, message) => {
    const fetchFn = async (): Promise<Response> => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('boom'), { code }) });
    };
    expect(await sendHttp(fetchFn, request)).toEqual({ ok: false, error: { kind: 'network', message } });
  });
});

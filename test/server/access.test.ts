import { describe, expect, it } from 'vitest';
import {
  decideAccess,
  isLoopbackAddress,
  isLoopbackHost,
  loopbackHostSet,
  readCookie,
  secretsEqual,
} from '../../src-main/server/access.js';

const loopback = { token: null, allowedHosts: loopbackHostSet('127.0.0.1', 4000) };
const q = (s = '') => new URLSearchParams(s);

describe('isLoopbackHost', () => {
  it('recognises 127.0.0.0/8, ::1 and localhost', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST']) expect(isLoopbackHost(host), host).toBe(true);
  });

  it('treats wildcard and public addresses as non-loopback', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.2', 'example.com', '128.0.0.1', '::ffff:127.0.0.1'])
      expect(isLoopbackHost(host), host).toBe(false);
  });
});

describe('decideAccess', () => {
  it('allows a loopback request with its own Host and no token configured', () => {
    expect(decideAccess({ host: '127.0.0.1:4000' }, q(), loopback)).toEqual({ ok: true, tokenSource: 'none-required' });
  });

  it('matches the Host header case-insensitively', () => {
    expect(decideAccess({ host: 'LocalHost:4000' }, q(), loopback).ok).toBe(true);
  });

  it('checks Host before the token, so a rebinding page learns nothing about auth', () => {
    const decision = decideAccess({ host: 'evil:4000' }, q(), { ...loopback, token: 'secret-token' });
    expect(decision).toMatchObject({ ok: false, status: 403 });
  });

  it('accepts an https Origin for the same host (a TLS proxy in front)', () => {
    expect(
      decideAccess({ host: 'monitor.lan:4000', origin: 'https://monitor.lan:4000' }, q(), { token: null, allowedHosts: null }).ok,
    ).toBe(true);
  });

  it('prefers a valid cookie even when a stale query token is present', () => {
    const decision = decideAccess({ host: 'h:1', cookie: 'ccmax_token=right' }, q('token=wrong'), { token: 'right', allowedHosts: null });
    expect(decision).toEqual({ ok: true, tokenSource: 'cookie' });
  });

  it('ignores non-bearer Authorization schemes', () => {
    const decision = decideAccess({ host: 'h:1', authorization: 'Basic right' }, q(), { token: 'right', allowedHosts: null });
    expect(decision).toMatchObject({ ok: false, status: 401 });
  });
});

describe('helpers', () => {
  it('compares secrets of different lengths without throwing', () => {
    expect(secretsEqual('a', 'abc')).toBe(false);
    expect(secretsEqual('abc', 'abc')).toBe(true);
  });

  it('reads one cookie among several and survives bad encoding', () => {
    expect(readCookie('a=1; ccmax_token=t%20k; b=2', 'ccmax_token')).toBe('t k');
    expect(readCookie('ccmax_token=%E0%A4%A', 'ccmax_token')).toBeNull();
    expect(readCookie(undefined, 'ccmax_token')).toBeNull();
  });
});

describe('isLoopbackAddress', () => {
  it('recognises loopback socket addresses, IPv4-mapped ones included', () => {
    for (const a of ['127.0.0.1', '127.0.1.1', '::1', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1']) expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of [undefined, '', '203.0.113.7', '::ffff:10.0.0.1', 'fe80::1']) expect(isLoopbackAddress(a), String(a)).toBe(false);
  });
});

describe('decideAccess for a path open to local clients without the token (the heartbeat)', () => {
  // A server on every interface with a token: the Host is not checked, so only the local-peer rule stands between a rebound page and the socket.
  const wide = { token: 'right', allowedHosts: null, loopbackHosts: loopbackHostSet('127.0.0.1', 4000) };
  const local = { address: '127.0.0.1' };

  it('lets a loopback peer naming a loopback Host in without the token', () => {
    for (const host of ['127.0.0.1:4000', 'localhost:4000', '[::1]:4000'])
      expect(decideAccess({ host }, q(), wide, local), host).toEqual({ ok: true, tokenSource: 'loopback-peer' });
  });

  it('asks a loopback peer naming any other Host for the token (a rebound name)', () => {
    const rebound = { host: 'evil.example:4000', origin: 'http://evil.example:4000' };
    expect(decideAccess(rebound, q(), wide, local)).toMatchObject({ ok: false, status: 401 });
    expect(decideAccess({ host: '127.0.0.1:4001' }, q(), wide, local)).toMatchObject({ ok: false, status: 401 });
    expect(decideAccess({ host: 'monitor.lan:4000', authorization: 'Bearer right' }, q(), wide, local)).toEqual({
      ok: true,
      tokenSource: 'header',
    });
  });

  it('asks a peer beyond loopback for the token even with a loopback Host, and refuses it outright when the server has none', () => {
    const remote = { address: '203.0.113.7' };
    expect(decideAccess({ host: '127.0.0.1:4000' }, q(), wide, remote)).toMatchObject({ ok: false, status: 401 });
    expect(decideAccess({ host: '127.0.0.1:4000' }, q('token=right'), wide, remote)).toEqual({ ok: true, tokenSource: 'query' });
    const open = { token: null, allowedHosts: loopbackHostSet('127.0.0.1', 4000), loopbackHosts: loopbackHostSet('127.0.0.1', 4000) };
    expect(decideAccess({ host: '127.0.0.1:4000' }, q(), open, remote)).toMatchObject({ ok: false, status: 401 });
  });

  it('applies the Host and Origin rules before the local-peer rule', () => {
    const loopbackBound = {
      token: null,
      allowedHosts: loopbackHostSet('127.0.0.1', 4000),
      loopbackHosts: loopbackHostSet('127.0.0.1', 4000),
    };
    expect(decideAccess({ host: 'evil.example:4000', origin: 'http://evil.example:4000' }, q(), loopbackBound, local)).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(decideAccess({ host: '127.0.0.1:4000', origin: 'https://evil.example' }, q(), wide, local)).toMatchObject({
      ok: false,
      status: 403,
    });
  });
});

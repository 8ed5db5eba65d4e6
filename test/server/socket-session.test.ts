import { describe, expect, it } from 'vitest';
import { createCommandHandlers } from '../../src-main/engine/command-handlers.js';
import { DEFAULT_CALL_LIMITS, type CallLimits } from '../../src-main/server/call-limiter.js';
import { CloseCode } from '../../src-main/server/close-codes.js';
import type { DashboardServerMessage } from '../../src-main/server/socket-protocol.js';
import { createSocketSession } from '../../src-main/server/socket-session.js';
import type { CommandHandlers } from '../../src-main/shared/contract.js';
import { FakeClock, flushMicrotasks } from '../fakes/fake-clock.js';
import { FakeEngine } from '../fakes/fake-engine.js';
import { RecordingLogger } from './server-harness.js';

function setup(options: { limits?: Partial<CallLimits>; handlers?: CommandHandlers } = {}) {
  const clock = new FakeClock(0);
  const engine = new FakeEngine();
  const logger = new RecordingLogger();
  const sent: DashboardServerMessage[] = [];
  const closes: { code: number; reason: string }[] = [];
  const session = createSocketSession({
    handlers: options.handlers ?? createCommandHandlers(engine),
    limits: { ...DEFAULT_CALL_LIMITS, ...options.limits },
    logger,
    now: () => clock.now(),
    send: (m) => sent.push(m),
    close: (code, reason) => closes.push({ code, reason }),
  });
  const call = (id: number, name: string, args: unknown = {}) => session.receive(JSON.stringify({ type: 'call', id, name, args }));
  return { clock, engine, logger, sent, closes, session, call };
}

const codes = (sent: readonly DashboardServerMessage[]) =>
  sent.flatMap((m) => (m.type === 'result' ? [m.result.ok ? 'ok' : m.result.error.code] : [m.type]));

describe('socket session', () => {
  it('answers a ping with a pong', () => {
    const s = setup();
    s.session.receive('{"type":"ping"}');
    expect(s.sent).toEqual([{ type: 'pong' }]);
  });

  it('answers a call with its result under the same id', async () => {
    const s = setup();
    s.call(41, 'refreshNow', { accountId: 'acct-1' });
    expect(s.session.inFlight).toBe(1);
    await flushMicrotasks();
    expect(s.sent).toEqual([{ type: 'result', id: 41, result: { ok: true, value: { accepted: true } } }]);
    expect(s.session.inFlight).toBe(0);
  });

  it('closes with 4400 and a fixed reason on a malformed message, then ignores the client', async () => {
    const s = setup();
    s.session.receive('{"type":"call","id":"x","name":"getSnapshot"}');
    s.call(1, 'getSnapshot');
    s.session.receive('{"type":"ping"}');
    await flushMicrotasks();
    expect(s.closes).toEqual([{ code: CloseCode.BadRequest, reason: 'a call needs "id": a whole number from 0 to 2^53-1' }]);
    expect(s.sent).toEqual([]);
  });

  it('keeps every close reason within the 123 bytes a close frame allows', () => {
    for (const text of [
      'nope',
      '[]',
      '{"type":"x"}',
      '{"type":"ping","x":1}',
      '{"type":"call","id":1}',
      '{"type":"call","id":1,"name":"a","b":2}',
    ]) {
      const s = setup();
      s.session.receive(text);
      expect(Buffer.byteLength(s.closes[0]?.reason ?? '')).toBeGreaterThan(0);
      expect(Buffer.byteLength(s.closes[0]?.reason ?? '')).toBeLessThanOrEqual(123);
    }
  });

  it('answers rate-limited beyond the burst and closes with 4429 when the refusals run out', () => {
    const s = setup({
      limits: { burst: 2, refusalsBeforeClose: 2 },
      handlers: { ...createCommandHandlers(new FakeEngine()), getSnapshot: () => new Promise(() => {}) },
    });
    for (let id = 1; id <= 6; id++) s.call(id, 'getSnapshot');
    expect(codes(s.sent)).toEqual(['rate-limited', 'rate-limited']);
    expect(s.closes).toEqual([{ code: CloseCode.TooManyRequests, reason: 'too many calls: keep under 20 a second' }]);
  });

  it('counts pings against the rate and drops those over it', () => {
    const s = setup({ limits: { burst: 1, refusalsBeforeClose: 5 } });
    s.session.receive('{"type":"ping"}');
    s.session.receive('{"type":"ping"}');
    expect(s.sent).toEqual([{ type: 'pong' }]);
    expect(s.closes).toEqual([]);
  });

  it('serves again once the bucket has refilled', async () => {
    const s = setup({ limits: { burst: 1, callsPerSec: 10 } });
    s.call(1, 'getSnapshot');
    s.call(2, 'getSnapshot');
    s.clock.jump(100);
    s.call(3, 'getSnapshot');
    await flushMicrotasks();
    expect(s.sent.map((m) => (m.type === 'result' ? [m.id, m.result.ok ? 'ok' : m.result.error.code] : m.type))).toEqual([
      [2, 'rate-limited'],
      [1, 'ok'],
      [3, 'ok'],
    ]);
  });

  it('answers busy beyond the in-flight cap', () => {
    const never: CommandHandlers = { ...createCommandHandlers(new FakeEngine()), getSnapshot: () => new Promise(() => {}) };
    const s = setup({ limits: { maxInFlight: 2 }, handlers: never });
    for (let id = 1; id <= 3; id++) s.call(id, 'getSnapshot');
    expect(s.sent).toEqual([
      {
        type: 'result',
        id: 3,
        result: {
          ok: false,
          error: { code: 'busy', message: '2 calls are already running on this connection; wait for a result before sending more.' },
        },
      },
    ]);
    expect(s.session.inFlight).toBe(2);
  });

  it('answers an unknown command and shortens a long name in the message', () => {
    const s = setup();
    s.call(5, 'x'.repeat(500));
    const message = s.sent[0];
    expect(message?.type === 'result' && !message.result.ok && message.result.error.code).toBe('unknown-command');
    expect(message?.type === 'result' && !message.result.ok && message.result.error.message.length).toBeLessThan(400);
  });

  it('turns a handler that rejects into an internal result and logs it', async () => {
    const broken: CommandHandlers = { ...createCommandHandlers(new FakeEngine()), getSnapshot: () => Promise.reject(new Error('boom')) };
    const s = setup({ handlers: broken });
    s.call(9, 'getSnapshot');
    await flushMicrotasks();
    expect(codes(s.sent)).toEqual(['internal']);
    expect(s.logger.entries.some((e) => e.level === 'error' && e.fields?.['error'] === 'boom')).toBe(true);
  });

  it('turns a handler that throws synchronously into an internal result', async () => {
    const broken: CommandHandlers = {
      ...createCommandHandlers(new FakeEngine()),
      getSnapshot: () => {
        throw new Error('sync boom');
      },
    };
    const s = setup({ handlers: broken });
    s.call(9, 'getSnapshot');
    await flushMicrotasks();
    expect(codes(s.sent)).toEqual(['internal']);
    expect(s.session.inFlight).toBe(0);
  });

  it('sends no result for a call that finishes after the session closed', async () => {
    let release!: () => void;
    const gated: CommandHandlers = {
      ...createCommandHandlers(new FakeEngine()),
      getSnapshot: () => new Promise((r) => (release = () => r({ ok: true, value: null as never }))),
    };
    const s = setup({ handlers: gated });
    s.call(1, 'getSnapshot');
    s.session.receive('not json');
    release();
    await flushMicrotasks();
    expect(s.sent).toEqual([]);
    expect(s.session.inFlight).toBe(0);
  });

  it('logs the command name but never its arguments', async () => {
    const s = setup();
    s.call(1, 'addFromCredentialsJson', { json: '{"accessToken":"sk-ant-oat01-SECRET"}' });
    await flushMicrotasks();
    expect(s.logger.text()).toContain('addFromCredentialsJson');
    expect(s.logger.text()).not.toContain('SECRET');
  });
});

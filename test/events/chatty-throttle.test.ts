import { describe, expect, it } from 'vitest';
import { createChattyThrottle } from '../../src-main/engine/events/chatty-throttle.js';
import type { EngineEvent, EventKind } from '../../src-main/engine/events/event-types.js';

const T0 = Date.UTC(2026, 11, 5, 12, 0, 0);
const ev = (atMs: number, kind: EventKind = 'session-started'): EngineEvent => ({ atMs, kind, level: 'info', message: kind });

describe('the chatty-event throttle', () => {
  it('lets a window’s budget of session events through and counts the rest', () => {
    const throttle = createChattyThrottle({ budget: 3, windowMs: 60_000 });
    const passed = Array.from({ length: 10 }, (_, i) => throttle.admit(ev(T0 + i))).flat();
    expect(passed.map((e) => e.atMs)).toEqual([T0, T0 + 1, T0 + 2]);
    const summary = throttle.flush(T0 + 10);
    expect(summary).toMatchObject({ kind: 'events-suppressed', level: 'warn', data: { suppressed: 7, sinceMs: T0 + 3 } });
    expect(summary?.message).toContain('7 more session events were not logged');
    expect(throttle.flush(T0 + 11)).toBeNull();
  });

  it('never holds back other events, and reports a suppressed window before the next event after it', () => {
    const throttle = createChattyThrottle({ budget: 1, windowMs: 60_000 });
    throttle.admit(ev(T0));
    expect(throttle.admit(ev(T0 + 1))).toEqual([]);
    expect(throttle.admit(ev(T0 + 2, 'account-switched'))).toEqual([ev(T0 + 2, 'account-switched')]);
    const next = throttle.admit(ev(T0 + 61_000, 'token-refreshed'));
    expect(next.map((e) => e.kind)).toEqual(['events-suppressed', 'token-refreshed']);
    expect(next[0]?.data?.suppressed).toBe(1);
  });

  it('opens a new budget in the next window', () => {
    const throttle = createChattyThrottle({ budget: 2, windowMs: 1000 });
    for (let i = 0; i < 5; i++) throttle.admit(ev(T0 + i));
    const later = [throttle.admit(ev(T0 + 1500)), throttle.admit(ev(T0 + 1501)), throttle.admit(ev(T0 + 1502))];
    expect(later.map((out) => out.map((e) => e.kind))).toEqual([['events-suppressed', 'session-started'], ['session-started'], []]);
  });

  it('starts a new window when the clock jumps backwards instead of throttling forever', () => {
    const throttle = createChattyThrottle({ budget: 1, windowMs: 60_000 });
    throttle.admit(ev(T0));
    expect(throttle.admit(ev(T0 - 3_600_000)).map((e) => e.kind)).toEqual(['session-started']);
  });
});

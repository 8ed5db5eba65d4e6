import { describe, expect, it } from 'vitest';
import type { SessionTransition } from '../../src-main/engine/sessions/session-states.js';
import {
  likelyHoldMs,
  quantile,
  RECENT_TOOL_CALLS,
  rememberToolCall,
  toolCallLengthMs,
  toolCallMarginMs,
} from '../../src-main/engine/rotation/tool-calls.js';
import { inTool, MIN, NOW, SEC } from './policy-builders.js';

const calls = (lengthMs: number, count = 20) => Array.from({ length: count }, () => lengthMs);
/** 18 calls of 10 s and 2 of 4 min: the 90th percentile is 10 s, the longest 4 min. */
const mostlyShort = [...calls(10 * SEC, 18), ...calls(4 * MIN, 2)];
/** 17 calls of 10 s and 3 of 4 min. */
const threeLong = [...calls(10 * SEC, 17), ...calls(4 * MIN, 3)];

describe('toolCallMarginMs: how far ahead to switch at a safe moment', () => {
  it.each([
    { name: 'one minute before ten calls are observed', recent: calls(3 * MIN, 9), expected: 1 * MIN },
    { name: 'the 90th percentile of the observed calls', recent: calls(90 * SEC), expected: 90 * SEC },
    { name: 'never under 15 s', recent: calls(2 * SEC), expected: 15 * SEC },
    { name: 'never over 5 min', recent: calls(20 * MIN), expected: 5 * MIN },
    { name: 'unmoved by a few long calls', recent: mostlyShort, expected: 15 * SEC },
  ])('$name', ({ recent, expected }) => {
    expect(toolCallMarginMs(recent)).toBe(expected);
  });
});

describe('likelyHoldMs: how long running tool calls likely hold a switch', () => {
  it.each([
    { name: 'nothing without blocking sessions', blocking: [], recent: calls(MIN), expected: 0 },
    {
      name: 'the median of what calls that ran this long ran on',
      blocking: [inTool('s', NOW - 10 * SEC)],
      recent: calls(MIN),
      expected: 50 * SEC,
    },
    {
      name: 'a call past most observed lengths is expected to run as long as the long ones do',
      blocking: [inTool('s', NOW - 30 * SEC)],
      recent: threeLong,
      expected: 3.5 * MIN,
    },
    {
      name: 'as long again as it has run when fewer than three observed calls ran this long',
      blocking: [inTool('s', NOW - 30 * SEC)],
      recent: mostlyShort,
      expected: 30 * SEC,
    },
    {
      name: 'as long again as it has run when too few calls are known',
      blocking: [inTool('s', NOW - 3 * MIN)],
      recent: [],
      expected: 3 * MIN,
    },
    { name: 'at least the default margin when too few are known', blocking: [inTool('s', NOW - 5 * SEC)], recent: [], expected: 1 * MIN },
    {
      name: 'the longest hold of several sessions',
      blocking: [inTool('a', NOW - 5 * SEC), inTool('b', NOW - 50 * SEC)],
      recent: calls(2 * MIN),
      expected: 115 * SEC,
    },
  ])('$name', ({ blocking, recent, expected }) => {
    expect(likelyHoldMs(blocking, NOW, recent)).toBe(expected);
  });
});

describe('tool-call lengths from session transitions', () => {
  const transition = (over: Partial<SessionTransition>): SessionTransition => ({
    sessionId: 's',
    from: { kind: 'tool', toolName: 'Bash', sinceMs: NOW - 42 * SEC },
    to: { kind: 'in-turn', sinceMs: NOW },
    atMs: NOW,
    cause: 'message',
    ...over,
  });

  it.each([
    { name: 'a tool call that ended with a message', t: transition({}), expected: 42 * SEC },
    {
      name: 'a tool call followed at once by another',
      t: transition({ to: { kind: 'tool', toolName: 'Read', sinceMs: NOW } }),
      expected: 42 * SEC,
    },
    { name: 'not a call cut short by the state ceiling', t: transition({ cause: 'ceiling' }), expected: null },
    { name: 'not a session that ended mid-call', t: transition({ to: null, cause: 'ended' }), expected: null },
    { name: 'not a turn that ended', t: transition({ from: { kind: 'in-turn', sinceMs: NOW - MIN } }), expected: null },
    { name: 'not a length below zero (clock stepped back)', t: transition({ atMs: NOW - 60 * SEC }), expected: null },
  ])('$name', ({ t, expected }) => {
    expect(toolCallLengthMs(t)).toBe(expected);
  });

  it('keeps only the most recent lengths', () => {
    const recent: number[] = [];
    for (let i = 0; i < RECENT_TOOL_CALLS + 5; i++) rememberToolCall(recent, i);
    expect(recent).toHaveLength(RECENT_TOOL_CALLS);
    expect(recent[0]).toBe(5);
  });

  it('takes quantiles by nearest rank', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2);
    expect(quantile([4, 1, 3, 2], 0.9)).toBe(4);
    expect(quantile([], 0.5)).toBeNaN();
  });
});

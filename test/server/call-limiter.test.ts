import { describe, expect, it } from 'vitest';
import { createCallLimiter, createTokenBucket, DEFAULT_CALL_LIMITS, type Admission } from '../../src-main/server/call-limiter.js';
import { FakeClock } from '../fakes/fake-clock.js';

/** Sends `perSec` messages a second for `seconds`, evenly spaced; returns every admission. */
function steady(perSec: number, seconds: number): Admission[] {
  const clock = new FakeClock(1_000_000);
  const limiter = createCallLimiter(DEFAULT_CALL_LIMITS, () => clock.now());
  const admissions: Admission[] = [];
  for (let i = 0; i < perSec * seconds; i++) {
    admissions.push(limiter.admit());
    clock.jump(1000 / perSec);
  }
  return admissions;
}

describe('token bucket', () => {
  it('gives its capacity at once, then refuses', () => {
    const bucket = createTokenBucket(3, 1, () => 0);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });

  it('refills at its rate', async () => {
    const clock = new FakeClock(0);
    const bucket = createTokenBucket(2, 10, () => clock.now());
    bucket.take();
    bucket.take();
    await clock.advance(99);
    expect(bucket.take()).toBe(false);
    await clock.advance(1);
    expect(bucket.take()).toBe(true);
  });

  it('never holds more than its capacity after a long idle', async () => {
    const clock = new FakeClock(0);
    const bucket = createTokenBucket(2, 10, () => clock.now());
    await clock.advance(60_000);
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, false]);
  });

  it('refuses a configuration without capacity or refill', () => {
    expect(() => createTokenBucket(0, 1, () => 0)).toThrow('capacity must be ≥ 1');
    expect(() => createTokenBucket(1, 0, () => 0)).toThrow('refillPerSec > 0');
  });
});

describe('call limiter', () => {
  it('accepts the burst, then refuses, then calls a flood abusive', () => {
    const limiter = createCallLimiter({ ...DEFAULT_CALL_LIMITS, burst: 4, refusalsBeforeClose: 3 }, () => 0);
    const admissions = Array.from({ length: 8 }, () => limiter.admit());
    expect(admissions).toEqual(['accepted', 'accepted', 'accepted', 'accepted', 'limited', 'limited', 'limited', 'abusive']);
  });

  it('never refuses a client at the sustained rate', () => {
    expect(new Set(steady(20, 30))).toEqual(new Set(['accepted']));
  });

  it('refuses a client a little over the rate now and then, but never closes it', () => {
    const admissions = steady(25, 30);
    expect(admissions).toContain('limited');
    expect(admissions).not.toContain('abusive');
  });

  it('closes a client that stays at twice the rate within seconds', () => {
    const admissions = steady(40, 10);
    const first = admissions.indexOf('abusive');
    expect(first).toBeGreaterThan(0);
    expect(first / 40).toBeLessThan(8);
  });
});

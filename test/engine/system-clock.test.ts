/**
 * Issue 14 item 7: Node's timers hold at most 2^31-1 ms (24.8 days); a longer delay fires after
 * 1 ms with a TimeoutOverflowWarning. A `retry-after` of 30 days must not make the poller re-arm
 * every millisecond: the system clock clamps and chains long delays.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_TIMER_MS, silentLogger, systemClock } from '../../src-main/engine/ports.js';
import { createUsagePoller } from '../../src-main/engine/usage/usage-poller.js';
import { FakeAnthropicClient } from '../fakes/fake-anthropic-client.js';

const D = 24 * 3_600_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const warnings: string[] = [];
const onWarning = (w: Error) => warnings.push(w.name);
afterEach(() => {
  process.off('warning', onWarning);
  warnings.length = 0;
});

describe('system clock timers', () => {
  it('a 30-day timer neither fires at once nor warns', async () => {
    process.on('warning', onWarning);
    let fired = 0;
    const handle = systemClock.setTimeout(() => fired++, 30 * D);
    await sleep(60);
    systemClock.clearTimeout(handle);
    expect(fired).toBe(0);
    expect(warnings).not.toContain('TimeoutOverflowWarning');
    expect(MAX_TIMER_MS).toBe(2 ** 31 - 1);
  });

  it('an ordinary timer still fires, and clearTimeout stops a long one', async () => {
    let fired = 0;
    systemClock.setTimeout(() => fired++, 5);
    const long = systemClock.setTimeout(() => fired++, 40 * D);
    systemClock.clearTimeout(long);
    await sleep(40);
    expect(fired).toBe(1);
  });

  it('the usage poller, told to wait 30 days by a 429, makes no further call', async () => {
    process.on('warning', onWarning);
    const client = new FakeAnthropicClient(() => Date.now());
    client.scriptUsage('at-a', { ok: false, error: { kind: 'rate-limited', retryAfterMs: 30 * D } });
    const poller = createUsagePoller({
      clock: systemClock,
      random: () => 0.5,
      client,
      logger: silentLogger,
      getAccessToken: async () => 'at-a',
      accounts: () => [{ id: 'a', enabled: true, active: false, pollable: true, lastReadAtMs: null }],
      settings: () => ({ activePollIntervalMs: 180_000, parkedPollIntervalMs: 600_000, pollJitterRatio: 0 }),
      onReading: () => undefined,
      onFailure: () => undefined,
    });
    poller.start();
    await poller.pollNow('a');
    await sleep(300);
    await poller.stop();
    expect(client.usageCalls.length).toBe(1);
    expect(warnings).not.toContain('TimeoutOverflowWarning');
  });
});

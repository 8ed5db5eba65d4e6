/**
 * The stand-in Anthropic API for tests: re-exports the demo's server and simulator, plus a harness
 * that wires a FakeClock, the demo fleet, a running stand-in and a client pointed at it.
 */
import { createAnthropicClient, type AnthropicClientOptions } from '../../src-main/engine/anthropic/anthropic-client.js';
import type { AnthropicClient } from '../../src-main/engine/anthropic/api-types.js';
import { createDemoFleet, createFleetSimulator, type DemoFleet, type FleetSimulator } from '../../src-main/demo/fleet-simulator.js';
import { startStandInApi, type StandInApi, type UsageForm } from '../../src-main/demo/stand-in-api.js';
import { FakeClock } from '../fakes/fake-clock.js';

export * from '../../src-main/demo/stand-in-api.js';
export * from '../../src-main/demo/fleet-simulator.js';

export interface StandInHarness {
  readonly clock: FakeClock;
  readonly fleet: DemoFleet;
  readonly simulator: FleetSimulator;
  readonly standIn: StandInApi;
  /** A client aimed at the stand-in, on the harness clock; options override the defaults. */
  client(overrides?: Partial<AnthropicClientOptions>): AnthropicClient;
  /** The id of the n-th demo account (0 = alex). */
  accountId(index: number): string;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly count?: number;
  readonly seed?: number;
  readonly usageForm?: UsageForm;
  readonly clock?: FakeClock;
}

/** Starts a stand-in over a fresh demo fleet. Close it when done (or use {@link withStandIn}). */
export async function startStandInHarness(options: HarnessOptions = {}): Promise<StandInHarness> {
  const clock = options.clock ?? new FakeClock();
  const fleet = createDemoFleet({ count: options.count ?? 5, nowMs: clock.now(), seed: options.seed ?? 7 });
  const simulator = createFleetSimulator({
    now: () => clock.now(),
    seed: options.seed ?? 7,
    accounts: fleet.accounts,
    activeAccountId: fleet.activeAccountId,
  });
  const standIn = await startStandInApi({ simulator, ...(options.usageForm ? { usageForm: options.usageForm } : {}) });
  return {
    clock,
    fleet,
    simulator,
    standIn,
    client: (overrides = {}) =>
      createAnthropicClient({
        fetch: globalThis.fetch,
        apiBaseUrl: standIn.url,
        tokenUrl: standIn.tokenUrl,
        userAgent: 'ccmax-monitor/0.0.0-test',
        now: () => clock.now(),
        ...overrides,
      }),
    accountId(index) {
      const spec = fleet.accounts[index];
      if (!spec) throw new Error(`the demo fleet has no account #${index}`);
      return spec.accountUuid;
    },
    close: () => standIn.close(),
  };
}

/** Runs `fn` against a fresh stand-in and always closes it. */
export async function withStandIn<T>(fn: (harness: StandInHarness) => Promise<T>, options: HarnessOptions = {}): Promise<T> {
  const harness = await startStandInHarness(options);
  try {
    return await fn(harness);
  } finally {
    await harness.close();
  }
}

/** The spec of one simulated account (demo-fleet.ts builds them; fleet-simulator.ts runs them). */
import type { SimWindows, UsageRates } from '../engine/index.js';

/** One simulated account as the simulation starts. */
export interface SimAccountSpec {
  /** The profile's `account.uuid`: the identity. */
  readonly accountUuid: string;
  readonly email: string;
  readonly displayName: string;
  readonly fullName: string;
  readonly organizationUuid: string;
  readonly organizationName: string;
  /** `default_claude_max_20x`, `default_claude_max_5x`, … */
  readonly rateLimitTier: string;
  readonly subscriptionType: string;
  readonly windows: SimWindows;
  readonly rates: UsageRates;
  /** When the first access token expires; default now + the access-token lifetime. */
  readonly accessTokenExpiresAtMs?: number;
}

/**
 * The built-in demo fleet: plausible accounts in the situations the dashboard must show — one in a
 * 5-hour step-aside, one near exhaustion (in use), one exhausted until later in the week, one whose
 * token is about to expire — with 7-day resets staggered across the week.
 */
import type { SimAccountSpec } from './sim-account-spec.js';
import { createRng, simulatedUuid } from './seeded-random.js';
import type { UsageRates } from '../engine/index.js';
import { SEVEN_DAY_MS } from '../engine/index.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

export const TIER_20X = 'default_claude_max_20x';
export const TIER_5X = 'default_claude_max_5x';

/** A heavy Claude Code user's pace; a Max 5x account fills four times faster than a 20x one. */
export const DEMO_RATES: Readonly<Record<string, UsageRates>> = {
  [TIER_20X]: { fiveHourPctPerHour: 12, sevenDayPctPerHour: 1.2 },
  [TIER_5X]: { fiveHourPctPerHour: 48, sevenDayPctPerHour: 4.8 },
};

interface Template {
  readonly name: string;
  readonly tier: string;
  readonly sevenDayPct: number;
  readonly sevenDayResetsInMs: number;
  readonly fiveHourPct: number;
  /** Null: no 5-hour window open. */
  readonly fiveHourResetsInMs: number | null;
  /** When the first access token expires, from now; default a full lifetime. */
  readonly tokenExpiresInMs?: number;
}

const TEMPLATES: readonly Template[] = [
  // Soonest reset, so rotation prefers it, but over the 5-hour threshold: stepped aside for 1h 20m.
  {
    name: 'Alex',
    tier: TIER_20X,
    sevenDayPct: 64,
    sevenDayResetsInMs: DAY_MS + 5 * HOUR_MS,
    fiveHourPct: 86,
    fiveHourResetsInMs: 80 * MINUTE_MS,
  },
  // Carrying the load meanwhile, close to exhaustion.
  {
    name: 'Blake',
    tier: TIER_20X,
    sevenDayPct: 93,
    sevenDayResetsInMs: 2 * DAY_MS + 11 * HOUR_MS,
    fiveHourPct: 41,
    fiveHourResetsInMs: 190 * MINUTE_MS,
  },
  {
    name: 'Casey',
    tier: TIER_5X,
    sevenDayPct: 38,
    sevenDayResetsInMs: 3 * DAY_MS + 19 * HOUR_MS,
    fiveHourPct: 0,
    fiveHourResetsInMs: null,
    tokenExpiresInMs: 40 * MINUTE_MS,
  },
  // Exhausted, with a token that expired while parked (refresh deferred until it is usable again).
  {
    name: 'Drew',
    tier: TIER_20X,
    sevenDayPct: 100,
    sevenDayResetsInMs: 5 * DAY_MS + 3 * HOUR_MS,
    fiveHourPct: 0,
    fiveHourResetsInMs: null,
    tokenExpiresInMs: -2 * HOUR_MS,
  },
  { name: 'Emery', tier: TIER_5X, sevenDayPct: 12, sevenDayResetsInMs: 6 * DAY_MS + 8 * HOUR_MS, fiveHourPct: 0, fiveHourResetsInMs: null },
  {
    name: 'Finley',
    tier: TIER_20X,
    sevenDayPct: 22,
    sevenDayResetsInMs: 4 * DAY_MS + 14 * HOUR_MS,
    fiveHourPct: 0,
    fiveHourResetsInMs: null,
  },
];

export interface DemoFleetOptions {
  /** How many accounts; default 5. The first six are the hand-made ones, more are generated. */
  readonly count?: number;
  /** The simulation's start (epoch ms). */
  readonly nowMs: number;
  readonly seed?: number;
}

export interface DemoFleet {
  readonly accounts: readonly SimAccountSpec[];
  /** The account Claude Code uses at the start (Blake, when present). */
  readonly activeAccountId: string | null;
}

/** Builds the demo fleet; deterministic for a given seed and start time. */
export function createDemoFleet(options: DemoFleetOptions): DemoFleet {
  const count = options.count ?? 5;
  if (!Number.isInteger(count) || count < 1) throw new Error(`demo fleet count must be a positive integer; got ${count}`);
  const rng = createRng(options.seed ?? 1);
  const accounts: SimAccountSpec[] = [];
  for (let i = 0; i < count; i++) {
    const template = TEMPLATES[i] ?? generatedTemplate(i, count, rng());
    // Up to ±20 minutes of seeded jitter so resets do not land on round numbers.
    const jitterMs = Math.round((rng() - 0.5) * 40 * MINUTE_MS);
    accounts.push(toSpec(template, options.nowMs, jitterMs, simulatedUuid(rng), simulatedUuid(rng)));
  }
  return { accounts, activeAccountId: accounts[Math.min(1, accounts.length - 1)]?.accountUuid ?? null };
}

function generatedTemplate(index: number, count: number, draw: number): Template {
  return {
    name: `User${index + 1}`,
    tier: index % 3 === 2 ? TIER_5X : TIER_20X,
    sevenDayPct: Math.round(draw * 60),
    sevenDayResetsInMs: Math.round(((index + 0.5) / count) * SEVEN_DAY_MS),
    fiveHourPct: 0,
    fiveHourResetsInMs: null,
  };
}

function toSpec(t: Template, nowMs: number, jitterMs: number, accountUuid: string, organizationUuid: string): SimAccountSpec {
  const email = `${t.name.toLowerCase()}@demo.example`;
  return {
    accountUuid,
    email,
    displayName: t.name,
    fullName: `${t.name} Demo`,
    organizationUuid,
    organizationName: `${email}'s Organization`,
    rateLimitTier: t.tier,
    subscriptionType: 'max',
    windows: {
      sevenDayPct: t.sevenDayPct,
      sevenDayResetsAtMs: nowMs + t.sevenDayResetsInMs + jitterMs,
      fiveHourPct: t.fiveHourPct,
      fiveHourResetsAtMs: t.fiveHourResetsInMs === null ? null : nowMs + t.fiveHourResetsInMs + jitterMs,
    },
    rates: DEMO_RATES[t.tier] ?? { fiveHourPctPerHour: 12, sevenDayPctPerHour: 1.2 },
    ...(t.tokenExpiresInMs === undefined ? {} : { accessTokenExpiresAtMs: nowMs + t.tokenExpiresInMs }),
  };
}

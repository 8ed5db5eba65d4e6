/**
 * A simulated fleet of Claude Max accounts: identities, quota windows that fill while an account is
 * in use and reset on schedule, and OAuth tokens with single-use refresh tokens. Pure model, no I/O:
 * time comes from `now()`, so the FakeClock, the real clock or an accelerated clock all drive it.
 * It backs the stand-in API (stand-in-api.ts), `serve --demo` and the rotation benchmark.
 */
import type { Result } from '../shared/result.js';
import { err, ok } from '../shared/result.js';
import { OAUTH_REFRESH_SCOPE, type OAuthCredentials } from '../engine/index.js';
import { createRng } from './seeded-random.js';
import { createTokenLedger, type AccessCheck } from './token-ledger.js';
import { advanceWindows, type SimWindows, type UsageRates } from '../engine/index.js';
import type { SimAccountSpec } from './sim-account-spec.js';

export { createDemoFleet, type DemoFleet, type DemoFleetOptions } from './demo-fleet.js';
export type { SimWindows, UsageRates } from '../engine/index.js';
export type { SimAccountSpec } from './sim-account-spec.js';
export type { AccessCheck } from './token-ledger.js';

/** An account's state now: its spec with the windows advanced to `now()`. Secret-free. */
export interface SimAccountState extends Omit<SimAccountSpec, 'accessTokenExpiresAtMs'> {
  readonly active: boolean;
  readonly accessTokenExpiresAtMs: number;
}

export interface FleetSimulatorOptions {
  readonly now: () => number;
  /** Seeds the tokens; the same seed and specs give the same run. */
  readonly seed: number;
  readonly accounts: readonly SimAccountSpec[];
  /** The account in use at the start; default none (nobody accrues usage). */
  readonly activeAccountId?: string | null;
  /** Lifetime of issued access tokens; default 8 h (`expires_in` 28800, CLAUDE-CODE.md). */
  readonly accessTokenTtlMs?: number;
}

/** A successful refresh as the token endpoint reports it. */
export interface SimRefresh {
  readonly accountId: string;
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresInSec: number;
  readonly scope: string;
}

export interface FleetSimulator {
  now(): number;
  /** Every account, advanced to `now()`, in spec order. */
  accounts(): readonly SimAccountState[];
  account(accountId: string): SimAccountState | null;
  activeAccountId(): string | null;
  /** Puts an account in use (null: nobody); usage accrues only on the account in use. */
  setActive(accountId: string | null): void;
  /**
   * Checks an access token, as the API would for a request, and puts its account in use when it is
   * valid (what a `/v1/messages` request means). Returns the check.
   */
  useAccessToken(accessToken: string): AccessCheck;
  /** Checks an access token without changing anything. */
  checkAccessToken(accessToken: string): AccessCheck;
  /** The account a refresh token belongs to, live or spent. */
  ownerOfRefreshToken(refreshToken: string): string | null;
  /** The account's current login, as Claude Code would store it. Simulated secrets: never log them. */
  credentials(accountId: string): OAuthCredentials;
  /** Spends a refresh token: a new pair on success; `invalid_grant` when unknown or already spent. */
  refresh(refreshToken: string): Result<SimRefresh, 'invalid_grant'>;
  /** Makes the account's current access token expire now. */
  expireAccessToken(accountId: string): void;
  /** Kills the account's tokens: only a new login would help. */
  revokeLogin(accountId: string): void;
  /** Overrides an account's windows now (tests, demo scenarios). */
  setWindows(accountId: string, windows: Partial<SimWindows>): void;
  setRates(accountId: string, rates: UsageRates): void;
}

interface Slot {
  spec: SimAccountSpec;
  windows: SimWindows;
  rates: UsageRates;
}

/** Creates the simulator. Throws when two specs share an account uuid or the active id is unknown. */
export function createFleetSimulator(options: FleetSimulatorOptions): FleetSimulator {
  const ttlMs = options.accessTokenTtlMs ?? 8 * 3_600_000;
  const ledger = createTokenLedger(createRng(options.seed), ttlMs);
  const slots = new Map<string, Slot>();
  let syncedAtMs = options.now();
  for (const spec of options.accounts) {
    if (slots.has(spec.accountUuid)) throw new Error(`duplicate simulated account ${spec.accountUuid}`);
    slots.set(spec.accountUuid, { spec, windows: spec.windows, rates: spec.rates });
    ledger.issue(spec.accountUuid, syncedAtMs, spec.accessTokenExpiresAtMs);
  }
  let activeId: string | null = null;
  setActive(options.activeAccountId ?? null);

  /** Brings every account to now(); the active flag is constant since the last sync. */
  function sync(): number {
    const nowMs = options.now();
    if (nowMs > syncedAtMs) {
      for (const [id, slot] of slots) {
        slot.windows = advanceWindows(slot.windows, slot.rates, id === activeId, syncedAtMs, nowMs);
      }
      syncedAtMs = nowMs;
    }
    return syncedAtMs;
  }

  function slotOf(accountId: string): Slot {
    const slot = slots.get(accountId);
    if (!slot) throw new Error(`unknown simulated account ${accountId}`);
    return slot;
  }

  function setActive(accountId: string | null): void {
    if (accountId !== null) slotOf(accountId);
    sync();
    activeId = accountId;
  }

  function stateOf(id: string, slot: Slot): SimAccountState {
    const pair = ledger.current(id);
    return {
      ...slot.spec,
      windows: slot.windows,
      rates: slot.rates,
      active: id === activeId,
      accessTokenExpiresAtMs: pair?.expiresAtMs ?? 0,
    };
  }

  return {
    now: () => options.now(),
    accounts() {
      sync();
      return [...slots].map(([id, slot]) => stateOf(id, slot));
    },
    account(accountId) {
      sync();
      const slot = slots.get(accountId);
      return slot ? stateOf(accountId, slot) : null;
    },
    activeAccountId: () => activeId,
    setActive,
    useAccessToken(accessToken) {
      const check = ledger.checkAccess(accessToken, sync());
      if (check.kind === 'valid' && check.accountId !== activeId) setActive(check.accountId);
      return check;
    },
    checkAccessToken: (accessToken) => ledger.checkAccess(accessToken, sync()),
    ownerOfRefreshToken: (refreshToken) => ledger.ownerOfRefresh(refreshToken),
    credentials(accountId) {
      const { spec } = slotOf(accountId);
      const pair = ledger.current(accountId);
      if (!pair) throw new Error(`simulated account ${accountId} has no tokens`);
      return {
        accessToken: pair.accessToken,
        refreshToken: pair.refreshToken,
        expiresAtMs: pair.expiresAtMs,
        scopes: OAUTH_REFRESH_SCOPE.split(' '),
        subscriptionType: spec.subscriptionType,
        rateLimitTier: spec.rateLimitTier,
      };
    },
    refresh(refreshToken) {
      const nowMs = sync();
      const redeemed = ledger.redeem(refreshToken, nowMs);
      if (!redeemed) return err('invalid_grant');
      const { accountId, pair } = redeemed;
      const expiresInSec = Math.round((pair.expiresAtMs - nowMs) / 1000);
      return ok({ accountId, accessToken: pair.accessToken, refreshToken: pair.refreshToken, expiresInSec, scope: OAUTH_REFRESH_SCOPE });
    },
    expireAccessToken(accountId) {
      slotOf(accountId);
      ledger.expireAccess(accountId, sync());
    },
    revokeLogin(accountId) {
      slotOf(accountId);
      ledger.revoke(accountId, sync());
    },
    setWindows(accountId, windows) {
      const slot = slotOf(accountId);
      sync();
      slot.windows = { ...slot.windows, ...windows };
    },
    setRates(accountId, rates) {
      const slot = slotOf(accountId);
      sync();
      slot.rates = rates;
    },
  };
}

/**
 * The simulated fleet's OAuth tokens: which access token belongs to which account and until when,
 * and single-use refresh tokens — a refresh kills the refresh token it used, as the real endpoint
 * does (CLAUDE-CODE.md).
 */
import { simulatedToken, type Rng } from './seeded-random.js';

export interface TokenPair {
  readonly accessToken: string;
  readonly refreshToken: string;
  /** Epoch ms. */
  readonly expiresAtMs: number;
}

/** What an access token is worth right now. */
export type AccessCheck =
  | { readonly kind: 'valid'; readonly accountId: string }
  | { readonly kind: 'expired'; readonly accountId: string }
  | { readonly kind: 'unknown' };

export interface TokenLedger {
  /** Issues a fresh pair for an account; it becomes the account's current pair. */
  issue(accountId: string, nowMs: number, expiresAtMs?: number): TokenPair;
  current(accountId: string): TokenPair | null;
  checkAccess(accessToken: string, nowMs: number): AccessCheck;
  /** The account a refresh token was issued to, whether or not it is still alive. */
  ownerOfRefresh(refreshToken: string): string | null;
  /** Spends a live refresh token for a new pair; null when it is unknown or already spent. */
  redeem(refreshToken: string, nowMs: number): { readonly accountId: string; readonly pair: TokenPair } | null;
  /** Makes the account's current access token expire at `nowMs`. */
  expireAccess(accountId: string, nowMs: number): void;
  /** Kills the account's current refresh and access tokens: it needs a new login. */
  revoke(accountId: string, nowMs: number): void;
}

/** Creates a ledger whose access tokens live `ttlMs`; old access tokens stay valid until they expire. */
export function createTokenLedger(rng: Rng, ttlMs: number): TokenLedger {
  const access = new Map<string, { accountId: string; expiresAtMs: number }>();
  const refresh = new Map<string, { accountId: string; live: boolean }>();
  const currentPair = new Map<string, TokenPair>();

  function issue(accountId: string, nowMs: number, expiresAtMs = nowMs + ttlMs): TokenPair {
    const pair = { accessToken: simulatedToken('access', rng), refreshToken: simulatedToken('refresh', rng), expiresAtMs };
    access.set(pair.accessToken, { accountId, expiresAtMs });
    refresh.set(pair.refreshToken, { accountId, live: true });
    currentPair.set(accountId, pair);
    return pair;
  }

  function expireAccess(accountId: string, nowMs: number): void {
    const pair = currentPair.get(accountId);
    if (!pair) return;
    access.set(pair.accessToken, { accountId, expiresAtMs: nowMs });
    currentPair.set(accountId, { ...pair, expiresAtMs: nowMs });
  }

  return {
    issue,
    current: (accountId) => currentPair.get(accountId) ?? null,
    checkAccess(accessToken, nowMs) {
      const entry = access.get(accessToken);
      if (!entry) return { kind: 'unknown' };
      return { kind: entry.expiresAtMs > nowMs ? 'valid' : 'expired', accountId: entry.accountId };
    },
    ownerOfRefresh: (refreshToken) => refresh.get(refreshToken)?.accountId ?? null,
    redeem(refreshToken, nowMs) {
      const entry = refresh.get(refreshToken);
      if (!entry?.live) return null;
      entry.live = false;
      return { accountId: entry.accountId, pair: issue(entry.accountId, nowMs) };
    },
    expireAccess,
    revoke(accountId, nowMs) {
      const pair = currentPair.get(accountId);
      if (!pair) return;
      expireAccess(accountId, nowMs);
      const entry = refresh.get(pair.refreshToken);
      if (entry) entry.live = false;
    },
  };
}

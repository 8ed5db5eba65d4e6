/**
 * The custody ledger's decision: who changed Claude Code's stored login. Pure; fingerprints only.
 *
 * Each time the tracker sees the stored login (credentials file or keychain item, with the
 * `oauthAccount` block of `.claude.json`) differ from what it saw before, {@link classify} names the
 * writer:
 * - `ours`: the tokens are exactly what our switcher wrote a moment ago;
 * - `claude-refresh`: Claude Code refreshed the same account (new token pair, later expiry, at a time
 *   its own refresh rule allows: within {@link CLAUDE_CODE_REFRESH_THRESHOLD_MS} of the old expiry, or
 *   the refresh token kept);
 * - `new-login`: `/login` — another account (the identity block moved with the tokens), or a fresh
 *   login of the same account outside the refresh window;
 * - `unknown-writer`: another tool — an older generation of one of our logins (a refresh token we
 *   already replaced), a copy of a login our vault held before and we did not write, an older copy of the
 *   same account, or tokens of another account under an identity block that was not updated;
 * - `removed`: Claude Code holds no login any more (`/logout`, or another tool).
 */
import { CLAUDE_CODE_REFRESH_THRESHOLD_MS } from './claude-refresh-threshold.js';

/** A stored login as custody sees it: the tokens' fingerprints and the expiry, never a token. */
export interface LoginPrint {
  readonly accessFp: string;
  readonly refreshFp: string;
  /** Epoch ms. */
  readonly expiresAtMs: number;
}

/** One look at Claude Code's store. */
export interface CustodyObservation {
  /** The stored login; null when Claude Code holds none. */
  readonly login: LoginPrint | null;
  /** The account the tokens belong to (by our vault or the profile endpoint); null when unknown. */
  readonly accountId: string | null;
  /** `oauthAccount.accountUuid` from `.claude.json`; null when absent. */
  readonly identityUuid: string | null;
  /** When this look was taken (epoch ms); the change happened at or before it. */
  readonly seenAtMs: number;
}

/** A login our switcher wrote into Claude Code's store. */
export interface OurWrite {
  readonly accountId: string;
  readonly accessFp: string;
  readonly refreshFp: string;
  readonly atMs: number;
}

/** What the vault knows of one account's logins: the current one and the generations it replaced. */
export interface AccountGenerations {
  readonly accountId: string;
  /** The login the vault holds now; null when none. */
  readonly current: LoginPrint | null;
  /** Since when the vault holds `current` (epoch ms): a login it took from Claude Code's store after a look is no copy. */
  readonly currentSinceMs: number;
  /** Refresh-token fingerprints this account held before and replaced (refresh tokens are single-use). */
  readonly retiredRefreshFps: readonly string[];
}

export type UnknownWriterReason =
  /** A refresh token we already replaced: an older generation of one of our logins was put back. */
  | 'older-generation'
  /** Exactly the login our vault holds, but not written by us (another switcher holding a copy). */
  | 'stored-copy'
  /** The same account with a login that expires earlier than the one it replaced. */
  | 'expires-earlier'
  /** Tokens of another account, but the identity block does not name it (`/login` writes both). */
  | 'identity-not-updated';

export type Attribution =
  | { readonly kind: 'ours'; readonly accountId: string; readonly writtenAtMs: number }
  | { readonly kind: 'claude-refresh'; readonly accountId: string }
  | {
      readonly kind: 'new-login';
      readonly accountId: string | null;
      /** True when the account is one of ours. */
      readonly known: boolean;
      readonly reason: 'another-account' | 'fresh-login';
    }
  | { readonly kind: 'unknown-writer'; readonly accountId: string | null; readonly reason: UnknownWriterReason }
  | { readonly kind: 'removed'; readonly accountId: string | null };

export type AttributionKind = Attribution['kind'];

/** True when both hold the same tokens (or both none): the stored login did not change. */
export function sameLogin(a: LoginPrint | null, b: LoginPrint | null): boolean {
  if (a === null || b === null) return a === b;
  return a.accessFp === b.accessFp && a.refreshFp === b.refreshFp;
}

/**
 * Names the writer of the change from `previous` to `next`; null when the stored login did not
 * change (same tokens). The checks run from the most certain to the least: our own write, an older
 * generation, a copy of the vault's login, then the account and identity of the new tokens.
 */
export function classify(
  previous: CustodyObservation,
  next: CustodyObservation,
  ourRecentWrites: readonly OurWrite[],
  vaultGenerations: readonly AccountGenerations[],
): Attribution | null {
  const login = next.login;
  if (sameLogin(previous.login, login)) return null;
  if (login === null) return { kind: 'removed', accountId: previous.accountId };

  const ours = [...ourRecentWrites].reverse().find((w) => w.accessFp === login.accessFp && w.refreshFp === login.refreshFp);
  if (ours) return { kind: 'ours', accountId: ours.accountId, writtenAtMs: ours.atMs };

  const retiredOf = vaultGenerations.find((g) => g.current?.refreshFp !== login.refreshFp && g.retiredRefreshFps.includes(login.refreshFp));
  if (retiredOf) return { kind: 'unknown-writer', accountId: retiredOf.accountId, reason: 'older-generation' };

  // A copy only if the vault held it before the previous look: a login imported or harvested from
  // Claude Code's store since then came from there, not from another tool.
  const copyOf = vaultGenerations.find((g) => g.current?.accessFp === login.accessFp && g.currentSinceMs <= previous.seenAtMs);
  if (copyOf) return { kind: 'unknown-writer', accountId: copyOf.accountId, reason: 'stored-copy' };

  const accountId = next.accountId;
  if (accountId !== null && accountId === previous.accountId && previous.login !== null) {
    return sameAccountChange(previous.login, next, accountId);
  }
  const identityMoved = next.identityUuid !== null && next.identityUuid !== previous.identityUuid;
  if (identityMoved && (accountId === null || accountId === next.identityUuid)) {
    const id = accountId ?? next.identityUuid;
    return { kind: 'new-login', accountId: id, known: vaultGenerations.some((g) => g.accountId === id), reason: 'another-account' };
  }
  return { kind: 'unknown-writer', accountId, reason: 'identity-not-updated' };
}

/** The same account holds new tokens: Claude Code refreshed, the user logged in again, or an older copy came back. */
function sameAccountChange(before: LoginPrint, next: CustodyObservation, accountId: string): Attribution {
  const after = next.login as LoginPrint;
  if (after.expiresAtMs < before.expiresAtMs) return { kind: 'unknown-writer', accountId, reason: 'expires-earlier' };
  // Claude Code refreshes only when its token expires within the threshold; the write happened at or
  // before `seenAtMs`, so a refresh is possible only if the threshold was reached by then.
  const refreshDue = next.seenAtMs + CLAUDE_CODE_REFRESH_THRESHOLD_MS >= before.expiresAtMs;
  if (refreshDue || after.refreshFp === before.refreshFp) return { kind: 'claude-refresh', accountId };
  return { kind: 'new-login', accountId, known: true, reason: 'fresh-login' };
}

/** Repeated foreign writes: how many within how long raise the warning. */
export const FOREIGN_WRITES_TO_WARN = 3;
export const FOREIGN_WRITE_WINDOW_MS = 10 * 60_000;

/** What the warning tracker remembers between foreign writes. Start with {@link NO_FOREIGN_WRITES}. */
export interface ForeignWriteMemory {
  /** Times of the foreign writes inside the window, oldest first. */
  readonly recentMs: readonly number[];
  /** True once this burst was warned about; a quiet window ends the burst. */
  readonly warned: boolean;
}

export const NO_FOREIGN_WRITES: ForeignWriteMemory = { recentMs: [], warned: false };

/**
 * Records one foreign write at `atMs`; `warn` is true exactly once per burst: when the writes inside
 * the window reach the count. A burst ends after a window with no foreign write.
 */
export function recordForeignWrite(
  memory: ForeignWriteMemory,
  atMs: number,
  count = FOREIGN_WRITES_TO_WARN,
  windowMs = FOREIGN_WRITE_WINDOW_MS,
): { readonly memory: ForeignWriteMemory; readonly warn: boolean } {
  const last = memory.recentMs.at(-1);
  const quietSince = last === undefined || atMs - last >= windowMs;
  const recentMs = [...memory.recentMs.filter((t) => atMs - t < windowMs), atMs];
  const warnedBefore = memory.warned && !quietSince;
  const warn = !warnedBefore && recentMs.length >= count;
  return { memory: { recentMs, warned: warnedBefore || warn }, warn };
}

/**
 * The custody ledger on an account's row: the last change of Claude Code's stored login that
 * involved the account, who made it, and the fingerprints of what was written. Never a token.
 */

/** Who changed Claude Code's stored login (README "Who changed Claude Code's login"). */
export const CUSTODY_KINDS = ['ours', 'claude-refresh', 'new-login', 'unknown-writer', 'removed'] as const;
export type CustodyKind = (typeof CUSTODY_KINDS)[number];

export interface CustodyView {
  readonly kind: CustodyKind;
  /** When the change was seen (epoch ms). */
  readonly atMs: number;
  /** In a few words: `switched in by ccmax-monitor`, `refreshed by Claude Code`, `older login put back by another tool`. */
  readonly text: string;
  /** Fingerprints of the access and refresh token written; null when the login was removed. */
  readonly accessFp: string | null;
  readonly refreshFp: string | null;
  /** True when another tool wrote it (not ccmax-monitor, not Claude Code, not a `/login`). */
  readonly foreign: boolean;
}

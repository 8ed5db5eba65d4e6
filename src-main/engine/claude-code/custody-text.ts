/** The custody ledger's words: the row's few words and the event's sentence for each attribution. Pure. */
import type { CustodyKind } from '../../shared/custody-view.js';
import type { Attribution, LoginPrint } from './custody.js';

/** A few words for the account's row. */
export function custodyRowText(a: Attribution): string {
  switch (a.kind) {
    case 'ours':
      return 'switched in by ccmax-monitor';
    case 'claude-refresh':
      return 'refreshed by Claude Code';
    case 'new-login':
      return a.reason === 'fresh-login' ? 'logged in again (/login)' : 'logged in (/login)';
    case 'removed':
      return 'login removed from Claude Code';
    case 'unknown-writer':
      switch (a.reason) {
        case 'older-generation':
          return 'older login put back by another tool';
        case 'stored-copy':
          return 'written by another tool';
        case 'expires-earlier':
          return 'older copy put back by another tool';
        case 'identity-not-updated':
          return 'written by another tool (identity not updated)';
      }
  }
}

const tokens = (p: LoginPrint | null): string => (p ? `token ${p.accessFp}, refresh ${p.refreshFp}` : 'no login');

/** One sentence for the event log, naming the account and the fingerprints before and after. */
export function custodyEventText(
  a: Attribution,
  before: LoginPrint | null,
  after: LoginPrint | null,
  emailOf: (id: string) => string,
): string {
  const who = (id: string | null) => (id === null ? 'an account that could not be identified' : emailOf(id));
  const change = `(${tokens(before)} → ${tokens(after)})`;
  switch (a.kind) {
    case 'ours':
      return `Claude Code's login changed: ccmax-monitor wrote ${emailOf(a.accountId)} ${change}.`;
    case 'claude-refresh':
      return `Claude Code's login changed: Claude Code refreshed ${emailOf(a.accountId)} ${change}.`;
    case 'new-login':
      return a.reason === 'fresh-login'
        ? `Claude Code's login changed: a new login of ${emailOf(a.accountId ?? '')} (/login) ${change}.`
        : `Claude Code's login changed: a new login (/login) of ${a.known ? who(a.accountId) : 'an account that is not one of these'} ${change}.`;
    case 'removed':
      return `Claude Code's login was removed (/logout or another tool) ${change}.`;
    case 'unknown-writer':
      return `Claude Code's login changed: another tool ${UNKNOWN_WORDS[a.reason](who(a.accountId))} ${change}.`;
  }
}

const UNKNOWN_WORDS = {
  'older-generation': (who: string) =>
    `put back an older login of ${who} whose refresh token was already replaced; the newer one in the vault is kept, this one is never saved over it`,
  'stored-copy': (who: string) => `wrote the login of ${who} that the vault holds`,
  'expires-earlier': (who: string) =>
    `put back an older copy of the login of ${who} (it expires earlier than the one it replaced); it is never saved over the newer one`,
  'identity-not-updated': (who: string) => `wrote the login of ${who} without updating Claude Code's identity block`,
} as const;

/** True when the attribution names another tool. */
export const isForeign = (kind: CustodyKind): boolean => kind === 'unknown-writer';

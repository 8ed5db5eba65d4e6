/**
 * One look at Claude Code's store for the custody ledger: brings the vault's generations up to date,
 * finds whose login Claude Code holds when its tokens changed (an older generation is known without
 * asking), and hands the look to the ledger.
 */
import type { Clock } from '../ports.js';
import type { OAuthCredentials } from '../vault/credentials.js';
import { toLoginPrint, type CustodyLedger } from './custody-ledger.js';
import type { TrackedAccounts } from './harvest-login.js';
import type { LoginOwners } from './login-owner.js';

export interface CustodyLookDeps {
  readonly clock: Clock;
  readonly custody: CustodyLedger;
  readonly owners: Pick<LoginOwners, 'accountOf'>;
  readonly accounts: TrackedAccounts;
}

/**
 * Returns `look(claude, identityUuid)`: `claude` is the login Claude Code holds (null: none),
 * `identityUuid` its `oauthAccount.accountUuid`. When whose login it is cannot be told right now,
 * the look is skipped and the next one attributes the change.
 */
export function createCustodyLook(deps: CustodyLookDeps): (claude: OAuthCredentials | null, identityUuid: string | null) => Promise<void> {
  const { custody } = deps;
  return async (claude, identityUuid) => {
    for (const a of deps.accounts()) custody.noteVault(a.id, a.record?.credentials ?? null);
    const login = claude ? toLoginPrint(claude) : null;
    let accountId: string | null = custody.lastAccountId();
    if (claude && custody.isNew(login)) {
      const owner = custody.retiredOwner(claude.refreshToken) ?? (await deps.owners.accountOf(claude));
      if (typeof owner !== 'string' && !owner.ok) return;
      accountId = typeof owner === 'string' ? owner : owner.value;
    } else if (!claude) {
      accountId = null;
    }
    custody.observe({ login, accountId, identityUuid, seenAtMs: deps.clock.now() });
  };
}

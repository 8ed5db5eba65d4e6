/** The engine's facts about each account, as the rotation policy reads them. */
import type { PollFailure } from '../fleet/account-status.js';
import type { AccountMeta, UsageCacheEntry } from '../storage/state-schema.js';
import type { VaultRecord } from '../vault/credentials.js';
import type { PolicyAccount } from './rotation-types.js';

export interface AccountFacts {
  readonly recordOf: (id: string) => VaultRecord | null;
  readonly usageOf: (id: string) => UsageCacheEntry | undefined;
  readonly failureOf: (id: string) => PollFailure | undefined;
}

/** Every account without samples (the rotation loop adds them). Pure. */
export function toPolicyAccounts(metas: readonly AccountMeta[], facts: AccountFacts): Omit<PolicyAccount, 'samples'>[] {
  return metas.map((m) => {
    const record = facts.recordOf(m.id);
    const usage = facts.usageOf(m.id);
    const failure = facts.failureOf(m.id);
    return {
      id: m.id,
      email: m.email,
      enabled: m.enabled,
      tokenUsable: record !== null && !record.needsLogin,
      sevenDay: usage?.sevenDay ?? null,
      fiveHour: usage?.fiveHour ?? null,
      hasReading: usage !== undefined,
      // The same rule as the fleet table: a failure counts only when no good reading came after it.
      lastErrorKind: failure && (!usage || failure.atMs > usage.readAtMs) ? failure.error.kind : null,
    };
  });
}

/**
 * What follows an account change (added, re-imported, relabelled, enabled, disabled, removed): the
 * changed logins are read again and their poll failures forgotten, the poller and the token keeper
 * start over with them, removed accounts are forgotten, the active account is detected again, and
 * a new or re-imported account is read at once rather than at its first scheduled poll.
 */
import type { ActiveTracker } from '../claude-code/active-tracker.js';
import type { Logger } from '../ports.js';
import type { TokenKeeper } from '../tokens/keeper-types.js';
import type { UsagePoller } from '../usage/poller-types.js';
import type { FleetState } from './fleet-state.js';

export interface AccountChangeDeps {
  readonly logger: Logger;
  readonly fleet: Pick<FleetState, 'loadRecord' | 'clearFailure' | 'forgetRemoved'>;
  readonly poller: Pick<UsagePoller, 'tokenChanged' | 'pollNow'>;
  readonly keeper: Pick<TokenKeeper, 'credentialsChanged'>;
  readonly tracker: Pick<ActiveTracker, 'check'>;
  /** Publishes a new snapshot. */
  readonly changed: () => void;
  /** False before `start()` and after `stop()`: nothing is polled then. */
  readonly started: () => boolean;
}

/** Returns the account service's `onChanged`; it never throws (a failure is logged). */
export function createAccountChangeHandler(deps: AccountChangeDeps): (loginChangedIds: readonly string[]) => void {
  const { fleet, poller } = deps;
  return (loginChangedIds) => {
    void (async () => {
      for (const id of loginChangedIds) {
        await fleet.loadRecord(id);
        fleet.clearFailure(id);
        poller.tokenChanged(id);
        deps.keeper.credentialsChanged(id);
      }
      fleet.forgetRemoved();
      await deps.tracker.check();
      deps.changed();
      for (const id of loginChangedIds) if (deps.started()) void poller.pollNow(id);
    })().catch((e: unknown) => deps.logger.error('account change handling failed', { reason: String(e) }));
  };
}

/**
 * Knows which account Claude Code is using and takes back ("harvests") the login Claude Code
 * refreshed on its own, so the vault always holds each account's newest refresh token. Harvesting
 * is in `harvest-login.ts`, telling whose a login is in `login-owner.ts`.
 */
import { err, ok, type Result } from '../../shared/result.js';
import type { AnthropicClient } from '../anthropic/api-types.js';
import type { EngineEvents } from '../engine-events.js';
import type { Clock, Logger } from '../ports.js';
import type { OAuthCredentials, VaultRecord } from '../vault/credentials.js';
import type { Vault } from '../vault/vault-types.js';
import { readClaudeCredentials, readOAuthAccount, type ClaudePaths, type ReadCredentialsOptions } from './claude-store.js';
import { createActiveAccountCell, type ActiveAccountCell } from './active-account.js';
import { detectActiveAccount, shouldHarvest, type ActiveAccount } from './detect-active.js';
import { accountEmail, harvestLogin, vaultLogins, type TrackedAccounts } from './harvest-login.js';
import { createLoginOwners } from './login-owner.js';
import type { CustodyLedger } from './custody-ledger.js';
import { createCustodyLook } from './custody-look.js';

export interface ActiveTrackerDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: EngineEvents;
  readonly vault: Vault;
  readonly client: Pick<AnthropicClient, 'getProfile'>;
  readonly paths: ClaudePaths;
  readonly readOptions: ReadCredentialsOptions;
  /** Every account with its current record (the engine's cache). */
  readonly accounts: TrackedAccounts;
  /** Called after a harvested record is safely in the vault. */
  readonly onHarvested: (accountId: string, record: VaultRecord) => void;
  /** Where the detected account is kept; default a cell of the tracker's own. */
  readonly active?: ActiveAccountCell;
  /** Attributes every change of Claude Code's stored login; knows the older generations never to harvest. */
  readonly custody: CustodyLedger;
}

export interface ActiveTracker {
  current(): ActiveAccount | null;
  /** Reads Claude Code's store, updates the active account, harvests; true when anything changed. */
  check(): Promise<boolean>;
  /**
   * Before `claude` (the login Claude Code holds, read inside its locks) is overwritten: harvests it
   * when it is one of ours and newer than the vault's copy. An error means it could not be made safe
   * (its owner cannot be told right now, or the vault write failed) and must not be overwritten.
   */
  secure(claude: OAuthCredentials | null): Promise<Result<void, { readonly message: string }>>;
}

/** Creates the tracker. `check()` never throws: failures are logged and the last answer is kept. */
export function createActiveTracker(deps: ActiveTrackerDeps): ActiveTracker {
  const active = deps.active ?? createActiveAccountCell();
  let running: Promise<boolean> | null = null;
  const owners = createLoginOwners(deps);
  const look = createCustodyLook({ clock: deps.clock, custody: deps.custody, owners, accounts: deps.accounts });
  /** Harvest only a login that is no older generation: a refresh token the vault already replaced is dead. */
  const mayHarvest = (record: VaultRecord | null, claude: OAuthCredentials): boolean =>
    deps.custody.retiredOwner(claude.refreshToken) === null && shouldHarvest(record, claude);
  const emailOf = (id: string): string => accountEmail(deps.accounts, id);
  const harvest = (accountId: string, credentials: OAuthCredentials): Promise<boolean> => harvestLogin(deps, accountId, credentials);

  async function checkOnce(): Promise<boolean> {
    const [login, oauthAccount] = await Promise.all([readClaudeCredentials(deps.paths, deps.readOptions), readOAuthAccount(deps.paths)]);
    const claude = login.ok ? login.value.credentials : null;
    // A store that cannot be read or parsed is no change of login: custody waits for a good look.
    if (login.ok || login.error.kind === 'missing') await look(claude, oauthAccount?.accountUuid ?? null);
    const accounts = deps.accounts();
    let found = detectActiveAccount({ claude, oauthAccountUuid: oauthAccount?.accountUuid ?? null, vault: vaultLogins(accounts) });
    if (found && found.matchedBy === 'oauth-account' && claude && !(await owners.tokenBelongsTo(found.accountId, claude))) {
      // Claude Code's identity block names one of ours but its token is someone else's (or cannot be
      // checked yet): do not claim it is active and never harvest it.
      found = null;
    }
    let changed = false;
    const previous = active.current();
    if (found?.accountId !== previous?.accountId || found?.matchedBy !== previous?.matchedBy) {
      active.set(found);
      changed = true;
      if (found?.accountId !== previous?.accountId) {
        deps.events.emit(
          'active-account-detected',
          'info',
          found
            ? `Claude Code is using ${emailOf(found.accountId)}.`
            : claude
              ? 'Claude Code holds a login that is not one of these accounts.'
              : 'Claude Code holds no login.',
          found?.accountId,
          { matchedBy: found?.matchedBy ?? null },
        );
      }
    }
    if (found && claude) {
      const record = accounts.find((a) => a.id === found.accountId)?.record ?? null;
      if (mayHarvest(record, claude) && (await harvest(found.accountId, claude))) changed = true;
    }
    return changed;
  }

  async function secure(claude: OAuthCredentials | null): Promise<Result<void, { readonly message: string }>> {
    await look(claude, (await readOAuthAccount(deps.paths))?.accountUuid ?? null);
    if (claude === null) return ok(undefined);
    const owner = await owners.ownerOf(claude);
    if (!owner.ok) return owner;
    if (owner.value === null) return ok(undefined);
    const record = deps.accounts().find((a) => a.id === owner.value)?.record ?? null;
    if (!mayHarvest(record, claude)) return ok(undefined);
    return (await harvest(owner.value, claude))
      ? ok(undefined)
      : err({ message: `the login Claude Code refreshed for ${emailOf(owner.value)} could not be saved to the vault` });
  }

  return {
    current: () => active.current(),
    secure,
    check() {
      // One check at a time; a caller during a check shares its answer.
      running ??= checkOnce()
        .catch((error: unknown) => {
          deps.logger.warn('could not read Claude Code’s login', { reason: error instanceof Error ? error.message : String(error) });
          return false;
        })
        .finally(() => {
          running = null;
        });
      return running;
    },
  };
}

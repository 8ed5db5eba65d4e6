/**
 * Adding an account from a login: identify it through the profile endpoint, store the login in the
 * vault unless a newer one is there (refresh tokens are single-use), record its metadata, tell.
 */
import { err, ok, type Result } from '../../shared/result.js';
import type { AccountOpError, AccountSummary } from '../engine-types.js';
import type { ApiError, Profile } from '../anthropic/api-types.js';
import type { AccountMeta } from '../storage/state-schema.js';
import { fingerprint, type OAuthCredentials, type VaultRecord } from '../vault/credentials.js';
import { toAccountSummary, type AccountServiceDeps } from './account-deps.js';

/** Adds (or updates) the account `credentials` belong to; `source` names where they came from, for messages. */
export async function addCredentials(
  deps: AccountServiceDeps,
  credentials: OAuthCredentials,
  source: string,
): Promise<Result<AccountSummary, AccountOpError>> {
  const profile = await deps.client.getProfile(credentials.accessToken);
  if (!profile.ok) {
    return err({ kind: 'profile-failed', message: `Could not identify the account from ${source}: ${whyUnidentified(profile.error)}.` });
  }
  const p = profile.value;
  const nowMs = deps.clock.now();
  const existing = deps.store.read().accounts.find((m) => m.id === p.accountUuid);
  const stored = existing ? await deps.vault.read(existing.id) : null;
  const storedRecord = stored?.ok ? stored.value : null;
  // Refresh tokens are single-use: never replace a newer stored login with an older copy.
  const keepStored = storedRecord !== null && !storedRecord.needsLogin && storedRecord.credentials.expiresAtMs > credentials.expiresAtMs;
  if (!keepStored) {
    const record: VaultRecord = { version: 1, credentials, refreshedAtMs: nowMs, refreshPath: 'login', needsLogin: false };
    const written = await deps.vault.write(p.accountUuid, record);
    if (!written.ok) {
      return err({ kind: 'vault-failed', message: `Could not store the login in the ${deps.vault.kind}: ${written.error.message}` });
    }
  }
  const meta = toAccountMeta(p, deps.toPlan(p, credentials), credentials, existing, nowMs);
  const state = deps.store.read();
  const accounts = existing ? state.accounts.map((m) => (m.id === meta.id ? meta : m)) : [...state.accounts, meta];
  deps.store.write({ ...state, accounts });
  const outcome: AccountSummary['outcome'] = !existing ? 'added' : keepStored ? 'kept-newer' : 'updated';
  deps.events.emit(existing ? 'account-login-updated' : 'account-added', 'info', addedWords(outcome, meta.email, source), meta.id, {
    source,
    token: fingerprint(credentials.accessToken),
    outcome,
  });
  deps.onChanged(keepStored ? [] : [meta.id]);
  return ok(toAccountSummary(meta, outcome));
}

/** Why the profile endpoint could not identify a login, in words that say what to do. */
function whyUnidentified(e: ApiError): string {
  return e.kind === 'unauthorized'
    ? 'the access token was rejected (it may have expired). Run `claude` once so Claude Code refreshes its login, then import again'
    : e.kind === 'rate-limited'
      ? 'the profile endpoint is rate-limiting; try again in a few minutes'
      : e.kind === 'network' || e.kind === 'timeout'
        ? `the Anthropic API could not be reached (${e.kind})`
        : `the profile endpoint answered unexpectedly (${e.message})`;
}

/** The account's metadata from its profile, keeping what the user set on an existing account. */
function toAccountMeta(
  p: Profile,
  plan: string | null,
  credentials: OAuthCredentials,
  existing: AccountMeta | undefined,
  nowMs: number,
): AccountMeta {
  return {
    id: p.accountUuid,
    email: p.email,
    displayName: p.displayName ?? p.fullName,
    organizationUuid: p.organizationUuid,
    organizationName: p.organizationName,
    plan,
    rateLimitTier: p.rateLimitTier ?? credentials.rateLimitTier,
    label: existing?.label ?? null,
    enabled: existing?.enabled ?? true,
    addedAtMs: existing?.addedAtMs ?? nowMs,
  };
}

function addedWords(outcome: AccountSummary['outcome'], email: string, source: string): string {
  return outcome === 'added'
    ? `Added ${email} from ${source}.`
    : outcome === 'updated'
      ? `Updated the login of ${email} from ${source}.`
      : `${email} was imported again from ${source}; the stored login is newer and was kept.`;
}

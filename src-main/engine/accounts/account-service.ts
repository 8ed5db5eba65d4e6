/**
 * Account management: add (from Claude Code's current login or a credentials file), list, label,
 * enable/disable, remove. Identity comes from the profile endpoint; the account uuid is the key, so
 * importing the same account twice updates it and keeps the newer token.
 */
import { err, ok, type Result } from '../../shared/result.js';
import type { AccountOpError, AccountsApi, AccountSummary } from '../engine-types.js';
import type { AnthropicClient, Profile } from '../anthropic/api-types.js';
import type { EngineEvents } from '../engine-events.js';
import type { Clock } from '../ports.js';
import type { StateStore } from '../storage/store-port.js';
import type { AccountMeta } from '../storage/state-schema.js';
import { fingerprint, type OAuthCredentials, type VaultRecord } from '../vault/credentials.js';
import type { Vault } from '../vault/vault-types.js';
import { findAccountByRef } from './find-account.js';

export interface AccountServiceDeps {
  readonly clock: Clock;
  readonly client: Pick<AnthropicClient, 'getProfile'>;
  readonly vault: Vault;
  readonly store: StateStore;
  readonly events: EngineEvents;
  /** Reads the login Claude Code holds now (credentials file or macOS keychain). */
  readonly readClaudeLogin: () => Promise<Result<OAuthCredentials, { readonly message: string }>>;
  /** Parses credentials JSON in Claude Code's file shape or the inner `claudeAiOauth` object. */
  readonly parseCredentialsJson: (json: string) => Result<OAuthCredentials, { readonly message: string }>;
  readonly toPlan: (profile: Profile, credentials: OAuthCredentials) => string | null;
  /** Called after any change, with the ids whose login changed (so the poller can retry them). */
  readonly onChanged: (loginChangedIds: readonly string[]) => void;
}

export interface AccountService extends AccountsApi {
  /** Metadata of every account, in insertion order. */
  metas(): readonly AccountMeta[];
}

/** Creates the account service. All methods return secret-free results. */
export function createAccountService(deps: AccountServiceDeps): AccountService {
  const metas = (): readonly AccountMeta[] => deps.store.read().accounts;
  const summary = (m: AccountMeta, outcome?: AccountSummary['outcome']): AccountSummary => ({
    id: m.id,
    email: m.email,
    label: m.label,
    enabled: m.enabled,
    plan: m.plan,
    ...(outcome ? { outcome } : {}),
  });
  const notFound = (ref: string): AccountOpError => ({
    kind: 'not-found',
    message: `No account matches '${ref}'. Run 'ccmax-monitor accounts list' to see them.`,
  });
  const updateMeta = (id: string, change: (m: AccountMeta) => AccountMeta): AccountMeta | null => {
    const state = deps.store.read();
    const index = state.accounts.findIndex((m) => m.id === id);
    const current = state.accounts[index];
    if (!current) return null;
    const next = change(current);
    const accounts = state.accounts.slice();
    accounts[index] = next;
    deps.store.write({ ...state, accounts });
    return next;
  };

  async function addCredentials(credentials: OAuthCredentials, source: string): Promise<Result<AccountSummary, AccountOpError>> {
    const profile = await deps.client.getProfile(credentials.accessToken);
    if (!profile.ok) {
      const e = profile.error;
      const why =
        e.kind === 'unauthorized'
          ? 'the access token was rejected (it may have expired). Run `claude` once so Claude Code refreshes its login, then import again'
          : e.kind === 'rate-limited'
            ? 'the profile endpoint is rate-limiting; try again in a few minutes'
            : e.kind === 'network' || e.kind === 'timeout'
              ? `the Anthropic API could not be reached (${e.kind})`
              : `the profile endpoint answered unexpectedly (${e.message})`;
      return err({ kind: 'profile-failed', message: `Could not identify the account from ${source}: ${why}.` });
    }
    const p = profile.value;
    const nowMs = deps.clock.now();
    const existing = metas().find((m) => m.id === p.accountUuid);
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
    const meta: AccountMeta = {
      id: p.accountUuid,
      email: p.email,
      displayName: p.displayName ?? p.fullName,
      organizationUuid: p.organizationUuid,
      organizationName: p.organizationName,
      plan: deps.toPlan(p, credentials),
      rateLimitTier: p.rateLimitTier ?? credentials.rateLimitTier,
      label: existing?.label ?? null,
      enabled: existing?.enabled ?? true,
      addedAtMs: existing?.addedAtMs ?? nowMs,
    };
    const state = deps.store.read();
    const accounts = existing ? state.accounts.map((m) => (m.id === meta.id ? meta : m)) : [...state.accounts, meta];
    deps.store.write({ ...state, accounts });
    const outcome: AccountSummary['outcome'] = !existing ? 'added' : keepStored ? 'kept-newer' : 'updated';
    deps.events.emit(
      existing ? 'account-login-updated' : 'account-added',
      'info',
      outcome === 'added'
        ? `Added ${meta.email} from ${source}.`
        : outcome === 'updated'
          ? `Updated the login of ${meta.email} from ${source}.`
          : `${meta.email} was imported again from ${source}; the stored login is newer and was kept.`,
      meta.id,
      { source, token: fingerprint(credentials.accessToken), outcome },
    );
    deps.onChanged(keepStored ? [] : [meta.id]);
    return ok(summary(meta, outcome));
  }

  function find(ref: string): AccountSummary | null {
    const m = findAccountByRef(metas(), ref);
    return m ? summary(m) : null;
  }

  const emit = (kind: 'account-labelled' | 'account-enabled' | 'account-disabled' | 'account-removed', m: AccountMeta, message: string) =>
    deps.events.emit(kind, 'info', message, m.id);

  return {
    metas,
    async importFromClaudeCode() {
      const login = await deps.readClaudeLogin();
      if (!login.ok) return err({ kind: 'no-login', message: login.error.message });
      return addCredentials(login.value, "Claude Code's current login");
    },
    async addFromCredentialsJson(json) {
      const parsed = deps.parseCredentialsJson(json);
      if (!parsed.ok) return err({ kind: 'invalid-credentials', message: parsed.error.message });
      return addCredentials(parsed.value, 'a credentials file');
    },
    list: () => metas().map((m) => summary(m)),
    find,
    setLabel(id, label) {
      const clean = label === null ? null : label.trim().slice(0, 64) || null;
      const m = updateMeta(id, (a) => ({ ...a, label: clean }));
      if (!m) return err(notFound(id));
      emit('account-labelled', m, clean ? `Labelled ${m.email} '${clean}'.` : `Removed the label of ${m.email}.`);
      deps.onChanged([]);
      return ok(summary(m));
    },
    setEnabled(id, enabled) {
      const m = updateMeta(id, (a) => ({ ...a, enabled }));
      if (!m) return err(notFound(id));
      emit(enabled ? 'account-enabled' : 'account-disabled', m, `${enabled ? 'Enabled' : 'Disabled'} ${m.email}.`);
      deps.onChanged([]);
      return ok(summary(m));
    },
    async remove(id) {
      const state = deps.store.read();
      const m = state.accounts.find((a) => a.id === id);
      if (!m) return err(notFound(id));
      const removed = await deps.vault.remove(id);
      if (!removed.ok) {
        return err({ kind: 'vault-failed', message: `Could not remove the stored login: ${removed.error.message}` });
      }
      deps.store.write({ ...state, accounts: state.accounts.filter((a) => a.id !== id) });
      emit('account-removed', m, `Removed ${m.email}. Its login in Claude Code, if any, is untouched.`);
      deps.onChanged([]);
      return ok(summary(m));
    },
  };
}

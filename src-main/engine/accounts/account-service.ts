/**
 * Account management: add (from Claude Code's current login or a credentials file), list, label,
 * enable/disable, remove. Identity comes from the profile endpoint; the account uuid is the key, so
 * importing the same account twice updates it and keeps the newer token (`add-account.ts`).
 */
import { err, ok } from '../../shared/result.js';
import type { AccountOpError, AccountsApi, AccountSummary } from '../engine-types.js';
import type { AccountMeta } from '../storage/state-schema.js';
import { toAccountSummary, type AccountServiceDeps } from './account-deps.js';
import { addCredentials } from './add-account.js';
import { findAccountByRef } from './find-account.js';

export type { AccountServiceDeps } from './account-deps.js';

export interface AccountService extends AccountsApi {
  /** Metadata of every account, in insertion order. */
  metas(): readonly AccountMeta[];
}

/** Creates the account service. All methods return secret-free results. */
export function createAccountService(deps: AccountServiceDeps): AccountService {
  const metas = (): readonly AccountMeta[] => deps.store.read().accounts;
  const summary = toAccountSummary;
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
      return addCredentials(deps, login.value, "Claude Code's current login");
    },
    async addFromCredentialsJson(json) {
      const parsed = deps.parseCredentialsJson(json);
      if (!parsed.ok) return err({ kind: 'invalid-credentials', message: parsed.error.message });
      return addCredentials(deps, parsed.value, 'a credentials file');
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

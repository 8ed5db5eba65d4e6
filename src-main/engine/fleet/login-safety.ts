/**
 * Refreshed logins the vault refused: which accounts' logins are held only in memory (neither the
 * vault nor the fallback file took them), the wording about them, and moving logins a previous run
 * saved to the fallback file back into the vault.
 */
import type { EngineEvents } from '../engine-events.js';
import { recoverFallbackLogins, type LoginFallback } from '../vault/login-fallback.js';
import type { Vault } from '../vault/vault-types.js';

export interface LoginSafetyDeps {
  readonly events: EngineEvents;
  readonly vault: Vault;
  readonly emailOf: (id: string) => string;
}

export interface LoginSafety {
  /** The keeper could not save a refreshed login to the vault; `file` is where it went instead, or null. */
  unsaved(id: string, file: string | null): void;
  /** The keeper refreshed (and saved) the account's login. */
  saved(id: string): void;
  /** The keeper stopped; these accounts' refreshed logins are saved nowhere. */
  stopped(unsavedIds: readonly string[]): void;
  /** Accounts whose refreshed login is held only in memory. */
  atRisk(): readonly string[];
  /** Moves logins a previous run saved to the fallback place into the vault. */
  recover(fallback: LoginFallback): Promise<void>;
}

export function createLoginSafety(deps: LoginSafetyDeps): LoginSafety {
  const { events, emailOf } = deps;
  let atRisk = new Set<string>();
  return {
    unsaved(id, file) {
      if (file === null) atRisk.add(id);
      const email = emailOf(id);
      events.emit(
        'vault-error',
        'error',
        file === null
          ? `The refreshed login of ${email} could not be saved — not to the vault, nor to a fallback file. ` +
              `It is kept in memory and retried; if ccmax-monitor stops first, ${email} needs a new login.`
          : `The refreshed login of ${email} could not be saved to the vault; it was saved to ${file} and the vault write is retried. ` +
              'The next start moves it into the vault.',
        id,
        { fallbackFile: file },
      );
    },
    saved(id) {
      atRisk.delete(id);
    },
    stopped(unsavedIds) {
      atRisk = new Set(unsavedIds);
    },
    atRisk: () => [...atRisk],
    async recover(fallback) {
      const { recovered, waiting } = await recoverFallbackLogins(fallback, deps.vault);
      for (const id of recovered) {
        events.emit(
          'token-refreshed',
          'info',
          `Recovered the refreshed login of ${emailOf(id)} from the fallback file into the vault.`,
          id,
          {
            path: 'recovered',
          },
        );
      }
      for (const id of waiting) {
        events.emit(
          'vault-error',
          'error',
          `A refreshed login of ${emailOf(id)} waits in a fallback file; the vault still refuses it.`,
          id,
        );
      }
    },
  };
}

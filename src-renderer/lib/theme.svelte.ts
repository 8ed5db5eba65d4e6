/**
 * The colour theme choice: follow the system (`prefers-color-scheme`), or force light or dark.
 * Kept in localStorage so the choice survives a reload; applied as `data-theme` on <html>.
 */
export const THEMES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEMES)[number];

const STORAGE_KEY = 'ccmax-theme';

/** The user's theme choice, restored from and saved to `storage` (null: not kept). */
export class ThemeState {
  choice = $state<ThemeChoice>('system');
  readonly #storage: Pick<Storage, 'getItem' | 'setItem'> | null;

  constructor(storage: Pick<Storage, 'getItem' | 'setItem'> | null) {
    this.#storage = storage;
    const saved = safely(() => storage?.getItem(STORAGE_KEY) ?? null);
    if (saved === 'light' || saved === 'dark' || saved === 'system') this.choice = saved;
  }

  /** Moves to the next choice: system → light → dark → system. */
  cycle(): void {
    this.choice = THEMES[(THEMES.indexOf(this.choice) + 1) % THEMES.length] as ThemeChoice;
    const choice = this.choice;
    safely(() => this.#storage?.setItem(STORAGE_KEY, choice));
  }
}

// Storage throws when disabled (private mode, sandboxed file pages): the theme just is not kept.
function safely<T>(fn: () => T): T | null {
  try {
    return fn();
  } catch {
    return null;
  }
}

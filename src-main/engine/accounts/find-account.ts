/** Finds an account by what a user types: its uuid, its email or its label (case-insensitive). */

export interface AccountRefTarget {
  readonly id: string;
  readonly email: string;
  readonly label: string | null;
}

/** The account whose id, else email, else label equals `ref` (trimmed, any case); null for none or an empty ref. */
export function findAccountByRef<T extends AccountRefTarget>(accounts: readonly T[], ref: string): T | null {
  const needle = ref.trim().toLowerCase();
  if (!needle) return null;
  return (
    accounts.find((a) => a.id.toLowerCase() === needle) ??
    accounts.find((a) => a.email.toLowerCase() === needle) ??
    accounts.find((a) => a.label !== null && a.label.toLowerCase() === needle) ??
    null
  );
}

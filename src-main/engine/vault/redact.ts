/**
 * Belt-and-braces scrubbing of secrets from text that leaves the vault (error messages, events).
 * Primary protection is never putting secrets there; this catches mistakes.
 */

/** Anthropic OAuth and API tokens start with `sk-ant-` (e.g. `sk-ant-oat01-…`, `sk-ant-ort01-…`). */
const TOKEN_PATTERN = /sk-ant-[A-Za-z0-9_-]*/g;

/** Shown in place of anything removed. */
export const REDACTED = '[redacted]';

/** True when `text` contains something that looks like an Anthropic token. */
export function looksLikeToken(text: string): boolean {
  TOKEN_PATTERN.lastIndex = 0;
  return TOKEN_PATTERN.test(text);
}

/**
 * Replaces every token-looking substring, and every occurrence of the given known secrets
 * (ignoring ones shorter than 8 characters, which would mangle ordinary words), with `[redacted]`.
 */
export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 8) out = out.split(secret).join(REDACTED);
  }
  return out.replace(TOKEN_PATTERN, REDACTED);
}

/**
 * Claude Code's credentials JSON (`{"claudeAiOauth": {...}, ...other keys}`), the same text in the
 * credentials file and the macOS keychain item: replacing the login while keeping every other key.
 * Pure; messages never quote the text (it holds tokens).
 */
import { err, ok, type Result } from '../../../shared/result.js';
import type { OAuthCredentials } from '../../vault/credentials.js';
import { parseClaudeCredentials } from '../claude-store.js';
import type { TargetError } from './credential-target.js';

/**
 * The `claudeAiOauth` object for `credentials`, in Claude Code's field names (`expiresAt` in ms).
 * An access-token-only login (empty `refreshToken`) is written with no `refreshToken` key — the
 * shape Claude Code itself writes when it strips a login's refresh token, and one it runs on
 * without ever calling its token endpoint (test/e2e/claude-code-least-privilege.test.ts).
 */
export function toClaudeAiOauth(credentials: OAuthCredentials): Record<string, unknown> {
  return {
    accessToken: credentials.accessToken,
    ...(credentials.refreshToken === '' ? {} : { refreshToken: credentials.refreshToken }),
    expiresAt: credentials.expiresAtMs,
    scopes: [...credentials.scopes],
    subscriptionType: credentials.subscriptionType,
    rateLimitTier: credentials.rateLimitTier,
  };
}

/**
 * The credentials JSON with `claudeAiOauth` replaced by `credentials` and every other top-level key
 * kept in place, in the text's own indentation (compact when it had no line breaks, as Claude Code
 * writes it). `current` null or blank starts a new document. `invalid` when `current` is not a
 * JSON object — it is never overwritten.
 */
export function mergeCredentialsText(current: string | null, credentials: OAuthCredentials, where: string): Result<string, TargetError> {
  let document: Record<string, unknown> = {};
  if (current !== null && current.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(current);
    } catch {
      return err({ kind: 'invalid', message: `${where} is not valid JSON; left untouched` });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return err({ kind: 'invalid', message: `${where} is not a JSON object; left untouched` });
    }
    document = parsed as Record<string, unknown>;
  }
  // Assigning an existing key keeps its position in the object, so the file's key order holds.
  document.claudeAiOauth = toClaudeAiOauth(credentials);
  return ok(stringifyLike(current, document));
}

/**
 * The login in a credentials JSON text: null when there is no text or no `claudeAiOauth`;
 * `invalid` when the text or the login does not parse. A login without a refresh token (what an
 * agent writes) reads back with `refreshToken` ''.
 */
export function readCredentialsText(text: string | null, where: string): Result<OAuthCredentials | null, TargetError> {
  if (text === null || text.trim() === '') return ok(null);
  const parsed = parseClaudeCredentials(text, { accessOnly: true });
  if (parsed.ok) return parsed;
  if (parsed.error.kind === 'missing') return ok(null);
  return err({ kind: 'invalid', message: `${where}: ${parsed.error.message}` });
}

/** True when two logins are the same in every field Claude Code stores. */
export function sameCredentials(a: OAuthCredentials, b: OAuthCredentials): boolean {
  return (
    a.accessToken === b.accessToken &&
    a.refreshToken === b.refreshToken &&
    a.expiresAtMs === b.expiresAtMs &&
    a.subscriptionType === b.subscriptionType &&
    a.rateLimitTier === b.rateLimitTier &&
    a.scopes.length === b.scopes.length &&
    a.scopes.every((scope, i) => scope === b.scopes[i])
  );
}

/** Serialises `value` in the layout of `original`: its indentation, line endings and trailing newline. */
export function stringifyLike(original: string | null, value: unknown): string {
  const indent = detectIndent(original);
  const eol = original?.includes('\r\n') ? '\r\n' : '\n';
  const trailingNewline = original?.endsWith('\n') ?? false;
  const json = JSON.stringify(value, null, indent) + (trailingNewline ? '\n' : '');
  return eol === '\n' ? json : json.replace(/\n/g, eol);
}

/** The indentation unit of a JSON text: undefined when it is compact (or absent). */
export function detectIndent(text: string | null): string | undefined {
  if (text === null) return undefined;
  const match = /\n([ \t]+)\S/.exec(text.trimEnd());
  return match?.[1];
}

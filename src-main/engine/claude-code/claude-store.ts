/**
 * Reads the login Claude Code holds: its credentials file (Linux, Windows), its macOS keychain item,
 * and the `oauthAccount` identity block. Read-only; writing belongs to the switcher.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { err, ok, type Result } from '../../shared/result.js';
import type { OAuthCredentials } from '../vault/credentials.js';
import type { ClaudePaths } from './claude-paths.js';

export { resolveClaudePaths, type ClaudePaths } from './claude-paths.js';

/** Why Claude Code's login could not be read. Messages never contain token text. */
export interface ClaudeStoreError {
  readonly kind: 'missing' | 'unreadable' | 'invalid';
  readonly message: string;
}

export interface ClaudeLogin {
  readonly credentials: OAuthCredentials;
  /** Where the login was found. */
  readonly source: 'file' | 'keychain';
}

/** Runs `/usr/bin/security` with `args`; resolves its exit code and stdout (never rejects for a non-zero exit). */
export type SecurityRunner = (args: readonly string[]) => Promise<{ readonly exitCode: number; readonly stdout: string }>;

export interface ReadCredentialsOptions {
  readonly platform: NodeJS.Platform;
  /** Injected in tests; defaults to running `/usr/bin/security` with a 5 s timeout. */
  readonly runSecurity?: SecurityRunner;
}

/** `security` exits 44 (errSecItemNotFound) when the keychain has no such item. */
const SECURITY_ITEM_NOT_FOUND = 44;

const ClaudeAiOauthSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  /** Epoch milliseconds (CLAUDE-CODE.md). */
  expiresAt: z.number(),
  scopes: z.array(z.string()).default([]),
  subscriptionType: z.string().nullable().optional(),
  rateLimitTier: z.string().nullable().optional(),
});

/** A login with no refresh token (an agent's: key absent, or empty), as the credential targets read it back. */
const AccessOnlyOauthSchema = ClaudeAiOauthSchema.extend({ refreshToken: z.string().optional() });

export interface ParseCredentialsOptions {
  /**
   * Accept a login without a refresh token (the key absent or empty; `refreshToken` is then '').
   * Only where Claude Code's store is read back (an agent writes such a login); an import refuses it.
   */
  readonly accessOnly?: boolean;
}

/** The parts of a login, in words, for error messages. */
const FIELD_WORDS: Readonly<Record<string, string>> = {
  accessToken: 'the access token',
  refreshToken: 'the refresh token',
  expiresAt: 'the expiry time (expiresAt)',
  scopes: 'the scopes',
  subscriptionType: 'the subscription type',
  rateLimitTier: 'the rate-limit tier',
};

/**
 * Parses Claude Code's credentials JSON — the file shape `{"claudeAiOauth": {...}, ...}` (other
 * top-level keys are ignored) or the inner object alone. The error message names the failing
 * field, never its value.
 */
export function parseClaudeCredentials(text: string, options: ParseCredentialsOptions = {}): Result<OAuthCredentials, ClaudeStoreError> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // JSON.parse messages quote the input, which may be a token: say only that it failed.
    return err({ kind: 'invalid', message: 'the credentials are not valid JSON' });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return err({ kind: 'invalid', message: 'the credentials are not a JSON object' });
  }
  const wrapped = 'claudeAiOauth' in json;
  const inner = wrapped ? (json as { claudeAiOauth: unknown }).claudeAiOauth : json;
  if (!wrapped && !('accessToken' in json)) {
    return err({ kind: 'missing', message: 'no claudeAiOauth login in the credentials (not logged in with a subscription?)' });
  }
  const parsed = (options.accessOnly ? AccessOnlyOauthSchema : ClaudeAiOauthSchema).safeParse(inner);
  if (!parsed.success) {
    // In words, not a schema path: what is wrong and what to paste instead.
    const key = String(parsed.error.issues[0]?.path[0] ?? '');
    const what = FIELD_WORDS[key] ?? 'a required part of the login';
    return err({
      kind: 'invalid',
      message:
        `these credentials are incomplete: ${what} is missing or not valid. Paste the whole credentials JSON as Claude Code stored it ` +
        '(~/.claude/.credentials.json, or the "Claude Code-credentials" keychain item on macOS).',
    });
  }
  const o = parsed.data;
  return ok({
    accessToken: o.accessToken,
    refreshToken: o.refreshToken ?? '',
    expiresAtMs: o.expiresAt,
    scopes: o.scopes,
    subscriptionType: o.subscriptionType ?? null,
    rateLimitTier: o.rateLimitTier ?? null,
  });
}

/**
 * Reads the login Claude Code holds now. On macOS the keychain item comes first (that is where
 * Claude Code keeps it); when the keychain has no item, the credentials file is read, as Claude
 * Code itself falls back to it. Other platforms read the file only.
 */
export async function readClaudeCredentials(
  paths: ClaudePaths,
  options: ReadCredentialsOptions,
): Promise<Result<ClaudeLogin, ClaudeStoreError>> {
  if (options.platform === 'darwin') {
    const fromKeychain = await readKeychain(paths, options.runSecurity ?? runSecurity);
    if (fromKeychain.ok || fromKeychain.error.kind !== 'missing') return fromKeychain;
  }
  let text: string;
  try {
    text = await readFile(paths.credentialsFile, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      return err({ kind: 'missing', message: `${paths.credentialsFile} does not exist` });
    }
    return err({ kind: 'unreadable', message: `cannot read ${paths.credentialsFile} (${code ?? 'error'})` });
  }
  const parsed = parseClaudeCredentials(text);
  if (!parsed.ok) return err({ ...parsed.error, message: `${paths.credentialsFile}: ${parsed.error.message}` });
  return ok({ credentials: parsed.value, source: 'file' });
}

async function readKeychain(paths: ClaudePaths, run: SecurityRunner): Promise<Result<ClaudeLogin, ClaudeStoreError>> {
  const where = `keychain item "${paths.keychainService}"`;
  let out: { exitCode: number; stdout: string };
  try {
    out = await run(['find-generic-password', '-a', paths.keychainAccount, '-w', '-s', paths.keychainService]);
  } catch (e) {
    return err({ kind: 'unreadable', message: `cannot run /usr/bin/security (${(e as Error).name})` });
  }
  if (out.exitCode === SECURITY_ITEM_NOT_FOUND) return err({ kind: 'missing', message: `no ${where}` });
  if (out.exitCode !== 0) {
    return err({ kind: 'unreadable', message: `reading the ${where} failed (security exited ${out.exitCode})` });
  }
  const parsed = parseClaudeCredentials(decodeSecurityOutput(out.stdout));
  if (!parsed.ok) return err({ ...parsed.error, message: `${where}: ${parsed.error.message}` });
  return ok({ credentials: parsed.value, source: 'keychain' });
}

/** `security -w` prints a value it considers binary as hex; Claude Code writes the item with `-X <hex>`. */
function decodeSecurityOutput(stdout: string): string {
  const trimmed = stdout.trim();
  if (trimmed.length % 2 === 0 && /^[0-9a-fA-F]+$/.test(trimmed)) {
    const decoded = Buffer.from(trimmed, 'hex').toString('utf8');
    if (decoded.trimStart().startsWith('{')) return decoded;
  }
  return trimmed;
}

const runSecurity: SecurityRunner = (args) =>
  new Promise((resolve, reject) => {
    execFile('/usr/bin/security', [...args], { timeout: 5000, encoding: 'utf8' }, (error, stdout) => {
      if (error && typeof error.code !== 'number') {
        reject(error);
        return;
      }
      resolve({ exitCode: error ? Number(error.code) : 0, stdout });
    });
  });

/** The identity Claude Code shows as logged in (`oauthAccount` in `.claude.json`). */
export interface ClaudeOAuthAccount {
  readonly accountUuid: string;
  readonly emailAddress: string | null;
  readonly organizationUuid: string | null;
}

const OAuthAccountSchema = z.object({
  accountUuid: z.string().min(1),
  emailAddress: z.string().nullable().optional(),
  organizationUuid: z.string().nullable().optional(),
});

/** Reads the `oauthAccount` block of Claude Code's `.claude.json`; null when missing or unreadable. */
export async function readOAuthAccount(paths: ClaudePaths): Promise<ClaudeOAuthAccount | null> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(paths.claudeJson, 'utf8'));
  } catch {
    return null;
  }
  if (typeof json !== 'object' || json === null) return null;
  const parsed = OAuthAccountSchema.safeParse((json as { oauthAccount?: unknown }).oauthAccount);
  if (!parsed.success) return null;
  return {
    accountUuid: parsed.data.accountUuid,
    emailAddress: parsed.data.emailAddress ?? null,
    organizationUuid: parsed.data.organizationUuid ?? null,
  };
}
